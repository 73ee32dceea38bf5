import { assertCan, runAs, SYSTEM_ACTOR } from "../auth/actor";
import { ensureDashboardCertificate } from "./dashboard-tls";
import { readConfig } from "../config";
import { getDb } from "../db";
import { currentCrl } from "./crl";
import { deliverDue } from "./deliver-notifications";
import { queueExpiryNotices } from "./expiry-notices";
import { DAY } from "../time";
import { metrics } from "../ops/metrics";
import { claimJobRun, renewJobRun } from "./job-run";

/** Signs a new CRL for every active CA whose current one is missing or within a day of nextUpdate. */
export async function refreshCrls(now = new Date()): Promise<number> {
  assertCan("manage_cas", "refresh CRLs");
  const stale = await getDb().authority.findMany({
    where: {
      status: "active",
      notAfter: { gt: now },
      OR: [{ crl: null }, { crl: { nextUpdate: { lte: new Date(now.getTime() + DAY) } } }],
    },
    select: { id: true, commonName: true },
  });
  for (const authority of stale) {
    try {
      await currentCrl(authority.id, now);
    } catch (error) {
      console.error(`[cadesk] scheduler: could not sign a CRL for "${authority.commonName}": ${(error as Error).message}`);
    }
  }
  return stale.length;
}

/** Drops sessions past their expiry and sign-in failures older than a day: nothing reads them any more. */
export async function forgetExpired(now = new Date()): Promise<void> {
  assertCan("users", "drop expired sessions");
  const db = getDb();
  await db.session.deleteMany({ where: { expiresAt: { lt: now } } });
  await db.loginThrottle.deleteMany({
    where: { lastFailure: { lt: new Date(now.getTime() - DAY) }, OR: [{ blockedUntil: null }, { blockedUntil: { lt: now } }] },
  });
}

export interface ScheduledRun {
  crlsSigned: number;
  noticesQueued: number;
  deliveriesAttempted: number;
}

/** One pass of the in-app scheduler: CRLs, then expiry notices, then deliveries and retries. */
export async function runScheduledWork(now = new Date()): Promise<ScheduledRun> {
  assertCan("settings", "run scheduled work");
  // The dashboard's own HTTPS certificate renews itself 30 days before it expires.
  if (readConfig().CADESK_TLS) await ensureDashboardCertificate(now);
  const crlsSigned = await refreshCrls(now);
  await forgetExpired(now);
  const noticesQueued = await queueExpiryNotices(now);
  const deliveriesAttempted = (await deliverDue(now)).length;
  return { crlsSigned, noticesQueued, deliveriesAttempted };
}

interface SchedulerRuntime {
  timer: NodeJS.Timeout;
  /** The run in progress, if any: shutdown waits for it. */
  current: Promise<void> | null;
  stopped: boolean;
}

const runtime = globalThis as typeof globalThis & { cadeskScheduler?: SchedulerRuntime };

/**
 * Runs the scheduler inside the app every CADESK_SCHEDULER_SECONDS (60 by default), so no
 * external cron is needed. Runs never overlap; a failed run is logged and the next one tries again.
 */
export function startScheduler(): void {
  assertCan("settings", "start the scheduler");
  if (runtime.cadeskScheduler) return;
  const seconds = readConfig().CADESK_SCHEDULER_SECONDS;
  const tick = () => {
    const state = runtime.cadeskScheduler;
    if (!state || state.current || state.stopped) return;
    // One run per period across every instance on the store (see claimJobRun). The scheduler is
    // cadesk itself, and says so (outside a request nobody acts by default).
    const startedAt = new Date();
    state.current = claimJobRun("scheduler", seconds * 1000, startedAt)
      .then((claimed) => (claimed ? holding("scheduler", seconds * 1000, () => runAs(SYSTEM_ACTOR, () => runScheduledWork())) : undefined))
      .then((run) => run && logJob("scheduler", startedAt, run))
      .then(
        () => metrics().schedulerLastRun.set({ outcome: "success" }, Date.now() / 1000),
        (error) => {
          metrics().schedulerLastRun.set({ outcome: "failure" }, Date.now() / 1000);
          console.error(`[cadesk] scheduler run failed: ${(error as Error).stack ?? error}`);
        },
      )
      .finally(() => {
        state.current = null;
      });
  };
  runtime.cadeskScheduler = { timer: setInterval(tick, seconds * 1000), current: null, stopped: false };
  runtime.cadeskScheduler.timer.unref();
  setTimeout(tick, 2000).unref();
}

/**
 * Runs `work` while renewing its job claim every third of a period, so no other instance starts
 * the same job while this run lasts; if this process dies, the renewals stop with it and the
 * claim runs out a period later (see claimJobRun).
 */
async function holding<T>(name: string, periodMs: number, work: () => Promise<T>): Promise<T> {
  const renew = setInterval(() => {
    renewJobRun(name).catch((error) => console.error(`[cadesk] could not renew the ${name} run: ${(error as Error).message}`));
  }, periodMs / 3);
  renew.unref();
  try {
    return await work();
  } finally {
    clearInterval(renew);
  }
}

const INFO_LEVELS = new Set(["info", "debug", "trace"]);

/**
 * One JSON line per job run, in the shape of scripts/serve.mjs's request lines (pino's), so the
 * logs say which instance ran which period (startedAt is the claimed period's start).
 */
function logJob(job: string, startedAt: Date, result: ScheduledRun): void {
  if (!INFO_LEVELS.has(readConfig().CADESK_LOG_LEVEL)) return;
  const line = { level: 30, time: new Date().toISOString(), service: "cadesk", pid: process.pid, msg: "job", job, startedAt, ...result };
  process.stdout.write(`${JSON.stringify({ ...line, ms: Date.now() - startedAt.getTime() })}\n`);
}

/** Starts no new run, and resolves when the one in progress (if any) has finished. */
export async function stopScheduler(): Promise<void> {
  const state = runtime.cadeskScheduler;
  if (!state) return;
  state.stopped = true;
  clearInterval(state.timer);
  await state.current;
}
