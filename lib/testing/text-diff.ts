/** Where two texts first differ, for readable test failures of line-for-line comparisons. */
export function firstDifference(ours: string, theirs: string): string {
  const a = ours.split("\n");
  const b = theirs.split("\n");
  const i = a.findIndex((line, n) => line !== b[n]);
  return i < 0
    ? `(ours has ${a.length} lines, openssl ${b.length})`
    : `line ${i + 1}:\n  ours:    ${JSON.stringify(a[i])}\n  openssl: ${JSON.stringify(b[i])}`;
}
