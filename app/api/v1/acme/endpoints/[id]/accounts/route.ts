import { apiRoute } from "@/lib/api/handler";
import { presentAcmeAccount } from "@/lib/api/present-acme";
import { json } from "@/lib/api/respond";
import { getAcmeEndpoint } from "@/lib/data/acme";
import { findAcmeEndpoint } from "@/lib/services/acme-endpoint-lookup";

export const GET = apiRoute("manage_cas", async (_request, { id }) => {
  const endpoint = await findAcmeEndpoint(id!);
  return json({ items: (await getAcmeEndpoint(endpoint.id))!.accounts.map(presentAcmeAccount) });
});
