/**
 * The inventory's text filter, from the store in use: each store's index lives in its own module
 * (sqlite-search.ts, postgres-search.ts); this only chooses between them.
 */
import { currentStore, getDb } from "../db";
import { postgresSearchWhere } from "./postgres-search";
import { sqliteSearchCandidates } from "./sqlite-search";

/** A Prisma filter on Certificate: its search text contains `fragment` (lowercased by searchText()). */
export async function certificateTextWhere(fragment: string) {
  const like = { searchText: { contains: fragment } };
  if (currentStore() === "postgresql") return postgresSearchWhere(fragment);
  const ids = await sqliteSearchCandidates(getDb(), fragment);
  return ids ? { id: { in: ids }, ...like } : like;
}
