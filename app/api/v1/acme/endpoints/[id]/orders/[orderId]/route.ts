import { apiRoute } from "@/lib/api/handler";
import { presentAcmeOrderDetail } from "@/lib/api/present-acme";
import { json } from "@/lib/api/respond";
import { getAcmeOrder } from "@/lib/data/acme";
import { AppError } from "@/lib/errors";

/** One order with its authorizations and each challenge's transcript. */
export const GET = apiRoute("manage_cas", async (_request, { id, orderId }) => {
  const order = await getAcmeOrder(id!, orderId!);
  if (!order) throw new AppError("NOT_FOUND", `This endpoint has no ACME order "${orderId!.slice(0, 100)}".`, "orderId");
  return json(presentAcmeOrderDetail(order));
});
