/** The API's JSON shapes for stored objects: one place, so every endpoint answers alike. */
import type { Authority, Certificate } from "@/generated/prisma/client";
import { certificateStatus } from "../data/status";
import { sansToLists, type San } from "../pki/names";

export function presentAuthority(a: Authority) {
  return {
    id: a.id,
    commonName: a.commonName,
    subject: a.subjectDn,
    parentId: a.parentId,
    keyType: a.keyType,
    pathLen: a.pathLength,
    serialNumber: a.serialHex,
    notBefore: a.notBefore.toISOString(),
    notAfter: a.notAfter.toISOString(),
    fingerprintSha256: a.fingerprintSha256,
    imported: a.imported,
    status: a.status,
    revokedAt: a.revokedAt?.toISOString() ?? null,
    revocationReason: a.revocationReason,
    certificatePem: a.certificatePem,
  };
}

export function presentCertificate(c: Certificate, now = new Date()) {
  return {
    id: c.id,
    caId: c.authorityId,
    serialNumber: c.serialHex,
    commonName: c.commonName,
    subject: c.subjectDn,
    sans: sansToLists(JSON.parse(c.sans) as San[]),
    profile: c.profile,
    keyType: c.keyType,
    source: c.source,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    status: certificateStatus(c, now),
    hasPrivateKey: c.encryptedKey !== null,
    fingerprintSha256: c.fingerprintSha256,
    certificatePem: c.certificatePem,
  };
}
