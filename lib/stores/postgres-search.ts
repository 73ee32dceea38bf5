/**
 * The inventory's substring search on PostgreSQL: `"searchText" LIKE '%fragment%'`, which the
 * GIN trigram index of migration 0002 ("Certificate_searchText_trgm", pg_trgm's gin_trgm_ops)
 * answers without reading every row (https://www.postgresql.org/docs/current/pgtrgm.html#PGTRGM-INDEX).
 * Prisma's `contains` is that LIKE, so the filter needs no raw SQL; lib/stores/search.test.ts
 * checks with EXPLAIN that the query Prisma sends uses the index.
 */
import { Prisma, type PrismaClient } from "@/generated/prisma/client";
import { likeContains } from "./search-like";

export const POSTGRES_SEARCH_INDEX = "Certificate_searchText_trgm";

/** The Prisma filter for certificates whose search text contains `fragment` (lowercased by searchText()). */
export function postgresSearchWhere(fragment: string) {
  return { searchText: { contains: fragment } };
}

/**
 * pg_trgm makes trigrams from words only (runs of letters and digits); a word shorter than 3
 * characters inside a pattern gives it none (https://www.postgresql.org/docs/current/pgtrgm.html).
 */
const WORDS = /[\p{L}\p{N}]{3,}/gu;

/** Below this many certificates the whole fragment is looked up as it is: every plan is fast. */
export const POSTGRES_NARROW_MIN_ROWS = 20_000;
/** A word held by more of the sample than this is common: it cannot narrow the search. */
const COMMON_SHARE = 0.05;
const SAMPLE_ROWS = 1000;
const SAMPLE_MS = 10 * 60_000;

let sample: { at: number; rows: Promise<string[]> } | null = null;

/**
 * About SAMPLE_ROWS search texts from random pages (TABLESAMPLE SYSTEM reads only those pages),
 * kept for 10 minutes: how common each word of a fragment is. Empty for a small table.
 */
function searchTextSample(db: PrismaClient, minRows: number): Promise<string[]> {
  if (sample && Date.now() - sample.at < SAMPLE_MS) return sample.rows;
  const rows = (async () => {
    const [size] = await db.$queryRaw<{ n: number }[]>`SELECT reltuples::float8 AS n FROM pg_class WHERE oid = '"Certificate"'::regclass`;
    const n = Number(size?.n ?? 0);
    if (n < minRows) return [];
    const percent = Math.min(100, (100 * 2 * SAMPLE_ROWS) / n);
    const found = await db.$queryRaw<{ t: string }[]>(
      Prisma.sql`SELECT "searchText" AS t FROM "Certificate" TABLESAMPLE SYSTEM (${percent}) LIMIT ${2 * SAMPLE_ROWS}`,
    );
    return found.map((r) => r.t);
  })();
  sample = { at: Date.now(), rows };
  rows.catch(() => (sample = null));
  return rows;
}

/**
 * The part of `fragment` the trigram index should look up. GIN intersects the posting list of
 * every trigram of the pattern, and a trigram most certificates hold ("svc", "com", "exa") has a
 * million entries to step through: "svc-4242.team" took 140-230 ms at 1M rows, while its rarest
 * word "4242" alone takes 1-3 ms and leaves a few hundred rows for LIKE to check. The rarest word
 * of 3+ characters, by a sample, when it is rare; else the whole fragment.
 */
export async function postgresIndexFragment(db: PrismaClient, fragment: string, minRows = POSTGRES_NARROW_MIN_ROWS): Promise<string> {
  const words = [...new Set(fragment.match(WORDS) ?? [])];
  if (words.length < 2) return fragment;
  const rows = await searchTextSample(db, minRows);
  if (rows.length === 0) return fragment;
  const share = (word: string) => rows.filter((r) => r.includes(word)).length / rows.length;
  const [best] = words.map((word) => ({ word, share: share(word) })).sort((a, b) => a.share - b.share || b.word.length - a.word.length);
  return best && best.share <= COMMON_SHARE ? best.word : fragment;
}

/**
 * The same filter as SQL for the inventory list (lib/stores/search.ts). When only a word of the
 * fragment goes to the index, the whole fragment is checked on an expression the index cannot
 * answer (`|| ''`), so the planner does not add the common trigrams back.
 */
export function postgresTextCondition(fragment: string, indexFragment = fragment): Prisma.Sql {
  const whole = likeContains(fragment);
  if (indexFragment === fragment) return Prisma.sql`c."searchText" LIKE ${whole} ESCAPE '\\'`;
  return Prisma.sql`c."searchText" LIKE ${likeContains(indexFragment)} ESCAPE '\\' AND (c."searchText" || '') LIKE ${whole} ESCAPE '\\'`;
}

/** For tests: forget the sample (a test that grows the table wants a fresh one). */
export function forgetSearchTextSample(): void {
  sample = null;
}
