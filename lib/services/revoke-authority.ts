import { assertCan, assertRecentAuth } from "../auth/actor";
import { audit, checkSensitive } from "./audit";
import type { Authority } from "@/generated/prisma/client";
import { getDb } from "../db";
import { AppError } from "../errors";
import { parseInput } from "../validations/parse";
import { ZRevokeInput } from "../validations/lifecycle";
import { publishCrl } from "./crl";
import { findAuthority } from "../data/find";

/**
 * Revokes an intermediate CA: it appears in its parent's CRL and OCSP answers, and it cannot sign
 * any more. A root cannot be revoked by anyone above it: it has to leave the trust stores.
 */
export async function revokeAuthority(id: string, raw: unknown, now = new Date()): Promise<Authority> {
  await checkSensitive(
    { action: "ca.revoke", objectType: "authority", objectId: id },
    () => assertCan("manage_cas", "revoke CAs"),
    () => assertRecentAuth(now),
  );
  const { reason } = parseInput(ZRevokeInput, raw);
  const authority = await findAuthority(id, "id");
  if (!authority.parentId) {
    throw new AppError(
      "INVALID_INPUT",
      `"${authority.commonName}" is a root CA: no CRL above it can revoke it. Remove it from the trust stores that hold it, and stop issuing from it.`,
      "id",
    );
  }
  if (authority.status === "revoked") throw new AppError("CONFLICT", `"${authority.commonName}" is already revoked.`, "id");
  const updated = await getDb().authority.update({ where: { id }, data: { status: "revoked", revokedAt: now, revocationReason: reason } });
  await publishCrl(authority.parentId, now);
  await audit({ action: "ca.revoke", objectType: "authority", objectId: id, objectLabel: authority.commonName, detail: { reason } });
  return updated;
}
