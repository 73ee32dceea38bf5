/**
 * The inventory's list query on either store: one page of ids in a stable order, and a count that
 * stops at COUNT_LIMIT. Portable SQL (quoted identifiers, Prisma.sql placeholders, which each
 * client writes for its own store); only the text filter differs per store, and lives in its own
 * module (sqlite-search.ts: FTS5 trigram, postgres-search.ts: pg_trgm), chosen here.
 *
 * Why raw SQL: Prisma passes an id list as one bound parameter per id, and its SQLite adapter
 * refuses more than 999, so the FTS5 candidates of a common fragment could not reach the query;
 * a sub-select on the FTS table has no such bound. Why a capped count: an exact count(*) reads
 * every matching row (the whole table for the unfiltered first page, 0.5-1 s at 1M rows on
 * PostgreSQL), while a page needs only its rows; GitHub and Gmail say "more than N" for the same
 * reason.
 */
import { Prisma } from "@/generated/prisma/client";
import { currentStore, getDb } from "../db";
import type { CertificateStatus } from "../validations/certificate";
import { likeContains } from "./search-like";
import { type PostgresLookup, postgresLookup, postgresSearchWhere, postgresTextCondition } from "./postgres-search";
import { sqliteSearchCandidates, sqliteTextPlan, type SqliteTextPlan } from "./sqlite-search";

/** Counting stops here: beyond, the inventory says "more than 10,000" (the API's totalExact is false). */
export const COUNT_LIMIT = 10_000;
/**
 * A count that must read each row to check a text match (LIKE after the trigram index) stops
 * here instead: 10,000 row reads cost PostgreSQL 0.3 s at 1M rows, 1,000 a tenth of it.
 */
export const TEXT_COUNT_LIMIT = 1_000;

/** What the inventory filters on, already resolved (lib/data/certificates.ts builds it from the query). */
export interface InventoryFilter {
  /** A fragment of the lowercase search text (searchText()): CN, SAN values, serial. "" matches nothing. */
  text?: string;
  authorityId?: string;
  status?: CertificateStatus;
  /** notAfter on or after this moment. */
  notAfterFrom?: Date;
  /** notAfter before this moment. */
  notAfterBefore?: Date;
  /** Only these ids (the host filter's short list). */
  ids?: string[];
  /** The certificate has one of these DNS or IP SAN values ("CertificateName", migration 0029: the host filter's names)... */
  names?: string[];
  /** ...and the id is none of these. */
  notIds?: string[];
}

export type InventoryOrder = "newest" | "expiry" | "-expiry";

const ORDER: Record<InventoryOrder, Prisma.Sql> = {
  // The id breaks ties (group commit gives a batch one createdAt), so pages never overlap or skip.
  newest: Prisma.sql`ORDER BY c."createdAt" DESC, c."id" DESC`,
  expiry: Prisma.sql`ORDER BY c."notAfter" ASC, c."id" ASC`,
  "-expiry": Prisma.sql`ORDER BY c."notAfter" DESC, c."id" DESC`,
};

/**
 * "expiringFrom" in a status condition. On SQLite with ANALYZE statistics (a seeded 1M store) the
 * planner took "expiringFrom <= now" to Certificate_expiringFrom_status_idx for the expiring list
 * and then sorted its 125,000 rows by expiry: 0.7-1 s a page (bench/search.ts). SQLite's unary +
 * keeps a term from choosing an index (https://sqlite.org/optoverview.html#disqualifying_where_clause_terms_using_unary_),
 * so the walk of (notAfter, status, expiringFrom, id) from notAfter > now checks it in the index
 * instead: 1 ms. PostgreSQL has no unary + for timestamps, and plans this well already.
 */
function expiringFromColumn(): Prisma.Sql {
  return currentStore() === "sqlite" ? Prisma.raw(`+c."expiringFrom"`) : Prisma.raw(`c."expiringFrom"`);
}

/** The same conditions as lib/data/status.ts statusWhere(), as SQL on the indexed columns. */
function statusCondition(status: CertificateStatus, now: Date): Prisma.Sql {
  switch (status) {
    case "revoked":
      return Prisma.sql`c."status" = 'revoked'`;
    case "expired":
      return Prisma.sql`c."status" <> 'revoked' AND c."notAfter" <= ${now}`;
    case "expiring":
      return Prisma.sql`c."status" <> 'revoked' AND c."notAfter" > ${now} AND ${expiringFromColumn()} <= ${now}`;
    case "valid":
      return Prisma.sql`c."status" <> 'revoked' AND c."notAfter" > ${now} AND ${expiringFromColumn()} > ${now}`;
  }
}

/**
 * The certificate has one of these SAN values: an equality look-up in "CertificateName" (one row
 * per DNS and IP SAN value, kept by triggers: migration 0029), through its (name, certificateId)
 * primary key on both stores.
 */
function namesCondition(names: string[]): Prisma.Sql {
  return Prisma.sql`c."id" IN (SELECT n."certificateId" FROM "CertificateName" n WHERE n."name" IN (${Prisma.join(names)}))`;
}

/** How the text filter is answered: PostgreSQL's LIKE through pg_trgm, or SQLite's plan (sqlite-search.ts). */
export type TextPlan = ({ store: "postgresql" } & PostgresLookup) | ({ store: "sqlite" } & SqliteTextPlan);

function textCondition(fragment: string, plan: TextPlan): Prisma.Sql {
  if (plan.store === "postgresql") return postgresTextCondition(fragment, plan.index);
  const like = Prisma.sql`c."searchText" LIKE ${likeContains(fragment)} ESCAPE '\\'`;
  // The FTS5 table shares the certificate's rowid; LIKE still decides, the index only narrows.
  return plan.kind === "index"
    ? Prisma.sql`c.rowid IN (SELECT rowid FROM "CertificateSearch" WHERE "CertificateSearch" MATCH ${plan.match}) AND ${like}`
    : like;
}

function conditions(filter: InventoryFilter, now: Date, plan: TextPlan | null, first: Prisma.Sql[] = []): Prisma.Sql {
  const parts: Prisma.Sql[] = [...first];
  if (filter.text !== undefined) parts.push(filter.text === "" || !plan ? Prisma.sql`1 = 0` : textCondition(filter.text, plan));
  if (filter.authorityId !== undefined) parts.push(Prisma.sql`c."authorityId" = ${filter.authorityId}`);
  if (filter.status) parts.push(statusCondition(filter.status, now));
  if (filter.notAfterFrom) parts.push(Prisma.sql`c."notAfter" >= ${filter.notAfterFrom}`);
  if (filter.notAfterBefore) parts.push(Prisma.sql`c."notAfter" < ${filter.notAfterBefore}`);
  if (filter.ids) parts.push(filter.ids.length ? Prisma.sql`c."id" IN (${Prisma.join(filter.ids)})` : Prisma.sql`1 = 0`);
  if (filter.names) parts.push(filter.names.length ? namesCondition(filter.names) : Prisma.sql`1 = 0`);
  if (filter.notIds?.length) parts.push(Prisma.sql`c."id" NOT IN (${Prisma.join(filter.notIds)})`);
  return parts.length ? Prisma.sql`WHERE ${Prisma.join(parts, " AND ")}` : Prisma.empty;
}

/**
 * Up to COUNT_LIMIT + 1 matching rows (TEXT_COUNT_LIMIT + 1 with a text filter), counted. On SQLite, a fragment too common for the page to
 * start from the FTS5 candidates is counted from them anyway, streamed in rowid order (CROSS JOIN
 * keeps the FTS table outside: https://sqlite.org/optoverview.html#crossjoin), so the count stops
 * at the limit instead of reading rows that do not match.
 */
function countLimit(filter: InventoryFilter): number {
  return filter.text ? TEXT_COUNT_LIMIT : COUNT_LIMIT;
}

function cappedCount(filter: InventoryFilter, now: Date, plan: TextPlan | null): Prisma.Sql {
  const cap = countLimit(filter) + 1;
  if (plan?.store === "sqlite" && plan.kind === "scan" && plan.match) {
    const where = conditions(filter, now, plan, [Prisma.sql`s."CertificateSearch" MATCH ${plan.match}`, Prisma.sql`c.rowid = s.rowid`]);
    return Prisma.sql`SELECT count(*) AS n FROM (SELECT 1 FROM "CertificateSearch" s CROSS JOIN "Certificate" c ${where} LIMIT ${cap}) AS capped`;
  }
  return Prisma.sql`SELECT count(*) AS n FROM (SELECT 1 FROM "Certificate" c ${conditions(filter, now, plan)} LIMIT ${cap}) AS capped`;
}

export interface InventoryIds {
  /** Up to `limit` ids from `offset` on, in order. */
  ids: string[];
  /** How many match: exact when `exact`, else at least this many (the count stopped there). */
  count: number;
  exact: boolean;
}

/** Test seams: lower thresholds for SQLite's choice between the FTS5 candidates and a scan. */
export interface InventoryOptions {
  sqliteIndexLimit?: number;
  /** SQLite narrows the FTS5 phrase to a fragment's rare trigrams from this many rows on. */
  sqliteNarrowMinRows?: number;
  /** PostgreSQL narrows the trigram look-up to a fragment's rarest word from this many rows on. */
  postgresNarrowMinRows?: number;
}

async function textPlan(fragment: string | undefined, options: InventoryOptions): Promise<TextPlan | null> {
  if (fragment === undefined || fragment === "") return null;
  return currentStore() === "postgresql"
    ? { store: "postgresql", ...(await postgresLookup(getDb(), fragment, options.postgresNarrowMinRows)) }
    : { store: "sqlite", ...(await sqliteTextPlan(getDb(), fragment, options.sqliteIndexLimit, options.sqliteNarrowMinRows)) };
}

/** The statement of nameMatches() (exported for the EXPLAIN tests). */
export function nameMatchesStatement(names: string[], limit: number): Prisma.Sql {
  return Prisma.sql`SELECT c."id", c."sans", c."createdAt" FROM "Certificate" c WHERE ${namesCondition(names)} ${ORDER.newest} LIMIT ${limit}`;
}

/**
 * The newest `limit` certificates with one of these DNS or IP SAN values (exact, as
 * "CertificateName" stores them: DNS lowercase without a trailing dot), with their SANs: the host
 * filter (lib/data/host-search.ts) checks each against the matching rules. The primary key finds
 * the few rows of each name; only those are read and sorted.
 */
export async function nameMatches(names: string[], limit: number): Promise<{ id: string; sans: string; createdAt: Date }[]> {
  if (names.length === 0) return [];
  const rows = await getDb().$queryRaw<{ id: string; sans: string; createdAt: Date | string }[]>(nameMatchesStatement(names, limit));
  return rows.map((r) => ({ id: r.id, sans: r.sans, createdAt: new Date(r.createdAt) }));
}

function onlyText(filter: InventoryFilter): boolean {
  const { text, ...others } = filter;
  return text !== undefined && Object.values(others).every((v) => v === undefined);
}

/**
 * Sorting M candidates reads M rows; walking the order's index reads about (offset + limit) x
 * rows / M of them before the page is full: for a common fragment, the walk is shorter.
 */
function walkBeatsSort(plan: { matches: number; rows: number }, offset: number, limit: number): boolean {
  return plan.matches * plan.matches > (offset + limit) * plan.rows;
}

/**
 * The statements of an inventory page (exported for the EXPLAIN tests): the page of ids, and the
 * capped count, or the count itself when the plan already knows it.
 */
export async function inventoryStatements(
  filter: InventoryFilter,
  order: InventoryOrder,
  offset: number,
  limit: number,
  now: Date,
  options: InventoryOptions = {},
): Promise<{ page: Prisma.Sql; count: Prisma.Sql | number; plan: TextPlan | null }> {
  const plan = await textPlan(filter.text, options);
  let pagePlan = plan;
  let count: Prisma.Sql | number = cappedCount(filter, now, plan);
  if (plan?.store === "sqlite" && plan.match && onlyText(filter)) {
    // Text alone: FTS5 has counted the candidates already (up to its limit). A trigram phrase of
    // the whole fragment matches exactly the rows whose text holds it, both sides lowercased by
    // searchText(); a phrase of part of it only finds candidates, which LIKE counts.
    if (plan.whole) count = plan.kind === "index" ? plan.matches : COUNT_LIMIT + 1;
    if (plan.kind === "index" && walkBeatsSort(plan, offset, limit)) pagePlan = { ...plan, kind: "scan" };
  }
  const text = filter.text;
  if (plan?.store === "postgresql" && text !== undefined && plan.index !== text && walkBeatsSort(plan, offset, limit)) {
    // The same choice for a common fragment's page on PostgreSQL: the planner walks the order's
    // index when it sees the whole fragment's LIKE (its statistics say many rows match), but the
    // narrowed look-up's second LIKE, on an expression it has no statistics for, makes it guess a
    // handful and sort every candidate ("team-42." at 1M rows: 17.6 ms against 1.4). The count
    // keeps the narrowed look-up.
    pagePlan = { ...plan, index: text };
  }
  return {
    page: Prisma.sql`SELECT c."id" FROM "Certificate" c ${conditions(filter, now, pagePlan)} ${ORDER[order]} LIMIT ${limit} OFFSET ${offset}`,
    count,
    plan: pagePlan,
  };
}

/**
 * One page of the inventory's ids and how many match. `limit` is the page size plus one, so the
 * caller knows whether a next page exists without counting. The count is skipped when the page
 * itself tells it (a short page ends the list), else stops after COUNT_LIMIT + 1 rows (TEXT_COUNT_LIMIT + 1
 * when each row must be read to check a text match).
 */
export async function inventoryIds(
  filter: InventoryFilter,
  order: InventoryOrder,
  offset: number,
  limit: number,
  now: Date,
  options: InventoryOptions = {},
): Promise<InventoryIds> {
  const db = getDb();
  const statements = await inventoryStatements(filter, order, offset, limit, now, options);
  const ids = (await db.$queryRaw<{ id: string }[]>(statements.page)).map((r) => r.id);
  if (ids.length > 0 && ids.length < limit) return { ids, count: offset + ids.length, exact: true };
  if (offset === 0 && ids.length === 0) return { ids, count: 0, exact: true };
  // A page past the end, or a full page with more behind it: count, up to the limit.
  const n =
    typeof statements.count === "number"
      ? statements.count
      : Number((await db.$queryRaw<{ n: bigint | number }[]>(statements.count))[0]?.n ?? 0);
  // Not exact: `offset + ids.length` rows exist (the page and the one after it), so more than one less.
  // FTS5's own count of a whole fragment goes up to COUNT_LIMIT; a count that read rows, to its lower limit.
  const cap = typeof statements.count === "number" ? COUNT_LIMIT : countLimit(filter);
  if (n <= cap) return { ids, count: n, exact: true };
  return { ids, count: ids.length ? Math.max(cap, offset + ids.length - 1) : cap, exact: false };
}

/** A Prisma filter on Certificate: its search text contains `fragment` (lowercased by searchText()). */
export async function certificateTextWhere(fragment: string) {
  const like = { searchText: { contains: fragment } };
  if (currentStore() === "postgresql") return postgresSearchWhere(fragment);
  const ids = await sqliteSearchCandidates(getDb(), fragment);
  return ids ? { id: { in: ids }, ...like } : like;
}
