/**
 * The revocation reads of lib/stores/revocation.ts on SQLite, through a second better-sqlite3
 * connection to the same file with its statements prepared once (issue #13): through Prisma's
 * adapter each OCSP request prepared its statement again and went through the client's request
 * pipeline, together more than the index look-ups themselves. The connection only reads
 * (query_only); in WAL mode it sees every commit of the Prisma connection (this instance's or
 * another process's) from the next statement on, so a revocation counts at once.
 */
import Database from "better-sqlite3";
import { readConfig, sqlitePath } from "../config";

type Statement = Database.Statement<unknown[], unknown>;

interface Reader {
  /** The configured DATABASE_URL it was opened for (compared per call: cheaper than resolving the path again). */
  url: string;
  file: string;
  db: Database.Database;
  statements: Map<string, Statement>;
  /** Which reader this is (each one opened counts up): data_version values are per connection. */
  generation: number;
  dataVersion: Database.Statement<unknown[], number>;
}

const KEY = Symbol.for("cadesk.sqliteRevocationReader");
const store = globalThis as unknown as { [KEY]?: Reader };

/** The reader for the configured file, opened on first use (and again if the configured file changed). */
function reader(): Reader {
  const url = readConfig().databaseUrl;
  const open = store[KEY];
  if (open?.url === url && open.db.open) return open;
  const file = sqlitePath(url);
  if (open?.file === file && open.db.open) return ((open.url = url), open);
  open?.db.close();
  const db = new Database(file, { fileMustExist: true });
  db.pragma("query_only = ON");
  // A commit of the Prisma connection holds the write lock only briefly; reads in WAL mode do not wait for it.
  db.pragma("busy_timeout = 5000");
  const dataVersion = db.prepare("PRAGMA data_version").pluck() as Database.Statement<unknown[], number>;
  store[KEY] = { url, file, db, statements: new Map(), generation: (open?.generation ?? 0) + 1, dataVersion };
  return store[KEY];
}

function statement(sql: string): Statement {
  const r = reader();
  let prepared = r.statements.get(sql);
  if (!prepared) {
    prepared = r.db.prepare(sql);
    r.statements.set(sql, prepared);
  }
  return prepared;
}

export type RawStatusRow = [
  kind: number,
  serialHex: string,
  status: string,
  revokedAt: string | number | null,
  reason: string | null,
  notAfter: string | number | null,
];

/**
 * A number that changes whenever any connection, in this process or another (cluster workers, the
 * CLI), has committed to the file since the last call: SQLite's `PRAGMA data_version` on this
 * reader (which never writes), with the reader's generation in the high digits, since values are
 * per connection. Equal numbers mean every row read in between is still what the store holds, so
 * an answer made from them may be handed out again without reading them (issue #13: ~2 us against
 * 8-40 us for the status query under load).
 */
export function sqliteDataVersion(): number {
  const r = reader();
  return r.generation * 2 ** 32 + r.dataVersion.get()!;
}

/** The SQL of the status query per number of serials (built once, not per request). */
const statusSql: string[] = [];

/** The same UNION ALL as the portable query, prepared once per number of serials. */
export function sqliteOcspStatus(authorityId: string, serials: string[]): RawStatusRow[] {
  const sql = (statusSql[serials.length] ??= statusQuery(serials.length));
  return statement(sql)
    .raw()
    .all(authorityId, authorityId, ...serials, authorityId, ...serials) as RawStatusRow[];
}

function statusQuery(count: number): string {
  const list = Array.from({ length: count }, () => "?").join(", ");
  return `
    SELECT 0, "fingerprintSha256", "status", "revokedAt", "revocationReason", "notAfter" FROM "Authority" WHERE "id" = ?
    UNION ALL
    SELECT 1, "serialHex", "status", "revokedAt", "revocationReason", NULL FROM "Certificate" WHERE "authorityId" = ? AND "serialHex" IN (${list})
    UNION ALL
    SELECT 2, "serialHex", "status", "revokedAt", "revocationReason", NULL FROM "Authority" WHERE "parentId" = ? AND "serialHex" IN (${list})`;
}

/** One keyset page of revoked leaves, from the covering index alone (see the portable query). */
export function sqliteRevokedLeavesPage(
  authorityId: string,
  after: string,
  limit: number,
): [string, string | number | null, string | null][] {
  return statement(
    `SELECT "serialHex", "revokedAt", "revocationReason" FROM "Certificate"
     WHERE "authorityId" = ? AND "status" = 'revoked' AND "serialHex" > ? ORDER BY "serialHex" LIMIT ?`,
  )
    .raw()
    .all(authorityId, after, limit) as [string, string | number | null, string | null][];
}

/** The stored CRL's number and nextUpdate (the portable query's columns), on the prepared reader: no Prisma per CRL GET. */
export function sqliteCrlFreshness(authorityId: string): [number: number, nextUpdate: string | number] | undefined {
  return statement(`SELECT "number", "nextUpdate" FROM "Crl" WHERE "authorityId" = ?`).raw().get(authorityId) as
    [number, string | number] | undefined;
}

/** The stored CRL row (the portable query's columns) on the prepared reader: its megabytes of PEM come back as one string, with no Prisma row mapping. */
export function sqliteStoredCrl(
  authorityId: string,
): [number: number, pem: string, thisUpdate: string | number, nextUpdate: string | number] | undefined {
  return statement(`SELECT "number", "pem", "thisUpdate", "nextUpdate" FROM "Crl" WHERE "authorityId" = ?`).raw().get(authorityId) as
    [number, string, string | number, string | number] | undefined;
}
