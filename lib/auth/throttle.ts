import { getDb } from "../db";

/** Free failures per key before waits start; an address gets more, as people share NATs. */
const FREE = { email: 5, ip: 20 } as const;
const MAX_WAIT_MS = 15 * 60_000;
/** Failures older than this are forgotten. */
const MEMORY_MS = 24 * 3600_000;

export type ThrottleKey = { kind: keyof typeof FREE; value: string };
const id = (k: ThrottleKey) => `${k.kind}:${k.value.toLowerCase().slice(0, 320)}`;

/** Seconds to wait before another attempt is accepted for any of these keys (0: go ahead). */
export async function throttleWait(keys: ThrottleKey[], now = new Date()): Promise<number> {
  const rows = await getDb().loginThrottle.findMany({ where: { key: { in: keys.map(id) } } });
  const until = Math.max(0, ...rows.map((r) => r.blockedUntil?.getTime() ?? 0));
  return until > now.getTime() ? Math.ceil((until - now.getTime()) / 1000) : 0;
}

/**
 * Counts a failure. Past the free allowance each failure doubles the wait (1 s, 2 s, 4 s ... up to
 * 15 minutes), which stops guessing without locking the real owner out for long.
 */
export async function recordFailure(keys: ThrottleKey[], now = new Date()): Promise<void> {
  const db = getDb();
  for (const key of keys) {
    const row = await db.loginThrottle.findUnique({ where: { key: id(key) } });
    const failures = row && now.getTime() - row.lastFailure.getTime() < MEMORY_MS ? row.failures + 1 : 1;
    const over = failures - FREE[key.kind];
    const blockedUntil = over > 0 ? new Date(now.getTime() + Math.min(MAX_WAIT_MS, 1000 * 2 ** (over - 1))) : null;
    await db.loginThrottle.upsert({
      where: { key: id(key) },
      create: { key: id(key), failures, lastFailure: now, blockedUntil },
      update: { failures, lastFailure: now, blockedUntil },
    });
  }
}

export async function clearFailures(key: ThrottleKey): Promise<void> {
  await getDb().loginThrottle.deleteMany({ where: { key: id(key) } });
}
