import { apiRoute, readJson } from "@/lib/api/handler";
import { presentCreatedAuthority } from "@/lib/api/present";
import { json } from "@/lib/api/respond";
import { importAuthority } from "@/lib/services/import-authority";
import { ZImportAuthorityInput } from "@/lib/validations/authority";

/** {certificatePem, privateKeyPem} or {certificatePem, keyStorage: "pkcs11", pkcs11KeyId | pkcs11KeyLabel}: imports an existing CA. */
export const POST = apiRoute("manage_cas", async (request) => {
  const { authority, warnings } = await importAuthority(await readJson(request, ZImportAuthorityInput));
  return json(presentCreatedAuthority(authority, warnings), 201);
});
