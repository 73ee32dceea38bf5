import { randomUUID } from "node:crypto";
import type { Certificate } from "@/generated/prisma/client";
import { searchText } from "../data/search-text";
import { expiringFrom } from "../data/status";
import { getDb } from "../db";
import type { SignedLeaf } from "../pki/leaf-template";
import type { San } from "../pki/names";
import { auditEventData } from "../services/audit";
import { certificateKeyContext, sealKey } from "../signers/sealed-key";
import { forgetIssuers, issuerVersion, ISSUER_VERSION_SELECT } from "../services/issuer";
import { GroupCommit, ItemRefused } from "./group-commit";
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
  /** issuerVersion (lib/services/issuer.ts) of every CA of the chain, as the checks saw it. */
  issuerVersions: Map<string, string>;
}

/**
 * The CA (or one above it) changed between the checks and the commit: nothing was stored, and the
 * pipeline runs the request again against the stored row (lib/issuance/issue.ts), which gives
 * today's answer: a refusal with its usual error, or a certificate.
 */
export class StaleIssuerError extends Error {
  constructor(readonly authorityIds: string[]) {
    super(`The CA changed while a certificate was being issued from it (${authorityIds.join(", ")}).`);
    this.name = "StaleIssuerError";
  }
}

type CertificateRow = Omit<Certificate, "status" | "revokedAt" | "revocationReason" | "createdAt">;
type AuditRow = ReturnType<typeof auditEventData>;

type Item = { certificate: CertificateRow; audit: AuditRow; issuerVersions: Map<string, string> };

/** Thrown inside the transaction to roll it back: these items' CAs changed. */
class StaleItems {
  constructor(
    readonly items: Set<Item>,
    readonly authorityIds: Set<string>,
  ) {}
}

/**
 * One transaction: the inserts first (on SQLite the first write takes the database's write lock,
 * so what is read after it is the latest committed state; on PostgreSQL the read is a statement
 * after the inserts, READ COMMITTED), then one read of the version columns of every CA the batch's
 * chains name. Items whose CA changed roll the transaction back and are reported.
 */
async function commitChecked(items: Item[]): Promise<Certificate[] | StaleItems> {
  const db = getDb();
  const ids = new Set(items.flatMap((i) => [...i.issuerVersions.keys()]));
  try {
    return await db.$transaction(
      async (tx) => {
        const rows = await tx.certificate.createManyAndReturn({ data: items.map((i) => i.certificate) });
        await tx.auditEvent.createMany({ data: items.map((i) => i.audit) });
        const stored = await tx.authority.findMany({ where: { id: { in: [...ids] } }, select: ISSUER_VERSION_SELECT });
        const current = new Map(stored.map((a) => [a.id, issuerVersion(a)]));
        const staleIds = new Set(
          [...ids].filter((id) => items.some((i) => i.issuerVersions.has(id) && i.issuerVersions.get(id) !== current.get(id))),
        );
        if (staleIds.size) {
          throw new StaleItems(new Set(items.filter((i) => [...i.issuerVersions].some(([id, v]) => current.get(id) !== v))), staleIds);
        }
        // RETURNING promises no order: match the rows back by id.
        const byId = new Map(rows.map((row) => [row.id, row]));
        return items.map((i) => byId.get(i.certificate.id)!);
      },
      // A batch waits for the one before it, not for the default 2 s / 5 s on a loaded machine.
      { maxWait: 60_000, timeout: 60_000 },
    );
  } catch (error) {
    if (error instanceof StaleItems) return error;
    throw error;
  }
}

/**
 * Issuances committed together (group-commit.ts): one transaction with one multi-row insert of
 * certificates and one of their audit events, whatever the batch size, on SQLite and PostgreSQL
 * alike (Prisma's createManyAndReturn/createMany, no store-specific SQL), plus one read that
 * confirms every CA is still as the checks saw it.
 */
const commits = new GroupCommit<Item, Certificate>({
  maxBatch: 200,
  commit: async (items) => {
    const results = new Map<Item, Certificate | ItemRefused>();
    let left = items;
    while (left.length) {
      const outcome = await commitChecked(left);
      if (!(outcome instanceof StaleItems)) {
        left.forEach((item, i) => results.set(item, outcome[i]!));
        break;
      }
      forgetIssuers(outcome.authorityIds);
      for (const item of outcome.items) results.set(item, new ItemRefused(new StaleIssuerError([...outcome.authorityIds])));
      left = left.filter((item) => !outcome.items.has(item));
    }
    return items.map((item) => results.get(item)!);
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
    issuerVersions: params.issuerVersions,
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
