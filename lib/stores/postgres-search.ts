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

let sample: { at: number; rows: Promise<Sample> } | null = null;

/** About SAMPLE_ROWS search texts and the table's row count (the planner's `reltuples`). */
interface Sample {
  texts: string[];
  rows: number;
}

/**
 * About SAMPLE_ROWS search texts from random pages (TABLESAMPLE SYSTEM reads only those pages),
 * kept for 10 minutes: how common each word of a fragment is. No texts for a small table.
 */
function searchTextSample(db: PrismaClient, minRows: number): Promise<Sample> {
  if (sample && Date.now() - sample.at < SAMPLE_MS) return sample.rows;
  const rows = (async () => {
    const [size] = await db.$queryRaw<{ n: number }[]>`SELECT reltuples::float8 AS n FROM pg_class WHERE oid = '"Certificate"'::regclass`;
    const n = Number(size?.n ?? 0);
    if (n < minRows) return { texts: [], rows: n };
    const percent = Math.min(100, (100 * 2 * SAMPLE_ROWS) / n);
    const found = await db.$queryRaw<{ t: string }[]>(
      Prisma.sql`SELECT "searchText" AS t FROM "Certificate" TABLESAMPLE SYSTEM (${percent}) LIMIT ${2 * SAMPLE_ROWS}`,
    );
    return { texts: found.map((r) => r.t), rows: n };
  })();
  sample = { at: Date.now(), rows };
  rows.catch(() => (sample = null));
  return rows;
}

/** How the trigram index is asked for a fragment (lib/stores/search.ts). */
export interface PostgresLookup {
  /** The part of the fragment the index looks up (the whole fragment when nothing narrows it). */
  index: string;
  /** About how many certificates hold the whole fragment, by the sample (0 when none of it does). */
  matches: number;
  /** About how many certificates there are. */
  rows: number;
}

/**
 * The part of `fragment` the trigram index should look up. GIN intersects the posting list of
 * every trigram of the pattern, and a trigram most certificates hold ("svc", "com", "exa") has a
 * million entries to step through: "svc-4242.team" took 140-230 ms at 1M rows, while its rarest
 * word "4242" alone takes 1-3 ms and leaves a few hundred rows for LIKE to check. The rarest word
 * of 3+ characters, by a sample, when it is rare. When every word is common ("team-42."), what
 * is left between them ("-42.") when it is rare and still gives the index a trigram: the index
 * part of "team-42." at 1M rows went from 17.8 ms to 3.3. Else the whole fragment.
 */
export async function postgresLookup(db: PrismaClient, fragment: string, minRows = POSTGRES_NARROW_MIN_ROWS): Promise<PostgresLookup> {
  const words = [...new Set(fragment.match(WORDS) ?? [])];
  const { texts, rows } = words.length ? await searchTextSample(db, minRows) : { texts: [], rows: 0 };
  if (texts.length === 0) return { index: fragment, matches: 0, rows };
  const shares = new Map<string, number>();
  const share = (part: string) => {
    let found = shares.get(part);
    if (found === undefined) shares.set(part, (found = texts.filter((t) => t.includes(part)).length / texts.length));
    return found;
  };
  const lookup = (index: string) => ({ index, matches: share(fragment) * rows, rows });
  const rarest = (parts: string[]) =>
    parts.map((part) => ({ part, share: share(part) })).sort((a, b) => a.share - b.share || b.part.length - a.part.length)[0];
  const word = rarest(words);
  if (words.length > 1 && word && word.share <= COMMON_SHARE) return lookup(word.part);
  const common = new Set(words.filter((w) => share(w) > COMMON_SHARE));
  if (common.size === 0) return lookup(fragment);
  const piece = rarest(piecesBetween(fragment, common).filter(likeHasTrigram));
  return lookup(piece && piece.share <= COMMON_SHARE ? piece.part : fragment);
}

/** What is left of `fragment` once the words in `cut` are taken out: "team-42." without "team" is "-42.". */
function piecesBetween(fragment: string, cut: Set<string>): string[] {
  const pieces: string[] = [];
  let start = 0;
  for (const m of fragment.matchAll(WORDS)) {
    if (!cut.has(m[0])) continue;
    pieces.push(fragment.slice(start, m.index));
    start = m.index + m[0].length;
  }
  pieces.push(fragment.slice(start));
  return pieces.filter((p) => p !== "");
}

/**
 * Does `LIKE '%piece%'` give pg_trgm a trigram? It pads a word with two blanks before and one
 * after (trgm.h LPADDING, RPADDING) only where the pattern shows the word's edge: "-42." gives
 * "  4", " 42", "42 "; "1." gives nothing. With no trigram GIN reads every entry of the index
 * (pg_trgm's gin_extract_query: GIN_SEARCH_MODE_ALL), the opposite of narrowing.
 */
export function likeHasTrigram(piece: string): boolean {
  for (const m of piece.matchAll(/[\p{L}\p{N}]+/gu)) {
    const before = m.index > 0 ? 2 : 0;
    const after = m.index + m[0].length < piece.length ? 1 : 0;
    if (before + m[0].length + after >= 3) return true;
  }
  return false;
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

/** For tests: use this sample of search texts from now on, or with none read a fresh one next time. */
export function useSearchTextSample(texts?: string[]): void {
  sample = texts ? { at: Date.now(), rows: Promise.resolve({ texts, rows: texts.length }) } : null;
}
