import { randomUUID } from "node:crypto";
import type { Certificate } from "@/generated/prisma/client";
import { searchText } from "../data/search-text";
import { expiringFrom } from "../data/status";
import { getDb } from "../db";
import type { SignedLeaf } from "../pki/leaf-template";
import type { San } from "../pki/names";
import { auditEventData } from "../services/audit";
import { certificateKeyContext, sealKey } from "../signers/sealed-key";
import { GroupCommit } from "./group-commit";
import type { IssuanceRequest } from "./request";

export interface StoreParams {
  request: IssuanceRequest;
  certificate: SignedLeaf;
  sans: San[];
  keyType: string;
  source: "generated" | "csr";
  /** PKCS#8 to keep sealed; absent when the user opted out, for CSRs, and for renewals of those. */
  keepKey?: Uint8Array;
  policyChecks: string[];
}

type CertificateRow = Omit<Certificate, "status" | "revokedAt" | "revocationReason" | "createdAt">;
type AuditRow = ReturnType<typeof auditEventData>;

/**
 * Issuances committed together (group-commit.ts): one transaction with one multi-row insert of
 * certificates and one of their audit events, whatever the batch size, on SQLite and PostgreSQL
 * alike (Prisma's createManyAndReturn/createMany, no store-specific SQL).
 */
const commits = new GroupCommit<{ certificate: CertificateRow; audit: AuditRow }, Certificate>({
  maxBatch: 200,
  commit: async (items) => {
    const db = getDb();
    const [rows] = await db.$transaction([
      db.certificate.createManyAndReturn({ data: items.map((i) => i.certificate) }),
      db.auditEvent.createMany({ data: items.map((i) => i.audit) }),
    ]);
    // RETURNING promises no order: match the rows back by id.
    const byId = new Map(rows.map((row) => [row.id, row]));
    return items.map((i) => byId.get(i.certificate.id)!);
  },
});

/** For tests and the bench: how the commits were grouped. */
export const groupCommitStats = commits.stats;

/**
 * Commits the certificate and its audit event in one transaction (never one without the other),
 * before anything is returned to the requester; concurrent issuances share the transaction.
 */
export async function storeWithAudit(params: StoreParams): Promise<Certificate> {
  const { request, certificate, sans } = params;
  const id = randomUUID();
  const { commonName, serialHex } = certificate;
  return commits.add({
    certificate: {
      id,
      authorityId: request.caId,
      serialHex,
      commonName,
      sans: JSON.stringify(sans),
      searchText: searchText([commonName, ...sans.map((s) => s.value), serialHex].join(" ")),
      profile: request.profile,
      keyType: params.keyType,
      source: params.source,
      subjectDn: certificate.subjectDn,
      notBefore: certificate.notBefore,
      notAfter: certificate.notAfter,
      expiringFrom: expiringFrom(certificate.notBefore, certificate.notAfter),
      certificatePem: certificate.pem,
      encryptedKey: params.keepKey ? sealKey(params.keepKey, certificateKeyContext(id)) : null,
      renewedFromId: request.renewedFromId ?? null,
      fingerprintSha256: certificate.fingerprintSha256,
    },
    // The actor is read here, in the request's context, not in the flush that commits it.
    audit: auditEventData({
      action: request.audit.action,
      objectType: "certificate",
      objectId: id,
      objectLabel: commonName,
      detail: {
        caId: request.caId,
        serialNumber: serialHex,
        profile: request.profile,
        keptKey: !!params.keepKey,
        entryPoint: request.entryPoint,
        ...(params.policyChecks.length ? { policyChecks: params.policyChecks } : {}),
        ...request.links,
        ...request.audit.detail,
      },
    }),
  });
}
