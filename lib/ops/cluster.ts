/**
 * The app's view of scripts/serve.mjs's cluster (CADESK_WORKERS > 1, scripts/cluster.mjs): which
 * worker this process is, and what the primary does for all workers over IPC. With one process
 * (CADESK_WORKERS=1, tests, `next start`) there is no hook and everything answers as that one
 * process would: it is the leader, its metrics are the instance's, it has no peers to tell.
 */

interface ClusterHook {
  /** 1..workers; a replaced worker keeps its slot. */
  slot: number;
  workers: number;
  /** Slot 1: the first-run announcement and the scheduler run here only. */
  leader: boolean;
  /** Every worker's registry, merged by the primary (prom-client's AggregatorRegistry). */
  metrics(): Promise<{ text: string; contentType: string } | { error: string }>;
  /** Runs `topic`'s registered sync in every other worker; resolves when they have (or after 10 s). */
  syncPeers(topic: string): Promise<void>;
  /** Whether `port` is free of other processes' listeners (checked once, then kept): see claimSharedPort. */
  claimPort(port: number, host: string): Promise<{ ok: true } | { ok: false; code?: string; message: string }>;
  /** 32 random bytes (base64) the primary made for all its workers: TLS session tickets one worker issues, another opens. */
  ticketSecret?: string;
}

const HOOK = Symbol.for("cadesk.cluster");
const SYNCS = Symbol.for("cadesk.peerSync");
const store = globalThis as unknown as { [HOOK]?: ClusterHook; [SYNCS]?: Record<string, () => Promise<unknown>> };

export function clusterHook(): ClusterHook | undefined {
  return store[HOOK];
}

/**
 * The secret TLS session tickets are encrypted under (lib/tls/echo-server.ts), the same in every
 * worker of the cluster, so a client resumes its session whichever worker accepts it; undefined
 * with one process, which then makes its own.
 */
export function clusterTicketSecret(): Buffer | undefined {
  const secret = clusterHook()?.ticketSecret;
  return secret ? Buffer.from(secret, "base64") : undefined;
}

/**
 * Before this worker's listener joins the other workers' on `port` with reusePort: the primary
 * binds it once without reusePort, so a port another program (or another cadesk) already listens
 * on fails with that bind's error (EADDRINUSE) instead of being silently shared with it. With one
 * process there is nothing to share and nothing to check.
 */
export async function claimSharedPort(port: number, host: string): Promise<void> {
  const claim = await clusterHook()?.claimPort(port, host);
  if (claim && !claim.ok) throw Object.assign(new Error(claim.message), { code: claim.code });
}

/** True in the one process that runs what must not run once per worker. */
export function isLeader(): boolean {
  return clusterHook()?.leader ?? true;
}

/** Topics other workers ask this one to apply now: settings that live in each worker's own listeners. */
export type PeerTopic = "echo" | "dashboard-tls";

/** What this worker runs when another one changed `topic`'s settings (scripts/cluster.mjs calls it). */
export function registerPeerSync(topic: PeerTopic, run: () => Promise<unknown>): void {
  (store[SYNCS] ??= {})[topic] = run;
}

/**
 * After this worker applied a change to its own listener: the other workers apply it too before
 * the request that made it is answered (without this they would follow within their polling period).
 */
export async function syncPeers(topic: PeerTopic): Promise<void> {
  await clusterHook()?.syncPeers(topic);
}

const STARTED = Symbol.for("cadesk.started");

/**
 * instrumentation.ts has finished the start-up work (keys, first admin, listeners): a worker tells
 * the primary it is ready only then, and the leader's readiness is what lets the others start.
 */
export function markStarted(): void {
  (globalThis as unknown as Record<symbol, (() => void) | undefined>)[STARTED]?.();
}
