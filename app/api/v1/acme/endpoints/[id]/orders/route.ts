import { apiRoute } from "@/lib/api/handler";
import { presentAcmeOrder } from "@/lib/api/present-acme";
import { json } from "@/lib/api/respond";
import { getAcmeEndpoint } from "@/lib/data/acme";
import { findAcmeEndpoint } from "@/lib/services/acme-endpoint-lookup";

/** The endpoint's most recent orders (50), newest first. */
export const GET = apiRoute("manage_cas", async (_request, { id }) => {
  const endpoint = await findAcmeEndpoint(id!);
  return json({ items: (await getAcmeEndpoint(endpoint.id))!.recentOrders.map(presentAcmeOrder) });
});
