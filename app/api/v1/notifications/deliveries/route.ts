import { apiRoute, readQuery } from "@/lib/api/handler";
import { presentDelivery } from "@/lib/api/present";
import { ZDeliveriesQuery } from "@/lib/api/queries";
import { json } from "@/lib/api/respond";
import { getDb } from "@/lib/db";
import { parseInput } from "@/lib/validations/parse";

/** The delivery log, newest first (?status=pending|delivered|failed, ?limit up to 500). */
export const GET = apiRoute("settings", async (request) => {
  const { status, limit } = parseInput(ZDeliveriesQuery, readQuery(request, ZDeliveriesQuery));
  const deliveries = await getDb().notificationDelivery.findMany({
    where: status ? { status } : {},
    orderBy: { createdAt: "desc" },
    take: limit,
  });
  return json({ items: deliveries.map(presentDelivery) });
});
