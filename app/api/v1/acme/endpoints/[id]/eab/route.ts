import { apiRoute, readJson } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { createAcmeEabKey } from "@/lib/services/acme-create-eab-key";
import { ZAcmeEabKeyInput } from "@/lib/validations/acme";

/** {label?} -> {keyId, hmacKey}: the HMAC key (base64url) is in this answer only; cadesk keeps it sealed. */
export const POST = apiRoute("manage_cas", async (request, { id }) => {
  const body = request.headers.get("content-length") === "0" || !request.body ? {} : await readJson(request, ZAcmeEabKeyInput);
  const key = await createAcmeEabKey(id!, body);
  return json({ keyId: key.keyId, hmacKey: key.hmacKey, label: key.label, createdAt: key.createdAt.toISOString() }, 201);
});
