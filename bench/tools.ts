/**
 * Helpers for `npm run bench`: child processes that are always killed, cadesk's own server on a
 * scratch store, the load generators (Debian's `hey` and `openssl s_time`) with their output
 * parsed, and the figure table.
 */
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { ensureBuild, migrate, serverOpensslEnv } from "../scripts/lib.mjs";

/** Seconds each load runs (every load is time-boxed, so a run takes minutes, not hours). */
export const LOAD_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

const children = new Set<ChildProcess>();

/** Starts a long-running child (a server); it is killed when the bench exits, however it exits. */
export function startChild(command: string, args: string[], options: SpawnOptions = {}): ChildProcess & { log: () => string } {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], ...options });
  let log = "";
  child.stdout?.on("data", (chunk) => (log = (log + chunk).slice(-20_000)));
  child.stderr?.on("data", (chunk) => (log = (log + chunk).slice(-20_000)));
  children.add(child);
  child.on("exit", () => children.delete(child));
  return Object.assign(child, { log: () => log });
}

/** Stops a child and waits for it (SIGTERM, then SIGKILL after `graceMs`). */
export async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

export function killAllChildren(): void {
  for (const child of children) child.kill("SIGKILL");
}
process.on("exit", killAllChildren);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    killAllChildren();
    process.exit(130);
  });
}

/** The API token of every bench's cadesk (a scratch store's: not a secret). */
export const BENCH_TOKEN = "bench-token-0123456789abcdef";

/** A new empty directory under the OS's temp dir (a bench's data dir or its files). */
export const scratchDir = (prefix: string) => mkdtempSync(path.join(tmpdir(), prefix));

/**
 * cadesk as the benches measure it: the production server (`node scripts/serve.mjs`, built first
 * unless `build` is false, with npm start's OpenSSL settings) on `dataDir`, migrated as `npm start` does, with BENCH_TOKEN as its API
 * token and its echo server on the next port; under `node --cpu-prof` when `profileDir` is given.
 * The rest of this environment is passed on (CADESK_WORKERS...). Wait for it with waitForPort.
 */
export function startCadesk(options: { port: number; dataDir: string; profileDir?: string; build?: boolean }) {
  if (options.build !== false) ensureBuild();
  migrate({ ...process.env, CADESK_DATA_DIR: options.dataDir });
  const profile = options.profileDir ? ["--cpu-prof", `--cpu-prof-dir=${options.profileDir}`] : [];
  return startChild(process.execPath, [...profile, "scripts/serve.mjs", "--port", String(options.port)], {
    env: {
      ...serverOpensslEnv(),
      ...process.env,
      CADESK_DATA_DIR: options.dataDir,
      CADESK_API_TOKEN: BENCH_TOKEN,
      CADESK_ECHO_PORT: String(options.port + 1),
      NEXT_TELEMETRY_DISABLED: "1",
    },
  });
}

/** cadesk's JSON API at `base` with BENCH_TOKEN: the parsed answer, or an error naming the status. */
export function cadeskApi<T = Record<string, unknown>>(base: string) {
  return async (method: string, route: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${base}/api/v1${route}`, {
      method,
      headers: { Authorization: `Bearer ${BENCH_TOKEN}`, "Content-Type": "application/json" },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<T>;
  };
}

/** Runs a short command to completion; throws with its stderr when it fails. */
export function run(
  command: string,
  args: string[],
  options: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {},
): string {
  const result = spawnSync(command, args, { encoding: "utf8", timeout: 120_000, ...options });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")}: ${result.error?.message ?? ""}${result.stderr}`);
  return result.stdout;
}

/** Runs a command that prints its figures at the end (a load generator), without blocking the event loop. */
export function runAsync(command: string, args: string[], timeoutMs = (LOAD_SECONDS + 30) * 1000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    children.add(child);
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.stderr.on("data", (chunk) => (out += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      children.delete(child);
      if (code === 0) resolve(out);
      else reject(new Error(`${command} ${args.join(" ")} exited ${code}: ${out.slice(-2000)}`));
    });
  });
}

/** Waits until something accepts TCP connections on the port. */
export async function waitForPort(port: number, what: string, child?: ChildProcess & { log: () => string }, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`${what} exited (${child.exitCode}): ${child.log().slice(-2000)}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => {
        socket.destroy();
        resolve(true);
      });
      socket.on("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not listen on port ${port} within ${timeoutMs / 1000} s${child ? `: ${child.log().slice(-2000)}` : ""}`);
}

export type Load = { perSecond: number; p50Ms?: number; p99Ms?: number; note?: string; cpuMs?: number };

/**
 * CPU time (user + system) a process has used, in ms, from /proc/PID/stat. Divided by the
 * requests it answered, this is a cost per request that does not depend on how loaded the shared
 * machine is, unlike requests per second (a single-threaded Node process gets a far smaller share
 * of a crowded machine than a multi-threaded Go server). Includes the process's children, live
 * (CADESK_WORKERS: the cluster's workers) and reaped (cutime/cstime), so a cluster's cost is all of it.
 */
export function cpuMsOf(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const fields = statFields(pid);
    const own = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]); // utime stime cutime cstime
    const children = childPids(pid).reduce((sum, child) => sum + (cpuMsOf(child) ?? 0), 0);
    return (own * 1000) / 100 + children; // clock ticks (USER_HZ 100)
  } catch {
    return undefined;
  }
}

/** /proc/PID/stat after the command name: fields[0] is the state, fields[1] the parent pid. */
function statFields(pid: number): string[] {
  return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
}

/** The live children of a process (Linux /proc). */
export function childPids(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (Number(statFields(Number(entry))[1]) === pid) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

const perRequest = (before: number | undefined, after: number | undefined, requests: number) =>
  before !== undefined && after !== undefined && requests > 0 ? (after - before) / requests : undefined;

/**
 * One `hey` run (LOAD_SECONDS unless `seconds`): requests/s and the p50/p99 latency. Responses other than
 * `okStatus` are counted in the note, so a figure made of errors cannot pass for a real one.
 */
export async function hey(
  url: string,
  options: {
    bodyFile: string;
    contentType: string;
    connections?: number;
    keepAlive?: boolean;
    headers?: string[];
    okStatus?: number;
    /** The server's process, for its CPU time per request. */
    pid?: number;
    /** Length of the load (default LOAD_SECONDS). */
    seconds?: number;
  },
): Promise<Load> {
  const args = [
    "-z",
    `${options.seconds ?? LOAD_SECONDS}s`,
    "-c",
    String(options.connections ?? 16),
    "-m",
    "POST",
    "-T",
    options.contentType,
    "-D",
    options.bodyFile,
  ];
  for (const header of options.headers ?? []) args.push("-H", header);
  if (options.keepAlive === false) args.push("-disable-keepalive");
  const cpuBefore = cpuMsOf(options.pid);
  const out = await runAsync("hey", [...args, url]);
  const cpuAfter = cpuMsOf(options.pid);
  const perSecond = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const latency = (p: number) => {
    const m = new RegExp(`\\s${p}%+ in ([\\d.]+) secs`).exec(out);
    return m ? Number(m[1]) * 1000 : undefined;
  };
  const statuses = [...out.matchAll(/\[(\d{3})\]\s+(\d+) responses/g)].map((m) => ({ status: Number(m[1]), count: Number(m[2]) }));
  const bad = statuses.filter((s) => s.status !== (options.okStatus ?? 200));
  const errors = /Error distribution:([\s\S]*)/.exec(out)?.[1]?.trim();
  const note = [
    ...bad.map((s) => `${s.count} x HTTP ${s.status}`),
    ...(errors ? [`errors: ${errors.split("\n").slice(0, 2).join("; ").slice(0, 200)}`] : []),
  ].join(", ");
  // Success rate: only the expected status counts towards the figure.
  const total = statuses.reduce((n, s) => n + s.count, 0);
  const ok = statuses.find((s) => s.status === (options.okStatus ?? 200))?.count ?? 0;
  return {
    perSecond: total ? (perSecond * ok) / total : 0,
    p50Ms: latency(50),
    p99Ms: latency(99),
    note: note || undefined,
    cpuMs: perRequest(cpuBefore, cpuAfter, total),
  };
}

/** `openssl s_time -new`: full mTLS handshakes per second (one connection at a time). */
export async function sTime(port: number, files: { cert: string; key: string; caFile: string }, pid?: number): Promise<Load> {
  const cpuBefore = cpuMsOf(pid);
  const out = await runAsync("openssl", [
    "s_time",
    "-new",
    "-connect",
    `127.0.0.1:${port}`,
    "-cert",
    files.cert,
    "-key",
    files.key,
    "-CAfile",
    files.caFile,
    "-time",
    String(LOAD_SECONDS),
  ]);
  const m = /(\d+) connections in ([\d.]+) real seconds/.exec(out);
  if (!m) throw new Error(`openssl s_time printed no figure: ${out.slice(-1000)}`);
  return { perSecond: Number(m[1]) / Number(m[2]), cpuMs: perRequest(cpuBefore, cpuMsOf(pid), Number(m[1])) };
}

/** The resident set size of a process and its children (a cluster's workers), from /proc (Linux). */
export function rssMiB(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN);
  return kb / 1024 + childPids(pid).reduce((sum, child) => sum + rssMiB(child), 0);
}

export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

export type Row = { what: string; figure: string; anchor: string; ratio: string; note?: string };
export const rows: Row[] = [];

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString("en-US", { maximumFractionDigits: digits }) : "n/a");
export const ms = (n: number | undefined) => (n === undefined ? "n/a" : `${fmt(n, n < 10 ? 1 : 0)} ms`);
export const perS = (load: Load) =>
  `${fmt(load.perSecond)}/s${load.p50Ms !== undefined ? ` (p50 ${ms(load.p50Ms)}, p99 ${ms(load.p99Ms)})` : ""}` +
  (load.cpuMs !== undefined ? `, ${fmt(load.cpuMs, 2)} CPU ms/req` : "");

/** Records and prints one figure beside its anchor: `figure | anchor | ratio`. */
export function report(what: string, figure: Load | string, anchor?: Load | string, ratio?: number, note?: string) {
  const row: Row = {
    what,
    figure: typeof figure === "string" ? figure : perS(figure),
    anchor: anchor === undefined ? "-" : typeof anchor === "string" ? anchor : perS(anchor),
    ratio: ratio === undefined ? "-" : `${ratio.toFixed(ratio < 0.1 ? 3 : 2)}x`,
    note: [
      typeof figure === "object" ? figure.note : undefined,
      typeof anchor === "object" ? anchor.note : undefined,
      // The same comparison by CPU cost per request, which the machine's load does not skew.
      typeof figure === "object" && typeof anchor === "object" && figure.cpuMs && anchor.cpuMs
        ? `CPU per request: ${(anchor.cpuMs / figure.cpuMs).toFixed(2)}x`
        : undefined,
      note,
    ]
      .filter(Boolean)
      .join("; "),
  };
  rows.push(row);
  console.log(`${what}: ${row.figure} | ${row.anchor} | ${row.ratio}${row.note ? `  (${row.note})` : ""}`);
}

export const ratioOf = (figure: Load, anchor: Load) => (anchor.perSecond > 0 ? figure.perSecond / anchor.perSecond : NaN);

export function markdownTable(): string {
  const lines = ["| what | cadesk | anchor | ratio | note |", "| --- | --- | --- | --- | --- |"];
  for (const r of rows) lines.push(`| ${r.what} | ${r.figure} | ${r.anchor} | ${r.ratio} | ${r.note ?? ""} |`);
  return lines.join("\n");
}

/**
 * GET `path` on a connection of its own, so a node:cluster primary hands it to its next worker;
 * resolves with the worker that answered (X-Cadesk-Worker, "" without a cluster).
 */
export function answeredBy(port: number, path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<string>((resolve, reject) => {
    const body = init.body === undefined ? undefined : Buffer.from(init.body);
    const req = httpRequest(
      {
        host: "127.0.0.1",
        port,
        path,
        method: init.method ?? "GET",
        agent: false,
        headers: { ...init.headers, ...(body ? { "Content-Length": String(body.length) } : {}) },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(String(res.headers["x-cadesk-worker"] ?? "")));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * With CADESK_WORKERS = n > 1 the port answers as soon as the first worker listens: waits until
 * `n` workers have answered, so no worker's start-up (Next, module loading) falls into a load.
 */
export async function waitForWorkers(port: number, n: number, timeoutMs = 180_000): Promise<void> {
  const seen = new Set<string>();
  const deadline = Date.now() + timeoutMs;
  while (seen.size < n) {
    if (Date.now() > deadline) throw new Error(`only ${seen.size} of ${n} workers answered on port ${port}`);
    seen.add(await answeredBy(port, "/healthz").catch(() => ""));
    seen.delete("");
    if (seen.size < n) await new Promise((r) => setTimeout(r, 200));
  }
}
