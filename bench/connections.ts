/**
 * The cost of a new connection (issue #13), compared back to back: `npx tsx bench/connections.ts`
 * starts one production server (`scripts/serve.mjs`) per variant, each on its own scratch data dir,
 * and loads them in turn, round after round, so every variant sees the same machine load:
 * - `ocsp`: OCSP POST of a good serial, a new connection per request (hey -disable-keepalive);
 * - `ocsp-ka`: the same with keep-alive (16 connections held open);
 * - `revoked`: a revoked serial, new connection per request;
 * - `get`: the good serial by GET (RFC 6960 A.1), new connection per request;
 * - `mtls`: the echo server, full mTLS handshakes one at a time (openssl s_time -new);
 * - `csr`: POST /api/v1/certificates with a P-256 CSR, 16 keep-alive connections;
 * - `balance`: 20 bursts of 16 connections opened at once (as hey and pooling clients do), each
 *   asking which worker answers it (X-Cadesk-Worker): how a burst of kept-alive connections
 *   spreads over a cluster's workers (the figure is the most any one worker took, per burst),
 *   then 40 connections one after another (how often the answering worker changes).
 * Each figure is requests/s and the server's CPU ms per request (primary and every worker, /proc),
 * with how that CPU split between the processes (a cluster's balance) and the load average.
 * BENCH_VARIANTS: `name:VAR=value,VAR=value;name2:...` (default: one worker, two workers with
 * node:cluster's round robin (NODE_CLUSTER_SCHED_POLICY=rr), two with `none`, the cluster's default); BENCH_LOADS (default all
 * but csr), BENCH_ROUNDS (3), BENCH_SECONDS (5); BENCH_PROFILE=1 runs each server under
 * `node --cpu-prof` and keeps the profiles (their directory is printed; workers write their own). Ports: BENCH_PORT (3700) + 10 per variant, and
 * the one after each for its echo server. Prints figures; asserts nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { makeCsr } from "./anchors";
import {
  answeredBy,
  childPids,
  cpuMsOf,
  hey,
  killAllChildren,
  run,
  runAsync,
  sTime,
  startChild,
  stopChild,
  waitForPort,
  waitForWorkers,
  LOAD_SECONDS,
  type Load,
} from "./tools";

const TOKEN = "bench-token-0123456789abcdef";
const BASE_PORT = Number(process.env.BENCH_PORT ?? 3700);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const LOADS = (process.env.BENCH_LOADS ?? "ocsp,ocsp-ka,revoked,get,mtls").split(",").map((s) => s.trim());
const VARIANTS = (
  process.env.BENCH_VARIANTS ??
  "one:CADESK_WORKERS=1;rr:CADESK_WORKERS=2,NODE_CLUSTER_SCHED_POLICY=rr;none:CADESK_WORKERS=2,NODE_CLUSTER_SCHED_POLICY=none"
)
  .split(";")
  .filter(Boolean)
  .map((spec, i) => {
    const [name, vars = ""] = spec.split(":");
    const env = Object.fromEntries(
      vars
        .split(",")
        .filter(Boolean)
        .map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
    );
    return { name: name!, env, port: BASE_PORT + 10 * i };
  });

const { ensureBuild, migrate } = await import("../scripts/lib.mjs");
const work = mkdtempSync(path.join(tmpdir(), "cadesk-bench-conn-"));
const profileDir = mkdtempSync(path.join(tmpdir(), "cadesk-bench-conn-profiles-"));
const file = (name: string, content: string) => {
  const p = path.join(work, name);
  writeFileSync(p, content);
  return p;
};

type Json = Record<string, string>;
async function api(port: number, method: string, route: string, body?: unknown): Promise<Json> {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1${route}`, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${await res.text()}`);
  return res.headers.get("content-type")?.includes("json") ? (res.json() as Promise<Json>) : ({ text: await res.text() } as Json);
}

/** Everything one variant's loads need: its server, an OCSP request per serial, the echo server's client files. */
async function prepare(variant: (typeof VARIANTS)[number]) {
  const dataDir = mkdtempSync(path.join(tmpdir(), `cadesk-bench-conn-${variant.name}-`));
  migrate({ ...process.env, CADESK_DATA_DIR: dataDir });
  const profile = process.env.BENCH_PROFILE === "1" ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}/${variant.name}`] : [];
  const server = startChild(process.execPath, [...profile, "scripts/serve.mjs", "--port", String(variant.port)], {
    env: {
      ...process.env,
      ...variant.env,
      CADESK_DATA_DIR: dataDir,
      CADESK_API_TOKEN: TOKEN,
      CADESK_ECHO_PORT: String(variant.port + 1),
      NEXT_TELEMETRY_DISABLED: "1",
    },
  });
  await waitForPort(variant.port, variant.name, server, 180_000);
  const workers = Number(variant.env.CADESK_WORKERS ?? 1);
  if (workers > 1) await waitForWorkers(variant.port, workers);
  const call = (method: string, route: string, body?: unknown) => api(variant.port, method, route, body);
  const ca = await call("POST", "/cas", { commonName: `Bench ${variant.name} CA`, keyType: "ecdsa-p256" });
  const caPem = file(`${variant.name}-ca.pem`, ca.certificatePem!);
  const issue = (body: Record<string, unknown>) => call("POST", "/certificates", { caId: ca.id, ...body });
  const good = await issue({ commonName: "good.bench.example", sans: { dns: ["good.bench.example"] } });
  const revoked = await issue({ commonName: "revoked.bench.example", sans: { dns: ["revoked.bench.example"] } });
  await call("POST", `/certificates/${revoked.id}/revoke`, { reason: "keyCompromise" });
  const url = `http://127.0.0.1:${variant.port}/ocsp/${ca.id}`;
  const requests: Record<string, { file: string; base64: string }> = {};
  for (const [label, cert, expected] of [
    ["good", good, "good"],
    ["revoked", revoked, "revoked"],
  ] as const) {
    const der = path.join(work, `${variant.name}-${label}.der`);
    run("openssl", ["ocsp", "-issuer", caPem, "-serial", `0x${cert.serialNumber}`, "-no_nonce", "-reqout", der]);
    const out = run("openssl", ["ocsp", "-issuer", caPem, "-serial", `0x${cert.serialNumber}`, "-no_nonce", "-url", url, "-noverify"]);
    if (!out.includes(`: ${expected}`)) throw new Error(`${variant.name} did not answer ${expected}: ${out}`);
    requests[label] = { file: der, base64: encodeURIComponent(run("base64", ["-w0", der]).trim()) };
  }
  const serverCert = await issue({ commonName: "localhost", sans: { dns: ["localhost"], ip: ["127.0.0.1"] } });
  const client = await issue({ commonName: "bench-client", profile: "client", sans: { uri: ["spiffe://bench/c"] }, keepPrivateKey: false });
  await call("PUT", "/echo", { certificateId: serverCert.id, clientCaIds: [ca.id], clientAuth: "require" });
  await waitForPort(variant.port + 1, `${variant.name} echo server`);
  const tlsFiles = {
    cert: file(`${variant.name}-client.pem`, client.certificatePem!),
    key: file(`${variant.name}-client.key`, client.privateKeyPem!),
    caFile: caPem,
  };
  const csrBody = file(
    `${variant.name}-csr.json`,
    JSON.stringify({ caId: ca.id, csrPem: makeCsr(work, "p256", ["ec", "-pkeyopt", "ec_paramgen_curve:P-256"]) }),
  );
  // Warm every worker up on each path (a connection of its own goes to the next worker, or to whichever accepts).
  for (let i = 0; i < 50 * workers; i++) await answeredBy(variant.port, `/ocsp/${ca.id}/${requests.good!.base64}`);
  return { ...variant, dataDir, server, url, requests, tlsFiles, csrBody };
}

/** hey GETs without keep-alive (tools' hey POSTs a body): requests/s of 200s and CPU ms per request. */
async function heyGet(url: string, pid: number): Promise<Load> {
  const before = cpuMsOf(pid)!;
  const out = await runAsync("hey", ["-z", `${LOAD_SECONDS}s`, "-c", "16", "-disable-keepalive", url]);
  const used = cpuMsOf(pid)! - before;
  const statuses = [...out.matchAll(/\[(\d{3})\]\s+(\d+) responses/g)].map((m) => ({ status: Number(m[1]), count: Number(m[2]) }));
  const total = statuses.reduce((n, s) => n + s.count, 0);
  const ok = statuses.find((s) => s.status === 200)?.count ?? 0;
  const perSecond = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const bad = statuses.filter((s) => s.status !== 200).map((s) => `${s.count} x HTTP ${s.status}`);
  return { perSecond: total ? (perSecond * ok) / total : 0, cpuMs: total ? used / total : undefined, note: bad.join(", ") || undefined };
}

/** CPU ms of the primary alone and of each worker (a cluster's balance), from /proc. */
function split(pid: number): number[] {
  const own = cpuMsOf(pid)! - childPids(pid).reduce((sum, c) => sum + (cpuMsOf(c) ?? 0), 0);
  return [own, ...childPids(pid).map((c) => cpuMsOf(c) ?? 0)];
}

/** 20 bursts of 16 connections at once: per burst, the share of the busiest worker. */
async function balance(port: number): Promise<Load> {
  const busiest: number[] = [];
  for (let burst = 0; burst < 20; burst++) {
    const answered = await Promise.all(Array.from({ length: 16 }, () => answeredBy(port, "/healthz")));
    const counts = new Map<string, number>();
    for (const w of answered) counts.set(w, (counts.get(w) ?? 0) + 1);
    busiest.push(Math.max(...counts.values()));
    await new Promise((r) => setTimeout(r, 100));
  }
  busiest.sort((a, b) => a - b);
  // And one connection at a time (a health check, a sign-in's two requests): how often the answering worker changes.
  let changes = 0;
  let last = "";
  for (let i = 0; i < 40; i++) {
    const worker = await answeredBy(port, "/healthz");
    if (i > 0 && worker !== last) changes++;
    last = worker;
  }
  return {
    perSecond: NaN,
    note: `busiest worker's connections of 16 per burst: ${busiest.join(" ")}; one at a time: the worker changed ${changes} times in 39`,
  };
}

async function load(v: Awaited<ReturnType<typeof prepare>>, what: string): Promise<Load> {
  const pid = v.server.pid!;
  const ocsp = { contentType: "application/ocsp-request", pid };
  switch (what) {
    case "ocsp":
      return hey(v.url, { ...ocsp, bodyFile: v.requests.good!.file, keepAlive: false });
    case "ocsp-ka":
      return hey(v.url, { ...ocsp, bodyFile: v.requests.good!.file, keepAlive: true });
    case "revoked":
      return hey(v.url, { ...ocsp, bodyFile: v.requests.revoked!.file, keepAlive: false });
    case "get":
      return heyGet(`${v.url}/${v.requests.good!.base64}`, pid);
    case "mtls":
      return sTime(v.port + 1, v.tlsFiles, pid);
    case "csr":
      return hey(`http://127.0.0.1:${v.port}/api/v1/certificates`, {
        contentType: "application/json",
        bodyFile: v.csrBody,
        headers: [`Authorization: Bearer ${TOKEN}`],
        okStatus: 201,
        pid,
      });
    case "balance":
      return balance(v.port);
    default:
      throw new Error(`unknown load ${what}: expected ocsp, ocsp-ka, revoked, get, mtls, csr or balance`);
  }
}

const prepared: Awaited<ReturnType<typeof prepare>>[] = [];
try {
  ensureBuild();
  for (const variant of VARIANTS) prepared.push(await prepare(variant));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const what of LOADS) {
      for (const v of prepared) {
        const before = split(v.server.pid!);
        const figure = await load(v, what);
        const after = split(v.server.pid!);
        const used = after.map((a, i) => a - (before[i] ?? 0));
        const total = used.reduce((a, b) => a + b, 0);
        const shares = used.map((u) => `${Math.round((100 * u) / (total || 1))}%`).join("/");
        console.log(
          `round ${round} ${what.padEnd(8)} ${v.name.padEnd(6)} ${figure.perSecond.toFixed(0).padStart(6)}/s ` +
            `${figure.cpuMs?.toFixed(3) ?? "n/a"} CPU ms/req  (primary/workers ${shares}; load ${loadavg()[0]!.toFixed(1)})` +
            (figure.note ? `  ${figure.note}` : ""),
        );
      }
    }
  }
} catch (error) {
  console.error(`failed: ${error instanceof Error ? error.stack : error}`);
  for (const v of prepared) console.error(v.server.log().slice(-2000));
  process.exitCode = 1;
} finally {
  for (const v of prepared) {
    await stopChild(v.server, 30_000);
    rmSync(v.dataDir, { recursive: true, force: true });
  }
  killAllChildren();
  rmSync(work, { recursive: true, force: true });
  if (process.env.BENCH_PROFILE === "1") console.log(`CPU profiles: ${profileDir}`);
  else rmSync(profileDir, { recursive: true, force: true });
}
