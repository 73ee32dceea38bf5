/**
 * The inventory's substring search on PostgreSQL: `"searchText" LIKE '%fragment%'`, which the
 * GIN trigram index of migration 0002 ("Certificate_searchText_trgm", pg_trgm's gin_trgm_ops)
 * answers without reading every row (https://www.postgresql.org/docs/current/pgtrgm.html#PGTRGM-INDEX).
 * Prisma's `contains` is that LIKE, so the filter needs no raw SQL; lib/stores/search.test.ts
 * checks with EXPLAIN that the query Prisma sends uses the index.
 */
export const POSTGRES_SEARCH_INDEX = "Certificate_searchText_trgm";

/** The Prisma filter for certificates whose search text contains `fragment` (lowercased by searchText()). */
export function postgresSearchWhere(fragment: string) {
  return { searchText: { contains: fragment } };
}
