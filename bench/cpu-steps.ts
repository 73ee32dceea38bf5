/** CPU microseconds per call of each named step, measured after a warm-up (bench/issue-steps.ts, bench/ocsp-steps.ts). */
export function cpuSteps(defaultCalls: number, warmup: number) {
  const rows: [string, number][] = [];
  async function step(name: string, fn: () => unknown, n = defaultCalls): Promise<number> {
    for (let i = 0; i < Math.min(warmup, n); i++) await fn();
    const before = process.cpuUsage();
    for (let i = 0; i < n; i++) await fn();
    const used = process.cpuUsage(before);
    const us = (used.user + used.system) / n;
    rows.push([name, us]);
    return us;
  }
  return { rows, step };
}
