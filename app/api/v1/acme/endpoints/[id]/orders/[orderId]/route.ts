import { apiRoute } from "@/lib/api/handler";
import { presentAcmeOrder } from "@/lib/api/present-acme";
import { json } from "@/lib/api/respond";
import { getAcmeOrder } from "@/lib/data/acme";
import { AppError } from "@/lib/errors";

/** One order with its authorizations and each challenge's transcript. */
export const GET = apiRoute("manage_cas", async (_request, { id, orderId }) => {
  const order = await getAcmeOrder(id!, orderId!);
  if (!order) throw new AppError("NOT_FOUND", `This endpoint has no ACME order "${orderId!.slice(0, 100)}".`, "orderId");
  return json({
    ...presentAcmeOrder(order),
    summary: order.summary,
    authorizations: order.authorizations.map((a) => ({
      identifier: a.identifier,
      status: a.status,
      expires: a.expires.toISOString(),
      challenges: a.challenges.map((c) => ({
        type: c.type,
        status: c.status,
        validated: c.validated?.toISOString() ?? null,
        error: c.error ? { type: c.error.type, detail: c.error.detail } : null,
        transcript: c.transcript,
      })),
    })),
  });
});
