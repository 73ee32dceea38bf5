import { apiRoute, readJson } from "@/lib/api/handler";
import { presentAcmeEndpoint } from "@/lib/api/present-acme";
import { json } from "@/lib/api/respond";
import { acmeEndpointRecords } from "@/lib/data/acme";
import { createAcmeEndpoint } from "@/lib/services/acme-create-endpoint";
import { ZAcmeEndpointInput } from "@/lib/validations/acme";

export const GET = apiRoute("manage_cas", async () => {
  const endpoints = await acmeEndpointRecords();
  return json({ items: endpoints.map(presentAcmeEndpoint) });
});

/** {name, caId, profiles?, defaultProfile?, validityDays?, maxValidityDays?, challenges?, requireEab?, allowedIdentifiers?, termsOfServiceUrl?} */
export const POST = apiRoute("manage_cas", async (request) =>
  json(presentAcmeEndpoint(await createAcmeEndpoint(await readJson(request, ZAcmeEndpointInput))), 201),
);
