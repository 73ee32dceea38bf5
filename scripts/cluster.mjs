// CADESK_WORKERS > 1 (issue #13, "only one core does the work"): scripts/serve.mjs becomes a
// node:cluster primary that serves nothing itself. It holds the instance lock of the SQLite store,
// forks the workers (each one a whole cadesk: Next, the lean dispatch, group commit) that share the
// listening socket, replaces a worker that dies, and drains them all on SIGTERM/SIGINT. It also
// carries the few things workers must agree on, over the cluster's IPC channel:
// - the HTTPS front's token (scripts/forwarded.mjs): the front in one worker forwards to a
//   connection the primary may hand to another, which must believe its X-Forwarded-* headers;
// - which worker is the leader (slot 1: first-run announcements and the scheduler run there only);
// - the secret TLS session tickets are encrypted under (lib/tls/echo-server.ts): a client resumes
//   its session on whichever worker accepts its next connection;
// - /metrics for the whole instance: each worker's registry, merged by prom-client's
//   AggregatorRegistry (counters and histograms summed, version and start time taken once);
// - "sync now" for settings a worker applies to its own listeners (echo server, HTTPS front), so
//   the other workers apply a change before the request that made it is answered.
// Slot 1 starts first and alone: it creates the master key, the API token and the first admin,
// which the others then only read.
import cluster from "node:cluster";
import { randomBytes, randomUUID } from "node:crypto";
import client from "prom-client";
import { serverOpensslEnv } from "./lib.mjs";
import { probePort } from "./port-probe.mjs";

const RESTART_MS = [500, 1000, 2000, 5000, 10_000];
/** One TLS 1.3 session ticket per handshake instead of two (scripts/openssl-workers.cnf says why). */
const WORKER_ENV = serverOpensslEnv();
/** A worker that lived this long before dying starts its restart back-off from the beginning. */
const STABLE_MS = 30_000;

/**
 * Runs the primary: `count` workers of `scripts/serve.mjs` on `port`. `log` is the pino logger,
 * `fail(message)` ends the process with a message, `graceSeconds` bounds the shutdown.
 */
export function runPrimary({ count, port, host, graceSeconds, log, frontToken }) {
  const slots = new Map(); // slot -> { worker, startedAt, failures, ready }
  let stopping = false;
  let started = false;
  const pending = new Map(); // request id -> { expected: Set<worker id>, replies: [], done }
  const ticketSecret = randomBytes(32).toString("base64");
  const claims = new Map(); // "host:port" -> Promise of probePort's answer, kept once it was ok

  function fork(slot) {
    const worker = cluster.fork(WORKER_ENV);
    const state = slots.get(slot) ?? { failures: 0 };
    Object.assign(state, { worker, startedAt: Date.now(), ready: false, joined: false, closed: false });
    slots.set(slot, state);
    worker.on("message", (message) => onMessage(slot, worker, message));
    worker.on("exit", (code, signal) => onExit(slot, worker, code, signal));
    return worker;
  }

  function onMessage(slot, worker, message) {
    if (!message || typeof message !== "object" || typeof message.cadesk !== "string") return;
    switch (message.cadesk) {
      case "hello":
        slots.get(slot).joined = true;
        if (stopping) return void worker.send({ cadesk: "shutdown", signal: "SIGTERM" });
        worker.send({ cadesk: "init", slot, workers: count, frontToken, ticketSecret });
        break;
      case "ready": {
        const state = slots.get(slot);
        state.ready = true;
        log.info({ worker: slot, pid: worker.process.pid }, "worker ready");
        if (!started && slot === 1 && !stopping) {
          // The leader made the data dir's keys and the first admin: now the others may start.
          started = true;
          for (let s = 2; s <= count; s++) fork(s);
        }
        break;
      }
      case "closed":
        slots.get(slot).closed = true;
        announceClosed();
        break;
      case "metrics":
        gather(worker, message.id, "metrics-get", Object.values(cluster.workers ?? {}))
          .then(aggregate)
          .then((value) => reply(worker, message.id, value));
        break;
      case "sync":
        gather(
          worker,
          message.id,
          "sync-run",
          Object.values(cluster.workers ?? {}).filter((w) => w && w.id !== worker.id),
          { topic: message.topic },
        ).then(() => reply(worker, message.id, { ok: true }));
        break;
      case "claim-port": {
        // The workers' echo threads share their port with reusePort: checked free once, before the first joins.
        const key = `${message.host}:${message.port}`;
        if (!claims.has(key)) claims.set(key, probePort(message.port, message.host));
        claims.get(key).then((claim) => {
          if (!claim.ok) claims.delete(key);
          reply(worker, message.id, claim);
        });
        break;
      }
      case "answer": {
        const request = pending.get(message.id);
        if (!request || !request.expected.has(worker.id)) return;
        request.expected.delete(worker.id);
        request.replies.push(message.value);
        if (request.expected.size === 0) request.done();
        break;
      }
    }
  }

  /** Asks `workers` for something and resolves with their answers; one that does not answer in 10 s is left out. */
  function gather(from, id, kind, workers, extra = {}) {
    const live = workers.filter((w) => w && w.isConnected());
    return new Promise((resolve) => {
      const key = `${id}:${kind}`;
      const request = { expected: new Set(live.map((w) => w.id)), replies: [], done: () => {} };
      const timer = setTimeout(() => request.done(), 10_000);
      request.done = () => {
        clearTimeout(timer);
        pending.delete(key);
        resolve(request.replies);
      };
      pending.set(key, request);
      if (live.length === 0) return request.done();
      for (const w of live) w.send({ cadesk: kind, id: key, ...extra });
    });
  }

  function reply(worker, id, value) {
    if (worker.isConnected()) worker.send({ cadesk: "reply", id, value });
  }

  async function aggregate(replies) {
    try {
      const registry = client.AggregatorRegistry.aggregate(replies.filter(Array.isArray));
      return { text: await registry.metrics(), contentType: registry.contentType };
    } catch (error) {
      return { error: String(error?.message ?? error) };
    }
  }

  let announced = false;
  /** Once no worker listens any more, the port is closed: new connections are refused. */
  function announceClosed() {
    if (announced || ![...slots.values()].every((s) => s.closed)) return;
    announced = true;
    log.info({ graceSeconds }, "shutting down: no new connections, finishing requests in flight");
  }

  function onExit(slot, worker, code, signal) {
    const state = slots.get(slot);
    if (state?.worker !== worker) return;
    if (stopping) {
      state.closed = true;
      announceClosed();
      slots.delete(slot);
      if (slots.size === 0) {
        log.info("stopped");
        process.exit(0);
      }
      return;
    }
    const lived = Date.now() - state.startedAt;
    if (!state.ready && !started) {
      // The first worker could not start (bad configuration, no store, port in use): the reason is
      // in its own output above; a restart would only repeat it.
      log.error({ worker: slot, code, signal }, "the first worker could not start; stopping");
      process.exit(code || 1);
    }
    state.failures = lived > STABLE_MS ? 1 : state.failures + 1;
    const delay = RESTART_MS[Math.min(state.failures - 1, RESTART_MS.length - 1)];
    log.error({ worker: slot, pid: worker.process.pid, code, signal, restartInMs: delay }, "worker died; starting a new one");
    setTimeout(() => {
      if (!stopping) fork(slot);
    }, delay).unref();
  }

  function shutdown(signal) {
    if (stopping) return;
    stopping = true;
    log.info({ signal, graceSeconds, workers: slots.size }, "stopping the workers");
    // Each worker has its own grace period; this one only catches a worker that ignores it.
    setTimeout(
      () => {
        log.error({ graceSeconds }, "workers did not stop in time; exiting anyway");
        for (const { worker } of slots.values()) worker.process.kill("SIGKILL");
        process.exit(1);
      },
      (graceSeconds + 5) * 1000,
    ).unref();
    if (slots.size === 0) process.exit(0);
    for (const { worker, joined } of slots.values()) {
      // A worker that has not said hello yet gets the message when it does.
      if (joined && worker.isConnected()) worker.send({ cadesk: "shutdown", signal });
    }
  }
  for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => shutdown(signal));

  // Each worker accepts its own connections from the shared socket (SCHED_NONE) unless
  // NODE_CLUSTER_SCHED_POLICY says otherwise (rr: Node's round robin, where the primary accepts
  // every connection and hands it to a worker over IPC). Measured back to back (bench/connections.ts;
  // bench/README.md "New connections (night)" and "OCSP on new connections (late)"): the hand-over
  // was 14-16% of a two-worker cluster's CPU without keep-alive, each one-shot OCSP answer
  // 0.1-0.4 CPU ms dearer. The price: a burst of connections opened at once can land unevenly
  // (the busiest of two workers took 8-16 of 16), which matters for a few long keep-alive
  // connections, not for many short ones. Set before the first fork: Node freezes it there.
  if (process.env.NODE_CLUSTER_SCHED_POLICY === undefined) cluster.schedulingPolicy = cluster.SCHED_NONE;
  log.info(
    { port, host: host ?? "all interfaces", workers: count, scheduling: cluster.schedulingPolicy === cluster.SCHED_RR ? "rr" : "none" },
    "starting workers",
  );
  fork(1);
}

/**
 * The worker's side: waits for the primary's init (slot, shared front token), and registers on
 * globalThis what the app (lib/ops/cluster.ts) and serve.mjs use. Resolves with the init message.
 */
export function joinCluster({ registry, onShutdown }) {
  const waiting = new Map();
  const ask = (message) =>
    new Promise((resolve) => {
      const id = randomUUID();
      waiting.set(`${id}`, resolve);
      process.send({ ...message, id });
    });
  return new Promise((resolveInit) => {
    process.on("message", async (message) => {
      if (!message || typeof message !== "object" || typeof message.cadesk !== "string") return;
      switch (message.cadesk) {
        case "init": {
          const hook = {
            slot: message.slot,
            workers: message.workers,
            leader: message.slot === 1,
            ticketSecret: message.ticketSecret,
            metrics: () => ask({ cadesk: "metrics" }),
            syncPeers: (topic) => ask({ cadesk: "sync", topic }).then(() => undefined),
            claimPort: (port, host) => ask({ cadesk: "claim-port", port, host }),
          };
          globalThis[Symbol.for("cadesk.cluster")] = hook;
          resolveInit(message);
          break;
        }
        case "reply": {
          // Ids come back as `${id}:${kind}`.
          const id = String(message.id).split(":")[0];
          const resolve = waiting.get(id);
          waiting.delete(id);
          resolve?.(message.value);
          break;
        }
        case "metrics-get": {
          let value = null;
          try {
            value = await registry().getMetricsAsJSON();
          } catch {}
          process.send({ cadesk: "answer", id: message.id, value });
          break;
        }
        case "sync-run": {
          const run = globalThis[Symbol.for("cadesk.peerSync")]?.[message.topic];
          try {
            await run?.();
          } catch (error) {
            console.error(`[cadesk] could not apply ${message.topic} settings from another worker: ${error?.message ?? error}`);
          }
          process.send({ cadesk: "answer", id: message.id, value: true });
          break;
        }
        case "shutdown":
          onShutdown(message.signal);
          break;
      }
    });
    process.send({ cadesk: "hello" });
  });
}
