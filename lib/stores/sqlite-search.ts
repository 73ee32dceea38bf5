/**
 * The inventory's substring search on SQLite: the FTS5 trigram table of migration 0021
 * ("CertificateSearch", kept in step with "Certificate" by triggers) finds the certificates whose
 * search text holds a fragment, so a search no longer reads every row.
 */
import type { PrismaClient } from "@/generated/prisma/client";

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
