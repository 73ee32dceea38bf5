import type { AcmeEabKey } from "@/generated/prisma/client";
import { assertCan } from "../auth/actor";
import { getDb } from "../db";
import { AppError } from "../errors";
import { audit } from "./audit";

/**
 * Revokes an EAB key: no new account can bind with it. An account already bound to it keeps
 * working (deactivate the account to stop it). Revoking twice is not an error.
 */
export async function revokeAcmeEabKey(endpointId: string, keyId: string, now = new Date()): Promise<AcmeEabKey> {
  assertCan("manage_cas", "revoke ACME EAB keys");
  const db = getDb();
  const key = await db.acmeEabKey.findUnique({ where: { keyId }, include: { endpoint: { select: { name: true } } } });
  if (!key || key.endpointId !== endpointId) {
    throw new AppError(
      "NOT_FOUND",
      `This endpoint has no EAB key "${keyId.slice(0, 100)}". GET /api/v1/acme/endpoints/{id} lists its keys.`,
      "keyId",
    );
  }
  if (key.revokedAt) return key;
  const { endpoint, ...revoked } = await db.acmeEabKey.update({
    where: { id: key.id },
    data: { revokedAt: now },
    include: { endpoint: { select: { name: true } } },
  });
  await audit({
    action: "acme.eab_key.revoke",
    objectType: "acme_eab_key",
    objectId: key.id,
    objectLabel: key.label ?? key.keyId,
    detail: { endpointId, endpoint: endpoint.name, keyId, bound: key.boundAt !== null },
  });
  return revoked;
}
