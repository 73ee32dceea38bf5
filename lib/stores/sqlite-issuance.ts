/**
 * The issuance commit on SQLite (lib/stores/issuance.ts): one multi-row INSERT per table per batch,
 * prepared once per batch size and connection, run on Prisma's own better-sqlite3 connection
 * inside one of its adapter's transactions (sqliteWriteTransaction: the adapter's mutex, BEGIN
 * IMMEDIATE). The triggers of migrations 0021 (FTS5) and 0029 (CertificateName) still fire per row,
 * inside the same statement, so no certificate is ever committed without its index rows.
 *
 * Why one statement per batch rather than one per row: FTS5 keeps the terms a statement adds in
 * memory and writes them out as a new index segment when the statement ends (its savepoint), so a
 * statement per certificate made a segment per certificate, which its automerge then rewrote; one
 * statement per batch makes one segment per batch (bench/commit-rows.ts, bench/README.md "Commit
 * cost"). *
 * Encodings are the better-sqlite3 adapter's (its mapArg): DateTime as ISO 8601 text with
 * "+00:00" (Date.toISOString with its Z replaced), strings as text, null as NULL.
 */
import type Database from "better-sqlite3";
import { getDb } from "../db";
import type { AuthorityVersionRow, CommitDecision, IssuanceBatch } from "./issuance";
import { AUDIT_COLUMNS, AUTHORITY_VERSION_COLUMNS, CERTIFICATE_COLUMNS, quoted } from "./issuance-columns";
import { sqliteWriteTransaction } from "./sqlite";

type Statement = Database.Statement<unknown[], unknown>;

const marks = (n: number) => Array.from({ length: n }, () => "?").join(", ");

/** `rows` rows of `values` after one VALUES. */
const rowsOf = (values: string, rows: number) => Array.from({ length: rows }, () => values).join(", ");

// status is the column's default, written so the row handed back is exactly the stored one.
const insertCertificates = (rows: number) =>
  `INSERT INTO "Certificate" (${quoted(CERTIFICATE_COLUMNS)}, "status", "createdAt") VALUES ${rowsOf(`(${marks(CERTIFICATE_COLUMNS.length)}, 'active', ?)`, rows)}`;
const insertAudits = (rows: number) =>
  `INSERT INTO "AuditEvent" (${quoted(AUDIT_COLUMNS)}, "at") VALUES ${rowsOf(`(${marks(AUDIT_COLUMNS.length)}, ?)`, rows)}`;
const versionsSql = (n: number) => `SELECT ${quoted(AUTHORITY_VERSION_COLUMNS)} FROM "Authority" WHERE "id" IN (${marks(n)})`;

interface Prepared {
  /** By number of rows (the group commit's batches hold 1 to 200: at most 19 x 200 bound values, far under SQLite's 32,766). */
  certificates: Map<number, Statement>;
  audits: Map<number, Statement>;
  /** By number of CA ids (a batch names one to a few). */
  versions: Map<number, Statement>;
}

const prepared = new WeakMap<Database.Database, Prepared>();

/** The statement for `key` in `cache`, prepared the first time. */
function cached(sqlite: Database.Database, cache: Map<number, Statement>, key: number, sql: (key: number) => string): Statement {
  let statement = cache.get(key);
  if (!statement) cache.set(key, (statement = sqlite.prepare(sql(key))));
  return statement;
}

function statements(sqlite: Database.Database): Prepared {
  let s = prepared.get(sqlite);
  if (!s) {
    s = { certificates: new Map(), audits: new Map(), versions: new Map() };
    prepared.set(sqlite, s);
  }
  return s;
}

/** What the better-sqlite3 adapter binds for a DateTime. */
export function sqliteDateTime(date: Date): string {
  return date.toISOString().replace("Z", "+00:00");
}

/** A DateTime column as stored: ISO text (what Prisma writes), or epoch ms (the adapter's unixepoch-ms option). */
function readDateTime(value: unknown): Date {
  return new Date(typeof value === "number" || typeof value === "bigint" ? Number(value) : String(value));
}

export function sqliteCommitIssuances<T>(batch: IssuanceBatch, decide: CommitDecision<T>): Promise<{ createdAt: Date; value: T }> {
  return sqliteWriteTransaction(getDb(), (sqlite) => {
    const s = statements(sqlite);
    // Taken under the write lock, so createdAt follows the order in which batches commit.
    const createdAt = new Date();
    const at = sqliteDateTime(createdAt);
    if (batch.certificates.length) {
      cached(sqlite, s.certificates, batch.certificates.length, insertCertificates).run(
        batch.certificates.flatMap((row) => [
          ...CERTIFICATE_COLUMNS.map((c) => {
            const value = row[c];
            return value instanceof Date ? sqliteDateTime(value) : value;
          }),
          at,
        ]),
      );
    }
    if (batch.audits.length) {
      cached(sqlite, s.audits, batch.audits.length, insertAudits).run(
        batch.audits.flatMap((row) => [...AUDIT_COLUMNS.map((c) => row[c]), at]),
      );
    }
    const n = batch.authorityIds.length;
    const authorities = n
      ? (
          cached(sqlite, s.versions, n, versionsSql).all(...batch.authorityIds) as (Omit<AuthorityVersionRow, "notAfter"> & {
            notAfter: unknown;
          })[]
        ).map((a) => ({
          ...a,
          notAfter: readDateTime(a.notAfter),
        }))
      : [];
    const { commit, value } = decide(authorities);
    return { commit, value: { createdAt, value } };
  });
}
