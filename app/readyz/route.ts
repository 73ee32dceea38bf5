import { publicRoute } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { readiness } from "@/lib/ops/readiness";

/** Readiness: 200 when this instance can serve (store, migrations, master key, CA keys), 503 otherwise. */
export const GET = publicRoute(async () => {
  const result = await readiness();
  return json({ status: result.ready ? "ready" : "not ready", checks: result.checks }, result.ready ? 200 : 503);
});
