// Serves the built dashboard: Next's request handler behind cadesk's own HTTP server (Next's
// documented custom-server mode), so that cadesk, not the framework, owns what operations need:
// - one JSON log line per request (pino), with a request id (X-Request-Id, kept when a proxy sent a
//   sane one) that the audit log records too;
// - HTTP request duration by route for /metrics;
// - graceful shutdown: on SIGTERM/SIGINT stop accepting, finish in-flight requests and the current
//   scheduler job, close the echo server and the HTTPS front, exit within CADESK_SHUTDOWN_SECONDS;
// - one instance per SQLite file: a second `npm start` on the same store is refused with a message;
// - CADESK_WORKERS processes (auto: one per core) sharing the port through node:cluster, the
//   primary holding the store's lock and replacing a worker that dies (scripts/cluster.mjs).
// Usage: node scripts/serve.mjs --port 3000 [--host 127.0.0.1]
import cluster from "node:cluster";
import { randomUUID } from "node:crypto";
import http from "node:http";
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import next from "next";
import pino from "pino";
import client from "prom-client";
import { claimStore } from "./instance-lock.mjs";
import { root } from "./lib.mjs";
import { malformedPath } from "./malformed-path.mjs";
import { routeLabel } from "./route-label.mjs";
import { leanRoutes } from "./lean-routes.mjs";
import { oneShotLane, oneShotResponse } from "./one-shot-lane.mjs";
import { frontToken, parseTrustedProxies, settleForwarded } from "./forwarded.mjs";
import { joinCluster, runPrimary } from "./cluster.mjs";
import { batchedLines } from "./log-sink.mjs";

const { values: args } = parseArgs({ options: { port: { type: "string" }, host: { type: "string" } } });
const port = Number(args.port ?? process.env.PORT ?? 3000);
const host = args.host;

const LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];
const level = process.env.CADESK_LOG_LEVEL || "info";
if (!LEVELS.includes(level)) fail(`CADESK_LOG_LEVEL=${level}: expected one of ${LEVELS.join(", ")}.`);
const graceSeconds = process.env.CADESK_SHUTDOWN_SECONDS ? Number(process.env.CADESK_SHUTDOWN_SECONDS) : 25;
if (!Number.isInteger(graceSeconds) || graceSeconds < 1 || graceSeconds > 600) {
  fail(`CADESK_SHUTDOWN_SECONDS=${process.env.CADESK_SHUTDOWN_SECONDS}: expected a whole number of seconds between 1 and 600.`);
}

const { trusted: trustedProxies, error: proxiesRefused } = parseTrustedProxies(process.env.CADESK_TRUSTED_PROXIES);
if (proxiesRefused) fail(proxiesRefused);

// One process unless told otherwise (CADESK_WORKERS=N, or "auto": one per core).
const workersRaw = process.env.CADESK_WORKERS ?? "";
const workerCount =
  workersRaw === "" ? 1 : workersRaw === "auto" ? availableParallelism() : /^\d{1,2}$/.test(workersRaw) ? Number(workersRaw) : NaN;
if (!(workerCount >= 1 && workerCount <= 64))
  fail(`CADESK_WORKERS=${workersRaw}: expected auto (one per core) or a whole number of processes between 1 and 64.`);

const registryKey = Symbol.for("cadesk.metricsRegistry");
// The lines of one event-loop turn go out in one write(2), every one of them, exit included (scripts/log-sink.mjs).
const baseLog = pino({ level, base: { service: "cadesk" }, timestamp: isoTime }, batchedLines());

/**
 * pino.stdTimeFunctions.isoTime, made once per millisecond: a busy server logs several lines in
 * the same millisecond, and toISOString (on Next's wrapped Date) was ~2% of a small request's CPU.
 */
function isoTime() {
  const now = Date.now();
  if (now !== isoTime.ms) {
    isoTime.ms = now;
    isoTime.text = `,"time":"${new Date(now).toISOString()}"`;
  }
  return isoTime.text;
}

if (cluster.isPrimary && workerCount > 1) {
  // The primary serves nothing: it holds the store, starts and replaces the workers (scripts/cluster.mjs).
  const refused = claimStore(port);
  if (refused) fail(refused);
  runPrimary({ count: workerCount, port, host, graceSeconds, log: baseLog, frontToken: frontToken() });
} else {
  await serve();
}

function fail(message) {
  console.error(`[cadesk] ${message}`);
  process.exit(1);
}

/** This process serves: the only one (CADESK_WORKERS=1), or one worker of the cluster. */
async function serve() {
  // A worker learns its slot and the shared HTTPS front token from the primary before the app starts.
  let log = baseLog;
  let slot = null;
  let app = null;
  let server = null;
  let stopping = false;
  if (cluster.isWorker) {
    const init = await joinCluster({ registry: () => globalThis[registryKey], onShutdown: (signal) => void shutdown(signal) });
    slot = init.slot;
    globalThis[Symbol.for("cadesk.frontToken")] = init.frontToken;
    log = baseLog.child({ worker: slot });
    // The primary is gone (killed): nobody replaces workers or answers IPC any more, so stop too.
    process.on("disconnect", () => void shutdown("disconnect"));
  }
  frontToken(); // before the app starts its HTTPS front, which sends it
  // instrumentation.ts resolves this when its start-up work is done (lib/ops/cluster.ts markStarted):
  // Next runs it in the background after prepare(), so "listening" alone does not mean started.
  const appStarted = new Promise((resolve) => (globalThis[Symbol.for("cadesk.started")] = resolve));

  // ---- Metrics: request durations, into the registry the app's /metrics serves -----------------
  globalThis[registryKey] ??= new client.Registry();
  const httpDuration = new client.Histogram({
    name: "cadesk_http_request_duration_seconds",
    help: "HTTP request duration by route (ids replaced by :id), method and status.",
    labelNames: ["route", "method", "status"],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [globalThis[registryKey]],
  });

  const SANE_ID = /^[A-Za-z0-9._:-]{1,100}$/;

  // ---- The server --------------------------------------------------------------------------------
  // A cluster's primary holds the store for all its workers.
  if (!cluster.isWorker) {
    const refused = claimStore(port);
    if (refused) fail(refused);
  }
  process.env.NEXT_MANUAL_SIG_HANDLE = "true"; // this file handles SIGTERM/SIGINT, not Next
  process.env.PORT = String(port); // the default CADESK_PUBLIC_URL names the port actually served
  app = next({ dev: false, dir: root, hostname: host ?? "localhost", port });
  const handle = app.getRequestHandler();
  try {
    await app.prepare();
  } catch (error) {
    fail(`The dashboard could not start: ${String(error?.message ?? error).split("\n")[0]}`);
  }

  // The API and PKI endpoints skip Next's per-request machinery (scripts/lean-routes.mjs);
  // CADESK_NEXT_ONLY=1 sends them through Next like the pages (for comparison, or to rule it out).
  const nextOnly = process.env.CADESK_NEXT_ONLY === "1";
  if (!["", "0", "1"].includes(process.env.CADESK_NEXT_ONLY ?? ""))
    fail(`CADESK_NEXT_ONLY=${process.env.CADESK_NEXT_ONLY}: expected 1 or 0.`);
  const dispatch = nextOnly ? null : leanRoutes({ dir: root, port });

  /** What every request gets first, on either way in: forwarding headers settled, its request id. */
  function admit(req, method, pathname) {
    settleForwarded(req, trustedProxies);
    const given = req.headers["x-request-id"];
    const requestId = typeof given === "string" && SANE_ID.test(given) ? given : randomUUID();
    req.headers["x-request-id"] = requestId;
    log.debug({ requestId, method, path: pathname.slice(0, 200) }, "request received");
    return requestId;
  }

  /** What every request leaves when its connection is done with it: its duration and its log line. */
  function record(requestId, method, pathname, status, started, aborted) {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const route = routeLabel(pathname);
    httpDuration.observe({ route, method, status: String(status) }, seconds);
    const line = { requestId, method, route, path: pathname.slice(0, 200), status, ms: Math.round(seconds * 1e4) / 10 };
    if (aborted) line.aborted = true;
    if (route === "/_next/*") log.debug(line, "request");
    else log.info(line, "request");
  }

  server = http.createServer((req, res) => {
    const started = process.hrtime.bigint();
    const pathname = (req.url ?? "/").split("?")[0];
    const requestId = admit(req, req.method, pathname);
    res.setHeader("X-Request-Id", requestId);
    if (slot !== null) res.setHeader("X-Cadesk-Worker", String(slot));
    if (stopping) res.setHeader("Connection", "close");
    res.on("close", () => {
      record(requestId, req.method, pathname, res.statusCode, started, !res.writableFinished);
      if (stopping) server.closeIdleConnections();
    });
    if (malformedPath(pathname)) {
      res.writeHead(400, { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" });
      res.end("The request path is not valid percent-encoding.\n");
      return;
    }
    if (dispatch) dispatch(req, res, pathname, () => handle(req, res));
    else handle(req, res);
  });
  server.keepAliveTimeout = 65_000; // longer than common load balancers' idle timeouts (60 s)

  // A connection's only request, when a bytes route (OCSP) answers it, skips node:http
  // (scripts/one-shot-lane.mjs); it is admitted and recorded as above, with the same headers.
  // node:http does not know these connections, so shutdown waits for their answers itself.
  const laneAnswering = new Set();
  const lane = dispatch
    ? oneShotLane(server, (request, socket) => {
        if (stopping) return false;
        const pathname = request.target.split("?")[0];
        if (malformedPath(pathname)) return false;
        const answer = dispatch.bytesRoute(request.method, pathname);
        if (!answer) return false;
        const started = process.hrtime.bigint();
        const requestId = admit({ headers: request.headers, socket }, request.method, pathname);
        const answered = answer(request, socket).then(({ status, fields, body }) => {
          const aborted = socket.destroyed;
          if (!aborted) {
            const own = [["X-Request-Id", requestId]];
            if (slot !== null) own.push(["X-Cadesk-Worker", String(slot)]);
            socket.end(oneShotResponse(request, status, [...own, ...fields], body));
          }
          record(requestId, request.method, pathname, status, started, aborted);
          laneAnswering.delete(answered);
        });
        laneAnswering.add(answered);
        return true;
      })
    : null;
  server.listen(port, host, () => {
    log.info({ port, host: host ?? "all interfaces" }, "listening");
    if (cluster.isWorker) void appStarted.then(() => process.connected && process.send({ cadesk: "ready" }));
  });
  server.on("error", (error) =>
    fail(error.code === "EADDRINUSE" ? `Port ${port} is already in use: set PORT to a free port.` : error.message),
  );

  /** Hooks the app registers in instrumentation.ts: stop taking work, then let running work finish. */
  const lifecycle = () => globalThis[Symbol.for("cadesk.lifecycle")] ?? {};

  async function shutdown(signal) {
    if (stopping) return;
    stopping = true;
    // A worker's listener is one of several on the primary's socket: the primary says "shutting
    // down" once every worker has closed its own (scripts/cluster.mjs).
    if (cluster.isWorker) log.info({ signal }, "worker stopping: no new connections, finishing requests in flight");
    else log.info({ signal, graceSeconds }, "shutting down: no new connections, finishing requests in flight");
    setTimeout(() => {
      log.error({ graceSeconds }, "shutdown did not finish in time; exiting anyway");
      process.exit(1);
    }, graceSeconds * 1000).unref();
    await lifecycle().stopAccepting?.();
    lane?.handOverAll(); // node:http closes what it holds: connections waiting for a first request too
    const closed = server?.listening
      ? new Promise((resolve) => {
          server.close(resolve);
          server.closeIdleConnections();
        })
      : Promise.resolve();
    if (cluster.isWorker && process.connected) process.send({ cadesk: "closed" });
    await closed;
    await Promise.allSettled(laneAnswering);
    await lifecycle().drain?.();
    await app?.close?.();
    log.info("stopped");
    process.exit(0);
  }
  for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => void shutdown(signal));
}
