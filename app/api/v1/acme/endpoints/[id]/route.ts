import { apiRoute, readJson } from "@/lib/api/handler";
import { presentAcmeEndpoint, presentAcmeEndpointDetail } from "@/lib/api/present-acme";
import { json } from "@/lib/api/respond";
import { getAcmeEndpoint } from "@/lib/data/acme";
import { deleteAcmeEndpoint } from "@/lib/services/acme-delete-endpoint";
import { findAcmeEndpoint } from "@/lib/services/acme-endpoint-lookup";
import { updateAcmeEndpoint } from "@/lib/services/acme-update-endpoint";
import { ZAcmeEndpointPatch } from "@/lib/validations/acme";

export const GET = apiRoute("manage_cas", async (_request, { id }) => {
  const endpoint = await findAcmeEndpoint(id!);
  return json(presentAcmeEndpointDetail(endpoint, (await getAcmeEndpoint(endpoint.id))!));
});

/** Any of the creation fields except name; left-out fields keep their value. */
export const PATCH = apiRoute("manage_cas", async (request, { id }) =>
  json(presentAcmeEndpoint(await updateAcmeEndpoint(id!, await readJson(request, ZAcmeEndpointPatch)))),
);

/** Deletes the endpoint with its keys, accounts and orders; issued certificates stay. */
export const DELETE = apiRoute("manage_cas", async (_request, { id }) => {
  await deleteAcmeEndpoint(id!);
  return new Response(null, { status: 204 });
});
