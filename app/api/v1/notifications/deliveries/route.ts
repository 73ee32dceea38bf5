import { apiRoute, readQuery } from "@/lib/api/handler";
import { presentDelivery } from "@/lib/api/present";
import { ZDeliveriesQuery } from "@/lib/api/queries";
import { json } from "@/lib/api/respond";
import { listDeliveries } from "@/lib/data/notifications";
import { parseInput } from "@/lib/validations/parse";

/** The delivery log, newest first (?status=pending|delivered|failed, ?limit up to 500). */
export const GET = apiRoute("settings", async (request) => {
  const { status, limit } = parseInput(ZDeliveriesQuery, readQuery(request, ZDeliveriesQuery));
  const deliveries = await listDeliveries(status ?? null, limit);
  return json({ items: deliveries.map(presentDelivery) });
});
