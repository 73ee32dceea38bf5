/**
 * Runs jobs `width` at a time and returns their results in the jobs' order: for tests that start
 * many short processes (openssl), whose start-up dominates, on a machine they share.
 */
export async function pool<T>(jobs: (() => Promise<T>)[], width: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < jobs.length) {
        const i = next++;
        results[i] = await jobs[i]!();
      }
    }),
  );
  return results;
}
