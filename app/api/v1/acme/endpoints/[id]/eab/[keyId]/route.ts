import { apiRoute } from "@/lib/api/handler";
import { revokeAcmeEabKey } from "@/lib/services/acme-revoke-eab-key";

/** Revokes the key: no new account can bind with it (an account already bound keeps working). */
export const DELETE = apiRoute("manage_cas", async (_request, { id, keyId }) => {
  await revokeAcmeEabKey(id!, keyId!);
  return new Response(null, { status: 204 });
});
