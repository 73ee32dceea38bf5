import { apiRoute, readJson } from "@/lib/api/handler";
import { presentRenewedCertificate } from "@/lib/api/present";
import { json } from "@/lib/api/respond";
import { renewCertificate } from "@/lib/services/renew-certificate";
import { ZRenewInput } from "@/lib/validations/lifecycle";

/** {revokeOld?}: a renewed certificate, linked to the old one. */
export const POST = apiRoute("issue", async (request, { id }) => {
  const body = request.headers.get("content-length") === "0" ? {} : await readJson(request, ZRenewInput);
  const renewed = await renewCertificate(id!, body);
  return json(presentRenewedCertificate(renewed.certificate, id!, renewed), 201);
});
