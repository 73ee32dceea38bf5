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
  /** `whole`: the phrase is the whole fragment, so `matches` is its exact count (else a part of it, and LIKE decides). */
  | { kind: "index"; match: string; matches: number; rows: number; whole: boolean }
  | { kind: "scan"; match: string | null; matches?: number; whole?: boolean };

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

/** Below this many certificates the whole fragment is looked up as it is: every plan is fast. */
export const SQLITE_NARROW_MIN_ROWS = 20_000;
/** A trigram held by more of the sample than this is common: it only slows the phrase down. */
const COMMON_SHARE = 0.05;
const SAMPLE_ROWS = 500;
const SAMPLE_MS = 10 * 60_000;
let sample: { at: number; rows: Promise<string[]> } | null = null;

/** The search texts of about SAMPLE_ROWS random certificates (by rowid), kept for 10 minutes; empty for a small table. */
function searchTextSample(db: PrismaClient, minRows: number): Promise<string[]> {
  if (sample && Date.now() - sample.at < SAMPLE_MS) return sample.rows;
  const rows = (async () => {
    const [size] = await db.$queryRaw<{ n: bigint | number | null }[]>`SELECT max(rowid) AS n FROM "Certificate"`;
    const n = Number(size?.n ?? 0);
    if (n < minRows) return [];
    const found = await db.$queryRaw<{ t: string }[]>(Prisma.sql`
      WITH RECURSIVE pick(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM pick WHERE i < ${SAMPLE_ROWS})
      SELECT "searchText" AS t FROM "Certificate" WHERE rowid IN (SELECT abs(random()) % ${n} + 1 FROM pick)`);
    return found.map((r) => r.t);
  })();
  sample = { at: Date.now(), rows };
  rows.catch(() => (sample = null));
  return rows;
}

/** For tests: forget the sample. */
export function forgetSqliteSample(): void {
  sample = null;
}

/**
 * The part of `fragment` to look up in FTS5. A trigram phrase costs the doclists of all its
 * trigrams, and one that every certificate holds ("alt", "int", "exa") is a million entries:
 * "alt-4242.internal" took 30-50 ms at 1M rows for one match. The rarest trigram (by a sample)
 * and its rare neighbours find a superset at a fraction of that cost; LIKE then checks the
 * whole fragment. The whole fragment when it has no rare trigram, when all of its trigrams are
 * rare, or when the table is small.
 */
export async function sqliteIndexFragment(db: PrismaClient, fragment: string, minRows = SQLITE_NARROW_MIN_ROWS): Promise<string> {
  const chars = [...fragment];
  if (chars.length <= MIN_FRAGMENT) return fragment;
  const rows = await searchTextSample(db, minRows);
  if (rows.length === 0) return fragment;
  const shares = chars.slice(0, chars.length - 2).map((_, i) => {
    const trigram = chars.slice(i, i + 3).join("");
    return rows.filter((r) => r.includes(trigram)).length / rows.length;
  });
  let best = 0;
  shares.forEach((share, i) => (share < shares[best]! ? (best = i) : undefined));
  if (shares[best]! > COMMON_SHARE) return fragment;
  let [from, to] = [best, best];
  while (from > 0 && shares[from - 1]! <= COMMON_SHARE) from--;
  while (to < shares.length - 1 && shares[to + 1]! <= COMMON_SHARE) to++;
  // The part even when a few sampled rows hold it ("-42." of "team-42.", 1% of rows): the whole
  // phrase would count its matches exactly, but FTS5 finds them by stepping through the doclists
  // of trigrams every row holds ("tea", "eam", "am-"), 200 ms and 30-40 ms of CPU at 1M rows,
  // while the part's candidates cost 5 ms and LIKE counts them up to TEXT_COUNT_LIMIT (so the
  // total says "more than 1,000" beyond, as PostgreSQL's does).
  return chars.slice(from, to + 3).join("");
}

/**
 * Counts the FTS5 candidates of `fragment`, up to SQLITE_INDEX_LIMIT + 1 (FTS5 streams them in
 * rowid order, so a common fragment costs no more than the limit), and picks the plan.
 */
export async function sqliteTextPlan(
  db: PrismaClient,
  fragment: string,
  limit = SQLITE_INDEX_LIMIT,
  narrowMinRows = SQLITE_NARROW_MIN_ROWS,
): Promise<SqliteTextPlan> {
  if ([...fragment].length < MIN_FRAGMENT) return { kind: "scan", match: null };
  const part = await sqliteIndexFragment(db, fragment, narrowMinRows);
  const whole = part === fragment;
  const match = phrase(part);
  const [row] = await db.$queryRaw<{ n: bigint | number }[]>(
    Prisma.sql`SELECT count(*) AS n FROM (SELECT rowid FROM "CertificateSearch" WHERE "CertificateSearch" MATCH ${match} LIMIT ${limit + 1})`,
  );
  const matches = Number(row?.n ?? 0);
  if (matches > limit) return { kind: "scan", match, matches, whole };
  // The table's size, near enough and at once (the largest rowid is the last b-tree entry).
  const [size] = await db.$queryRaw<{ n: bigint | number | null }[]>`SELECT max(rowid) AS n FROM "Certificate"`;
  return { kind: "index", match, matches, rows: Number(size?.n ?? 0), whole };
}
