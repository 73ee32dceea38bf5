import { assertCan, assertRecentAuth } from "../auth/actor";
import { audit, checkSensitive } from "./audit";
import { assertMayUseAuthority } from "./issuer";
import type { Certificate } from "@/generated/prisma/client";
import { getDb } from "../db";
import { findAuthority, findCertificate } from "../data/find";
import { AppError } from "../errors";
import { parseInput } from "../validations/parse";
import { ZRevokeInput } from "../validations/lifecycle";
import { publishCrl } from "./crl";

/** The certificate, if the actor may use the CA that issued it. */
async function findUsableCertificate(id: string): Promise<Certificate> {
  const certificate = await findCertificate(id);
  assertMayUseAuthority(await findAuthority(certificate.authorityId), "id");
  return certificate;
}

/**
 * Revokes a certificate: a status change with time and reason, never a delete; the CA's CRL is
 * signed anew at once. A certificate on hold may be revoked for good with another reason.
 */
export async function revokeCertificate(id: string, raw: unknown, now = new Date()): Promise<Certificate> {
  await checkSensitive(
    { action: "certificate.revoke", objectType: "certificate", objectId: id },
    () => assertCan("issue", "revoke certificates"),
    () => assertRecentAuth(now),
  );
  const { reason } = parseInput(ZRevokeInput, raw);
  if (reason === "removeFromCRL") {
    throw new AppError("INVALID_INPUT", 'removeFromCRL lifts a certificate hold: use "lift hold" (DELETE .../revoke) instead.', "reason");
  }
  const certificate = await findUsableCertificate(id);
  if (certificate.status === "revoked" && certificate.revocationReason !== "certificateHold") {
    throw new AppError(
      "CONFLICT",
      `This certificate was already revoked on ${certificate.revokedAt?.toISOString().slice(0, 10)} (${certificate.revocationReason}).`,
      "id",
    );
  }
  const updated = await getDb().certificate.update({
    where: { id },
    data: { status: "revoked", revokedAt: certificate.revokedAt ?? now, revocationReason: reason },
  });
  await publishCrl(certificate.authorityId, now);
  await audit({
    action: "certificate.revoke",
    objectType: "certificate",
    objectId: id,
    objectLabel: certificate.commonName,
    detail: { reason, serialNumber: certificate.serialHex },
  });
  return updated;
}

/** Lifts a certificate hold: the certificate is valid again and leaves the CRL. */
export async function liftHold(id: string, now = new Date()): Promise<Certificate> {
  assertCan("issue", "lift certificate holds");
  const certificate = await findUsableCertificate(id);
  if (certificate.revocationReason !== "certificateHold") {
    throw new AppError("CONFLICT", "Only a certificate on hold can be reinstated; other revocations are final.", "id");
  }
  const updated = await getDb().certificate.update({ where: { id }, data: { status: "active", revokedAt: null, revocationReason: null } });
  await publishCrl(certificate.authorityId, now);
  await audit({ action: "certificate.lift_hold", objectType: "certificate", objectId: id, objectLabel: certificate.commonName });
  return updated;
}
