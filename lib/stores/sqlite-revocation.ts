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
  file: string;
  db: Database.Database;
  statements: Map<string, Statement>;
}

const KEY = Symbol.for("cadesk.sqliteRevocationReader");
const store = globalThis as unknown as { [KEY]?: Reader };

/** The reader for the configured file, opened on first use (and again if the configured file changed). */
function reader(): Reader {
  const file = sqlitePath(readConfig().databaseUrl);
  const open = store[KEY];
  if (open?.file === file && open.db.open) return open;
  open?.db.close();
  const db = new Database(file, { fileMustExist: true });
  db.pragma("query_only = ON");
  // A commit of the Prisma connection holds the write lock only briefly; reads in WAL mode do not wait for it.
  db.pragma("busy_timeout = 5000");
  store[KEY] = { file, db, statements: new Map() };
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

/** The same UNION ALL as the portable query, prepared once per number of serials. */
export function sqliteOcspStatus(authorityId: string, serials: string[]): RawStatusRow[] {
  const list = serials.map(() => "?").join(", ");
  const sql = `
    SELECT 0, "fingerprintSha256", "status", "revokedAt", "revocationReason", "notAfter" FROM "Authority" WHERE "id" = ?
    UNION ALL
    SELECT 1, "serialHex", "status", "revokedAt", "revocationReason", NULL FROM "Certificate" WHERE "authorityId" = ? AND "serialHex" IN (${list})
    UNION ALL
    SELECT 2, "serialHex", "status", "revokedAt", "revocationReason", NULL FROM "Authority" WHERE "parentId" = ? AND "serialHex" IN (${list})`;
  return statement(sql)
    .raw()
    .all(authorityId, authorityId, ...serials, authorityId, ...serials) as RawStatusRow[];
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
