/**
 * The inventory's substring search on SQLite: the FTS5 trigram table of migration 0021
 * ("CertificateSearch", kept in step with "Certificate" by triggers) finds the certificates whose
 * search text holds a fragment, so a search no longer reads every row.
 */
import type { PrismaClient } from "@/generated/prisma/client";
import { Prisma } from "@/generated/prisma/client";

/**
 * The inventory list (lib/stores/search.ts) starts from the FTS5 candidates when at most this many
 * certificates hold the fragment: it reads and sorts only those (a few milliseconds per thousand).
 * A more common fragment starts from the order's index instead, checking LIKE row by row, and
 * finds a page of matches within a few thousand rows (at least 2% of them match).
 */
export const SQLITE_INDEX_LIMIT = 20_000;

/** How SQLite answers a text filter: from the FTS5 candidates, or a LIKE scan of the order's index. */
export type SqliteTextPlan =
  { kind: "index"; match: string; matches: number; rows: number } | { kind: "scan"; match: string | null; matches?: number };

/**
 * The candidates go to Prisma as `id IN (...)`, one bound parameter each, and Prisma's SQLite
 * adapter refuses a query with more than 999 ("The query parameter limit supported by your
 * database is exceeded"). A fragment held by more certificates falls back to LIKE alone: a scan,
 * which stops early for the first page but reads every row for the count.
 */
export const SQLITE_CANDIDATE_LIMIT = 900;

/** The trigram tokenizer indexes 3-character windows: a shorter fragment cannot use it. */
const MIN_FRAGMENT = 3;

/** FTS5 query syntax: one phrase, inner quotes doubled (https://sqlite.org/fts5.html#fts5_strings). */
function phrase(fragment: string): string {
  return `"${fragment.replaceAll('"', '""')}"`;
}

/**
 * The ids of the certificates whose search text contains `fragment` (already lowercased as
 * searchText() does), or null when the index cannot narrow the search (too short, or too common).
 * The caller keeps its LIKE as well, so the index only ever narrows and LIKE decides.
 */
export async function sqliteSearchCandidates(db: PrismaClient, fragment: string): Promise<string[] | null> {
  if ([...fragment].length < MIN_FRAGMENT) return null;
  const rows = await db.$queryRawUnsafe<{ certificateId: string }[]>(
    `SELECT "certificateId" FROM "CertificateSearch" WHERE "CertificateSearch" MATCH ? LIMIT ?`,
    phrase(fragment),
    SQLITE_CANDIDATE_LIMIT + 1,
  );
  return rows.length > SQLITE_CANDIDATE_LIMIT ? null : rows.map((r) => r.certificateId);
}

/**
 * Counts the FTS5 candidates of `fragment`, up to SQLITE_INDEX_LIMIT + 1 (FTS5 streams them in
 * rowid order, so a common fragment costs no more than the limit), and picks the plan.
 */
export async function sqliteTextPlan(db: PrismaClient, fragment: string, limit = SQLITE_INDEX_LIMIT): Promise<SqliteTextPlan> {
  if ([...fragment].length < MIN_FRAGMENT) return { kind: "scan", match: null };
  const match = phrase(fragment);
  const [row] = await db.$queryRaw<{ n: bigint | number }[]>(
    Prisma.sql`SELECT count(*) AS n FROM (SELECT rowid FROM "CertificateSearch" WHERE "CertificateSearch" MATCH ${match} LIMIT ${limit + 1})`,
  );
  const matches = Number(row?.n ?? 0);
  if (matches > limit) return { kind: "scan", match, matches };
  // The table's size, near enough and at once (the largest rowid is the last b-tree entry).
  const [size] = await db.$queryRaw<{ n: bigint | number | null }[]>`SELECT max(rowid) AS n FROM "Certificate"`;
  return { kind: "index", match, matches, rows: Number(size?.n ?? 0) };
}
