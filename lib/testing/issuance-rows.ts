import { randomBytes, randomUUID } from "node:crypto";
import type { NewAuditRow, NewCertificateRow } from "../stores/issuance";

/**
 * A certificate row and its audit row as the issuance pipeline hands them to commitIssuances
 * (lib/stores/issuance.ts), for tests that drive the commit directly: a fresh id and serial, no
 * names, valid from now to now; the PEM is never read. Callers change what their test is about.
 */
export function syntheticIssuance(caId: string, label: string): { certificate: NewCertificateRow; audit: NewAuditRow } {
  const id = randomUUID();
  const now = new Date();
  return {
    certificate: {
      id,
      authorityId: caId,
      serialHex: randomBytes(16).toString("hex"),
      commonName: label,
      sans: "[]",
      searchText: label,
      profile: "server",
      keyType: "ecdsa-p256",
      source: "csr",
      subjectDn: `CN=${label}`,
      notBefore: now,
      notAfter: now,
      expiringFrom: now,
      certificatePem: "not a certificate: never read in this test",
      encryptedKey: null,
      renewedFromId: null,
      fingerprintSha256: randomBytes(32).toString("hex"),
    },
    audit: {
      actorType: "system",
      actorId: null,
      actorLabel: "test",
      action: "certificate.issue",
      outcome: "success",
      objectType: "certificate",
      objectId: id,
      objectLabel: label,
      ip: null,
      requestId: null,
      detail: null,
    },
  };
}
