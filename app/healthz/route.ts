import { json } from "@/lib/api/respond";
import { liveness } from "@/lib/ops/readiness";

/** Liveness: the process answers HTTP. Unauthenticated, for load balancers and orchestrators. */
export function GET() {
  return json(liveness());
}
