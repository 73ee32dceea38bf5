/** The API's JSON shapes for stored objects: one place, so every endpoint answers alike. */
import type { Authority, Certificate, NotificationChannel, NotificationDelivery, NotificationRule } from "@/generated/prisma/client";
import { certificateStatus } from "../data/status";
import { sansToLists } from "../pki/names";
import { decodeSans } from "../data/columns";
import { presentNameConstraints } from "../policy/name-constraints";

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
    /** As read from the certificate (created with them or imported): null when it has none. */
    nameConstraints: presentNameConstraints(a),
    certificatePem: a.certificatePem,
    /** Where the private key is: "sealed" in the store, or "pkcs11" inside the HSM (never exported). */
    keyStorage: a.keyStorage,
    pkcs11: a.keyStorage === "pkcs11" ? { tokenLabel: a.pkcs11Token, keyId: a.pkcs11KeyId, keyLabel: a.pkcs11KeyLabel } : null,
  };
}

export function presentCertificate(c: Certificate, now = new Date()) {
  return {
    id: c.id,
    caId: c.authorityId,
    serialNumber: c.serialHex,
    commonName: c.commonName,
    subject: c.subjectDn,
    sans: sansToLists(decodeSans(c.sans)),
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

/** A channel's settings without its secret (only whether it has one). */
export function presentChannel(c: NotificationChannel & { rules?: NotificationRule[] }) {
  return {
    id: c.id,
    name: c.name,
    kind: c.kind,
    settings: JSON.parse(c.settings) as Record<string, unknown>,
    hasSecret: c.encryptedSecret !== null,
    createdAt: c.createdAt.toISOString(),
    ...(c.rules ? { rules: c.rules.map(presentRule) } : {}),
  };
}

export function presentRule(r: NotificationRule) {
  return {
    id: r.id,
    channelId: r.channelId,
    caId: r.authorityId,
    daysBefore: JSON.parse(r.daysBefore) as number[],
    createdAt: r.createdAt.toISOString(),
  };
}

export function presentDelivery(d: NotificationDelivery) {
  return {
    id: d.id,
    channelId: d.channelId,
    kind: d.kind,
    subject: d.subject,
    payload: JSON.parse(d.payload) as Record<string, unknown>,
    status: d.status,
    attempts: d.attempts,
    lastResult: d.lastResult,
    nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
    createdAt: d.createdAt.toISOString(),
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
  };
}
