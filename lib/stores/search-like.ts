/** LIKE patterns for the search text, the same on both stores. */

/** `%fragment%` with LIKE's own wildcards taken literally (the queries say ESCAPE '\'). */
export function likeContains(fragment: string): string {
  return `%${fragment.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
