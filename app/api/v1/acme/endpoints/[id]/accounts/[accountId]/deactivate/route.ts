import { apiRoute } from "@/lib/api/handler";
import { presentDeactivatedAccount } from "@/lib/api/present-acme";
import { json } from "@/lib/api/respond";
import { deactivateAcmeAccount } from "@/lib/services/acme-deactivate-account";

/** Ends the account (status "revoked", RFC 8555 7.1.6): its key can no longer order or revoke. */
export const POST = apiRoute("manage_cas", async (_request, { id, accountId }) => {
  const account = await deactivateAcmeAccount(id!, accountId!);
  return json(presentDeactivatedAccount(account));
});
