/**
 * The issuance commit on SQLite (lib/stores/issuance.ts): statements prepared once per connection
 * and run once per row on Prisma's own better-sqlite3 connection, inside one of its adapter's
 * transactions (sqliteWriteTransaction: the adapter's mutex, BEGIN IMMEDIATE). better-sqlite3 runs
 * a prepared single-row INSERT in ~10 us, less than a multi-row one costs per row (binding and
 * SQLite's VALUES coroutine: bench/commit-rows.ts).
 *
 * The search index rows of the batch (FTS5 "CertificateSearch", migration 0021, and
 * "CertificateName", 0029) are written by one statement each per batch, from the rows just
 * inserted, in the same transaction: FTS5 writes out what a statement added as a new index segment
 * when the statement ends, so the insert trigger firing per certificate made a segment per
 * certificate that its automerge then rewrote. Migration 0030's "CertificateIndexWriter" row,
 * inserted first and deleted before the decision, turns those insert triggers off for this
 * transaction only (never committed; every other writer keeps them).
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
/** Migration 0030: while this table has a row, the Certificate insert triggers of 0021 and 0029 do nothing. */
const WRITER_ON = `INSERT INTO "CertificateIndexWriter" ("id") VALUES (1)`;
const WRITER_OFF = `DELETE FROM "CertificateIndexWriter"`;
/** The inserted rows, by rowid: a JSON array bound as one parameter, whatever the batch size. */
const BATCH_ROWS = `SELECT "value" FROM json_each(?)`;
/** The FTS5 rows of the batch, as the 0021 insert trigger writes them. */
const INDEX_SEARCH = `INSERT INTO "CertificateSearch" ("rowid", "certificateId", "searchText") SELECT "rowid", "id", "searchText" FROM "Certificate" WHERE "rowid" IN (${BATCH_ROWS})`;
/** The CertificateName rows of the batch, with the 0029 insert trigger's expressions. */
const INDEX_NAMES = `INSERT INTO "CertificateName" ("name", "certificateId")
  SELECT DISTINCT CASE WHEN json_extract(c."sans", s.fullkey || '.type') = 'dns' THEN rtrim(lower(json_extract(c."sans", s.fullkey || '.value')), '.') ELSE json_extract(c."sans", s.fullkey || '.value') END, c."id"
  FROM "Certificate" c, json_each(CASE WHEN json_valid(c."sans") THEN c."sans" ELSE '[]' END) s
  WHERE c."rowid" IN (${BATCH_ROWS}) AND json_extract(c."sans", s.fullkey || '.type') IN ('dns', 'ip') AND json_extract(c."sans", s.fullkey || '.value') IS NOT NULL`;
const versionsSql = (n: number) => `SELECT ${quoted(AUTHORITY_VERSION_COLUMNS)} FROM "Authority" WHERE "id" IN (${marks(n)})`;

interface Prepared {
  certificate: Statement;
  audit: Statement;
  writerOn: Statement;
  writerOff: Statement;
  indexSearch: Statement;
  indexNames: Statement;
  /** By number of CA ids (a batch names one to a few). */
  versions: Map<number, Statement>;
}

const prepared = new WeakMap<Database.Database, Prepared>();

function statements(sqlite: Database.Database): Prepared {
  let s = prepared.get(sqlite);
  if (!s) {
    s = {
      certificate: sqlite.prepare(INSERT_CERTIFICATE),
      audit: sqlite.prepare(INSERT_AUDIT),
      writerOn: sqlite.prepare(WRITER_ON),
      writerOff: sqlite.prepare(WRITER_OFF),
      indexSearch: sqlite.prepare(INDEX_SEARCH),
      indexNames: sqlite.prepare(INDEX_NAMES),
      versions: new Map(),
    };
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
    const rowids: (number | bigint)[] = [];
    s.writerOn.run();
    for (const row of batch.certificates) {
      const { lastInsertRowid } = s.certificate.run(
        ...CERTIFICATE_COLUMNS.map((c) => {
          const value = row[c];
          return value instanceof Date ? sqliteDateTime(value) : value;
        }),
        at,
      );
      rowids.push(lastInsertRowid);
    }
    if (rowids.length) {
      const inserted = `[${rowids.join(",")}]`;
      s.indexSearch.run(inserted);
      s.indexNames.run(inserted);
    }
    s.writerOff.run();
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
