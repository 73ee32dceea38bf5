import type { AcmeAccount } from "@/generated/prisma/client";
import { assertCan } from "../auth/actor";
import { getDb } from "../db";
import { AppError } from "../errors";
import { audit } from "./audit";

/**
 * An admin ends an ACME account: RFC 8555 7.1.6 calls a server-side end "revoked" (its holder's
 * own is "deactivated"). Every later request signed by its key gets `unauthorized`; certificates
 * it already obtained stay valid until revoked from their pages. Final, like the RFC's states.
 */
export async function deactivateAcmeAccount(endpointId: string, accountId: string, now = new Date()): Promise<AcmeAccount> {
  assertCan("manage_cas", "deactivate ACME accounts");
  const db = getDb();
  const account = await db.acmeAccount.findUnique({ where: { id: accountId }, include: { endpoint: { select: { name: true } } } });
  if (!account || account.endpointId !== endpointId) {
    throw new AppError("NOT_FOUND", `This endpoint has no ACME account "${accountId.slice(0, 100)}".`, "accountId");
  }
  const { endpoint, ...rest } = account;
  if (account.status !== "valid") return rest;
  const updated = await db.acmeAccount.update({ where: { id: accountId }, data: { status: "revoked", deactivatedAt: now } });
  await audit({
    action: "acme.account.deactivate",
    objectType: "acme_account",
    objectId: accountId,
    objectLabel: (JSON.parse(account.contacts) as string[])[0] ?? account.thumbprint,
    detail: { endpointId, endpoint: endpoint.name, thumbprint: account.thumbprint },
  });
  return updated;
}
