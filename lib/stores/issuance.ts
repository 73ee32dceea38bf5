/**
 * The group commit's transaction (lib/issuance/store.ts) as raw SQL, one module per store (issue
 * #13): through Prisma's engine-less client, the query compiler (WASM) compiled each batch's
 * multi-row inserts together with their data and the adapter prepared every statement again,
 * about 30% of the server's CPU per issuance. SQLite runs statements prepared once on Prisma's own
 * connection (sqlite-issuance.ts); PostgreSQL runs portable SQL through Prisma's raw queries
 * (postgres-issuance.ts). Both write exactly what Prisma writes for the same rows (store.test.ts
 * reads them back through Prisma beside rows Prisma inserted).
 */
import { currentStore } from "../db";
import { postgresCommitIssuances } from "./postgres-issuance";
import { sqliteCommitIssuances } from "./sqlite-issuance";

/** A Certificate row as issuance inserts it; status, revokedAt, revocationReason and createdAt are the store's. */
export interface NewCertificateRow {
  id: string;
  authorityId: string;
  serialHex: string;
  commonName: string;
  sans: string;
  searchText: string;
  profile: string;
  keyType: string;
  source: string;
  subjectDn: string;
  notBefore: Date;
  notAfter: Date;
  expiringFrom: Date;
  certificatePem: string;
  encryptedKey: string | null;
  renewedFromId: string | null;
  fingerprintSha256: string;
}

/** An AuditEvent row (lib/services/audit.ts auditEventData); id and at are the store's. */
export interface NewAuditRow {
  actorType: string;
  actorId: string | null;
  actorLabel: string;
  action: string;
  outcome: string;
  objectType: string | null;
  objectId: string | null;
  objectLabel: string | null;
  ip: string | null;
  requestId: string | null;
  detail: string | null;
}

/** The Authority columns lib/services/issuer.ts issuerVersion compares (ISSUER_VERSION_SELECT). */
export interface AuthorityVersionRow {
  id: string;
  status: string;
  operatorIds: string | null;
  issuancePolicy: string | null;
  fingerprintSha256: string;
  notAfter: Date;
  parentId: string | null;
}

export interface IssuanceBatch {
  certificates: NewCertificateRow[];
  audits: NewAuditRow[];
  /** The CAs whose version columns are read inside the transaction, after the inserts. */
  authorityIds: string[];
}

/** Decides, from the CA rows read inside the transaction, whether it commits; `value` is handed back either way. */
export type CommitDecision<T> = (authorities: AuthorityVersionRow[]) => { commit: boolean; value: T };

/**
 * One transaction: every certificate row, every audit row, then one read of the batch's CAs'
 * version columns (SQLite: under the write lock the first statement took, so the latest commit of
 * any process; PostgreSQL: a later statement, READ COMMITTED); `decide` commits or rolls back.
 * A failing statement (a unique serial, a CA gone) rolls everything back and throws. `createdAt`
 * is the one value written to every row's createdAt and audit `at`.
 */
export function commitIssuances<T>(batch: IssuanceBatch, decide: CommitDecision<T>): Promise<{ createdAt: Date; value: T }> {
  return currentStore() === "sqlite" ? sqliteCommitIssuances(batch, decide) : postgresCommitIssuances(batch, decide);
}
