/**
 * The issuance commit on SQLite (lib/stores/issuance.ts): statements prepared once per connection
 * and run once per row on Prisma's own better-sqlite3 connection, inside one of its adapter's
 * transactions (sqliteWriteTransaction: the adapter's mutex, BEGIN IMMEDIATE). better-sqlite3 runs
 * a prepared single-row INSERT in ~10 us, so one statement per row costs less than building a
 * multi-row one per batch size; the FTS5 triggers of migration 0021 fire per row as before.
 *
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

// status is the column's default, written so the row handed back is exactly the stored one.
const INSERT_CERTIFICATE = `INSERT INTO "Certificate" (${quoted(CERTIFICATE_COLUMNS)}, "status", "createdAt") VALUES (${marks(CERTIFICATE_COLUMNS.length)}, 'active', ?)`;
const INSERT_AUDIT = `INSERT INTO "AuditEvent" (${quoted(AUDIT_COLUMNS)}, "at") VALUES (${marks(AUDIT_COLUMNS.length)}, ?)`;
const versionsSql = (n: number) => `SELECT ${quoted(AUTHORITY_VERSION_COLUMNS)} FROM "Authority" WHERE "id" IN (${marks(n)})`;

interface Prepared {
  certificate: Statement;
  audit: Statement;
  /** By number of CA ids (a batch names one to a few). */
  versions: Map<number, Statement>;
}

const prepared = new WeakMap<Database.Database, Prepared>();

function statements(sqlite: Database.Database): Prepared {
  let s = prepared.get(sqlite);
  if (!s) {
    s = { certificate: sqlite.prepare(INSERT_CERTIFICATE), audit: sqlite.prepare(INSERT_AUDIT), versions: new Map() };
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
    for (const row of batch.certificates) {
      s.certificate.run(
        ...CERTIFICATE_COLUMNS.map((c) => {
          const value = row[c];
          return value instanceof Date ? sqliteDateTime(value) : value;
        }),
        at,
      );
    }
    for (const row of batch.audits) s.audit.run(...AUDIT_COLUMNS.map((c) => row[c]), at);
    const n = batch.authorityIds.length;
    let versions = s.versions.get(n);
    if (!versions) s.versions.set(n, (versions = sqlite.prepare(versionsSql(n))));
    const authorities = n
      ? (versions.all(...batch.authorityIds) as (Omit<AuthorityVersionRow, "notAfter"> & { notAfter: unknown })[]).map((a) => ({
          ...a,
          notAfter: readDateTime(a.notAfter),
        }))
      : [];
    const { commit, value } = decide(authorities);
    return { commit, value: { createdAt, value } };
  });
}
