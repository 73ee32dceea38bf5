import { randomUUID } from "node:crypto";
import type { Certificate } from "@/generated/prisma/client";
import { searchText } from "../data/search-text";
import { expiringFrom } from "../data/status";
import type { SignedLeaf } from "../pki/leaf-template";
import type { San } from "../pki/names";
import { auditEventData } from "../services/audit";
import { certificateKeyContext, sealKey } from "../signers/sealed-key";
import { forgetIssuers, issuerVersion } from "../services/issuer";
import { commitIssuances, type NewAuditRow, type NewCertificateRow } from "../stores/issuance";
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

type Item = { certificate: NewCertificateRow; audit: NewAuditRow; issuerVersions: Map<string, string> };

/** These items' CAs changed: their transaction was rolled back. */
class StaleItems {
  constructor(
    readonly items: Set<Item>,
    readonly authorityIds: Set<string>,
  ) {}
}

/**
 * One transaction (lib/stores/issuance.ts, raw SQL per store): the inserts first (on SQLite the
 * transaction holds the database's write lock from its BEGIN IMMEDIATE, so what is read after the
 * inserts is the latest committed state; on PostgreSQL the read is a statement after the inserts,
 * READ COMMITTED), then one read of the version columns of every CA the batch's chains name.
 * Items whose CA changed roll the transaction back and are reported.
 */
async function commitChecked(items: Item[]): Promise<Certificate[] | StaleItems> {
  const ids = [...new Set(items.flatMap((i) => [...i.issuerVersions.keys()]))];
  const { createdAt, value: stale } = await commitIssuances(
    { certificates: items.map((i) => i.certificate), audits: items.map((i) => i.audit), authorityIds: ids },
    (stored) => {
      const current = new Map(stored.map((a) => [a.id, issuerVersion(a)]));
      const staleIds = new Set(
        ids.filter((id) => items.some((i) => i.issuerVersions.has(id) && i.issuerVersions.get(id) !== current.get(id))),
      );
      if (!staleIds.size) return { commit: true, value: null };
      const staleItems = new Set(items.filter((i) => [...i.issuerVersions].some(([id, v]) => current.get(id) !== v)));
      return { commit: false, value: new StaleItems(staleItems, staleIds) };
    },
  );
  // The rows as stored: the values inserted, the columns' defaults, the createdAt written.
  return stale ?? items.map((i) => ({ ...i.certificate, status: "active", revokedAt: null, revocationReason: null, createdAt }));
}

/**
 * Issuances committed together (group-commit.ts): one transaction with the batch's certificates
 * and their audit events, whatever the batch size, plus one read that confirms every CA is still
 * as the checks saw it.
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
