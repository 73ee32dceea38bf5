/** The API's JSON shapes for stored objects: one place, so every endpoint answers alike (typed by lib/api/responses.ts). */
import type { Authority, Certificate, NotificationChannel, NotificationDelivery, NotificationRule } from "@/generated/prisma/client";
import { certificateStatus } from "../data/status";
import { sansToLists } from "../pki/names";
import { decodeSans } from "../data/columns";
import { presentNameConstraints } from "../policy/name-constraints";
import type {
  TCreatedAuthorityResponse,
  TIssuedCertificateResponse,
  TRenewedCertificateResponse,
  TAuthorityResponse,
  TCertificateResponse,
  TChannelResponse,
  TDeliveryResponse,
  TRuleResponse,
} from "./responses";

export function presentAuthority(a: Authority): TAuthorityResponse {
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
    keyStorage: a.keyStorage as TAuthorityResponse["keyStorage"],
    pkcs11: a.keyStorage === "pkcs11" ? { tokenLabel: a.pkcs11Token, keyId: a.pkcs11KeyId, keyLabel: a.pkcs11KeyLabel } : null,
  };
}

export function presentCertificate(c: Certificate, now = new Date()): TCertificateResponse {
  return {
    id: c.id,
    caId: c.authorityId,
    serialNumber: c.serialHex,
    commonName: c.commonName,
    subject: c.subjectDn,
    sans: sansToLists(decodeSans(c.sans)),
    // Stored as text; only the pipeline writes them, with these values.
    profile: c.profile as TCertificateResponse["profile"],
    keyType: c.keyType,
    source: c.source as TCertificateResponse["source"],
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    status: certificateStatus(c, now),
    hasPrivateKey: c.encryptedKey !== null,
    fingerprintSha256: c.fingerprintSha256,
    certificatePem: c.certificatePem,
  };
}

/** A channel's settings without its secret (only whether it has one). */
export function presentChannel(c: NotificationChannel & { rules?: NotificationRule[] }): TChannelResponse {
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

export function presentRule(r: NotificationRule): TRuleResponse {
  return {
    id: r.id,
    channelId: r.channelId,
    caId: r.authorityId,
    daysBefore: JSON.parse(r.daysBefore) as number[],
    createdAt: r.createdAt.toISOString(),
  };
}

export function presentDelivery(d: NotificationDelivery): TDeliveryResponse {
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

/** POST /cas: the CA and the warnings its creation gave. */
export function presentCreatedAuthority(a: Authority, warnings: string[]): TCreatedAuthorityResponse {
  return { ...presentAuthority(a), warnings };
}

/** POST /certificates: the certificate, its chain, and its key when cadesk generated it. */
export function presentIssuedCertificate(
  c: Certificate,
  issued: { chainPem: string; privateKeyPem?: string; warnings: string[] },
): TIssuedCertificateResponse {
  return {
    ...presentCertificate(c),
    chainPem: issued.chainPem,
    ...(issued.privateKeyPem ? { privateKeyPem: issued.privateKeyPem } : {}),
    warnings: issued.warnings,
  };
}

/** POST /certificates/{id}/renew: the new certificate, linked to the one it renews. */
export function presentRenewedCertificate(
  c: Certificate,
  renewedFromId: string,
  renewed: { privateKeyPem?: string; warnings: string[] },
): TRenewedCertificateResponse {
  return {
    ...presentCertificate(c),
    renewedFromId,
    ...(renewed.privateKeyPem ? { privateKeyPem: renewed.privateKeyPem } : {}),
    warnings: renewed.warnings,
  };
}
