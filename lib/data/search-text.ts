/**
 * The lowercase text the inventory searches. Prisma's `contains` becomes SQL LIKE without escaping
 * "%" and "_", so a search for "%" matched everything and "_" any character. Both sides of the
 * comparison swap those two for look-alikes LIKE treats literally, which keeps the query portable.
 */
export function searchText(text: string): string {
  return text.toLowerCase().replaceAll("_", "\u2017").replaceAll("%", "\u2030");
}
