/**
 * The revocation reads OCSP and CRLs make at volume (issue #13), as raw SQL: Prisma's query
 * compiler and row mapping cost several times the index look-ups themselves. PostgreSQL runs the
 * portable SQL below through Prisma; SQLite runs the same SQL on its own prepared statements
 * (sqlite-revocation.ts). Both stores' suites run them (ocsp*.test.ts, crl-paging.test.ts with
 * CADESK_TEST_POSTGRES).
 */
import { Prisma } from "@/generated/prisma/client";
import { currentStore, getDb } from "../db";
import { sqliteCrlFreshness, sqliteDataVersion, sqliteOcspStatus, sqliteRevokedLeavesPage, sqliteStoredCrl } from "./sqlite-revocation";

/** A DateTime column as either store's raw driver hands it over (Date, ISO text or epoch ms). */
function toDate(value: Date | string | number | null): Date | null {
  if (value === null) return null;
  return value instanceof Date ? value : new Date(typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value);
}

export interface RevocationRow {
  serialHex: string;
  status: string;
  revokedAt: Date | null;
  revocationReason: string | null;
}

/** What one OCSP request needs from the store: the CA's own row and the rows of the serials asked about. */
export interface OcspStatusRead {
  /** Null when there is no such CA. */
  authority: { fingerprintSha256: string; status: string; notAfter: Date } | null;
  /** Leaves and intermediate CAs this CA issued, among the serials asked about. */
  issued: RevocationRow[];
}

type Raw = { kind: number; serialHex: string; status: string; revokedAt: Date | string | number | null; revocationReason: string | null };

/**
 * On SQLite, a number that changes whenever anyone (another worker, another process on the file,
 * this one) commits to the store: while it stays the same, what readOcspStatus returned is still
 * true and need not be read again (lib/services/ocsp.ts). Null on PostgreSQL, which has no such
 * cheap signal across instances: there the status is read on every request, as before.
 */
export function storeVersion(): number | null {
  return currentStore() === "sqlite" ? sqliteDataVersion() : null;
}

/**
 * One round trip per OCSP request: the CA (so a revoked, expired or re-keyed CA counts at once on
 * every instance), then its leaves and the intermediates it signed with these serials, each by its
 * unique (authorityId, serialHex) index or the Authority's parentId. The status is never cached:
 * a revocation on any instance is answered "revoked" by every instance on the next request.
 */
export async function readOcspStatus(authorityId: string, serials: string[]): Promise<OcspStatusRead> {
  if (currentStore() === "sqlite") {
    const rows = sqliteOcspStatus(authorityId, serials);
    const own = rows.find((r) => r[0] === 0);
    return {
      authority: own ? { fingerprintSha256: own[1], status: own[2], notAfter: toDate(own[5])! } : null,
      issued: rows
        .filter((r) => r[0] !== 0)
        .map(([, serialHex, status, revokedAt, revocationReason]) => ({
          serialHex,
          status,
          revokedAt: toDate(revokedAt),
          revocationReason,
        })),
    };
  }
  const list = Prisma.join(serials);
  const rows = await getDb().$queryRaw<(Raw & { notAfter: Date | string | number | null })[]>`
    SELECT 0 AS "kind", "fingerprintSha256" AS "serialHex", "status", "revokedAt", "revocationReason", "notAfter"
      FROM "Authority" WHERE "id" = ${authorityId}
    UNION ALL
    SELECT 1, "serialHex", "status", "revokedAt", "revocationReason", NULL
      FROM "Certificate" WHERE "authorityId" = ${authorityId} AND "serialHex" IN (${list})
    UNION ALL
    SELECT 2, "serialHex", "status", "revokedAt", "revocationReason", NULL
      FROM "Authority" WHERE "parentId" = ${authorityId} AND "serialHex" IN (${list})`;
  const own = rows.find((r) => Number(r.kind) === 0);
  return {
    authority: own ? { fingerprintSha256: own.serialHex, status: own.status, notAfter: toDate(own.notAfter)! } : null,
    issued: rows
      .filter((r) => Number(r.kind) !== 0)
      .map((r) => ({ serialHex: r.serialHex, status: r.status, revokedAt: toDate(r.revokedAt), revocationReason: r.revocationReason })),
  };
}

/**
 * One page of a CA's revoked leaves in serial order, after `after` (keyset pagination on the
 * (authorityId, status, serialHex) index: each page is one index range read, no OFFSET, no sort).
 */
export async function revokedLeavesPage(
  authorityId: string,
  after: string,
  limit: number,
): Promise<{ serialHex: string; revokedAt: Date | null; revocationReason: string | null }[]> {
  if (currentStore() === "sqlite") {
    return sqliteRevokedLeavesPage(authorityId, after, limit).map(([serialHex, revokedAt, revocationReason]) => ({
      serialHex,
      revokedAt: toDate(revokedAt),
      revocationReason,
    }));
  }
  const rows = await getDb().$queryRaw<{ serialHex: string; revokedAt: Date | string | number | null; revocationReason: string | null }[]>`
    SELECT "serialHex", "revokedAt", "revocationReason" FROM "Certificate"
    WHERE "authorityId" = ${authorityId} AND "status" = 'revoked' AND "serialHex" > ${after}
    ORDER BY "serialHex" LIMIT ${limit}`;
  for (const row of rows) (row as { revokedAt: Date | null }).revokedAt = toDate(row.revokedAt);
  return rows as { serialHex: string; revokedAt: Date | null; revocationReason: string | null }[];
}

/**
 * The stored CRL's number and nextUpdate, without its (megabytes of) PEM: whether the CRL in memory
 * is still the current one. Read on every CRL GET, so on SQLite from the prepared reader (a
 * primary-key look-up of a few microseconds; through Prisma's client it was about half of a 304's
 * CPU, 1.3-1.8 ms against 0.8-1.0 now); it sees every commit at once, as the OCSP status does.
 */
export async function crlFreshness(authorityId: string): Promise<{ number: number; nextUpdate: Date } | null> {
  if (currentStore() === "sqlite") {
    const found = sqliteCrlFreshness(authorityId);
    return found ? { number: Number(found[0]), nextUpdate: toDate(found[1])! } : null;
  }
  const [row] = await getDb().$queryRaw<{ number: number | bigint; nextUpdate: Date | string | number }[]>`
    SELECT "number", "nextUpdate" FROM "Crl" WHERE "authorityId" = ${authorityId}`;
  return row ? { number: Number(row.number), nextUpdate: toDate(row.nextUpdate)! } : null;
}

/**
 * Stores a signed CRL under its number, unless a later number was claimed meanwhile (then that
 * signer's CRL is the one to serve). Raw because Prisma's query compiler copies every parameter
 * through its WASM module: megabytes of PEM at 100,000 entries. Dates go through the adapter,
 * which writes them as for any Prisma query (ISO 8601 text on SQLite, timestamp on PostgreSQL).
 */
export async function storeCrlPem(
  authorityId: string,
  number: number,
  crl: { thisUpdate: Date; nextUpdate: Date; pem: string },
): Promise<void> {
  await getDb().$executeRaw`
    UPDATE "Crl" SET "thisUpdate" = ${crl.thisUpdate}, "nextUpdate" = ${crl.nextUpdate}, "pem" = ${crl.pem}
    WHERE "authorityId" = ${authorityId} AND "number" = ${number}`;
}

/**
 * The stored CRL row, read raw: Prisma's row mapping copies its megabytes of PEM through the query
 * compiler's WASM. On SQLite from the prepared reader, which sees every commit at once.
 */
export async function storedCrl(authorityId: string): Promise<{ number: number; pem: string; thisUpdate: Date; nextUpdate: Date } | null> {
  if (currentStore() === "sqlite") {
    const found = sqliteStoredCrl(authorityId);
    return found ? { number: Number(found[0]), pem: found[1], thisUpdate: toDate(found[2])!, nextUpdate: toDate(found[3])! } : null;
  }
  const [row] = await getDb().$queryRaw<
    { number: number | bigint; pem: string; thisUpdate: Date | string | number; nextUpdate: Date | string | number }[]
  >`SELECT "number", "pem", "thisUpdate", "nextUpdate" FROM "Crl" WHERE "authorityId" = ${authorityId}`;
  return row
    ? { number: Number(row.number), pem: row.pem, thisUpdate: toDate(row.thisUpdate)!, nextUpdate: toDate(row.nextUpdate)! }
    : null;
}
