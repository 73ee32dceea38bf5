import { apiRoute } from "@/lib/api/handler";
import { presentDelivery } from "@/lib/api/present";
import { json } from "@/lib/api/respond";
import { getDb } from "@/lib/db";

/** The delivery log, newest first (?status=pending|delivered|failed, ?limit up to 500). */
export const GET = apiRoute("settings", async (request) => {
  const params = new URL(request.url).searchParams;
  const status = params.get("status");
  const limit = Math.min(500, Math.max(1, Number(params.get("limit")) || 100));
  const deliveries = await getDb().notificationDelivery.findMany({
    where: status && ["pending", "delivered", "failed"].includes(status) ? { status } : {},
    orderBy: { createdAt: "desc" },
    take: limit,
  });
  return json({ items: deliveries.map(presentDelivery) });
});
