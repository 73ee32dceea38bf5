import { apiRoute, readJson } from "@/lib/api/handler";
import { presentCreatedEabKey } from "@/lib/api/present-acme";
import { json } from "@/lib/api/respond";
import { createAcmeEabKey } from "@/lib/services/acme-create-eab-key";
import { ZAcmeEabKeyInput } from "@/lib/validations/acme";

/** {label?} -> {keyId, hmacKey}: the HMAC key (base64url) is in this answer only; cadesk keeps it sealed. */
export const POST = apiRoute("manage_cas", async (request, { id }) => {
  const body = request.headers.get("content-length") === "0" || !request.body ? {} : await readJson(request, ZAcmeEabKeyInput);
  const key = await createAcmeEabKey(id!, body);
  return json(presentCreatedEabKey(key), 201);
});
