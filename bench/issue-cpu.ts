/**
 * A focused look at the server's CPU per issuance (issue #13), for working on the pipeline:
 * `npx tsx bench/issue-cpu.ts` builds if needed, starts `scripts/serve.mjs` on a scratch data dir
 * and loads `POST /api/v1/certificates` with hey (16 connections, BENCH_SECONDS each) for a P-256
 * CSR, an RSA-2048 CSR and a generated P-256 key, printing requests/s and the server's CPU ms per
 * request (utime+stime from /proc over the load). BENCH_PROFILE=1 adds `node --cpu-prof` and writes
 * the profile's path; BENCH_LOADS=csr,rsa,gen picks loads; BENCH_NO_BUILD=1 uses .next as it is
 * (a build older than the sources, on purpose). No anchors (bench/issue.ts has them).
 * Ports: BENCH_PORT (default 3700).
 */
import { mkdtempSync, readdirSync } from "node:fs";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { makeCsr } from "./anchors";
import { hey, killAllChildren, startChild, stopChild, waitForPort } from "./tools";

const dataDir = mkdtempSync(path.join(tmpdir(), "cadesk-bench-cpu-"));
const work = mkdtempSync(path.join(tmpdir(), "cadesk-bench-cpu-files-"));
const TOKEN = "bench-token-0123456789abcdef";
const PORT = Number(process.env.BENCH_PORT ?? 3700);
const BASE = `http://127.0.0.1:${PORT}`;
const PROFILE = process.env.BENCH_PROFILE === "1";
const LOADS = (process.env.BENCH_LOADS ?? "csr,rsa,gen").split(",");

const { ensureBuild, migrate } = await import("../scripts/lib.mjs");

async function api(method: string, route: string, body?: unknown): Promise<Record<string, string>> {
  const res = await fetch(`${BASE}/api/v1${route}`, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<Record<string, string>>;
}

if (process.env.BENCH_NO_BUILD !== "1") ensureBuild();
migrate({ ...process.env, CADESK_DATA_DIR: dataDir });
const profileDir = path.join(work, "profile");
const server = startChild(
  process.execPath,
  [...(PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []), "scripts/serve.mjs", "--port", String(PORT)],
  {
    env: {
      ...process.env,
      CADESK_DATA_DIR: dataDir,
      CADESK_API_TOKEN: TOKEN,
      CADESK_ECHO_PORT: String(PORT + 1),
      NEXT_TELEMETRY_DISABLED: "1",
    },
  },
);
try {
  await waitForPort(PORT, "cadesk", server);
  const ca = await api("POST", "/cas", { commonName: "Bench CA", keyType: process.env.BENCH_CA_KEY ?? "ecdsa-p256" });
  const bodies: Record<string, unknown> = {
    csr: { caId: ca.id, csrPem: makeCsr(work, "p256", ["ec", "-pkeyopt", "ec_paramgen_curve:P-256"]) },
    rsa: { caId: ca.id, csrPem: makeCsr(work, "rsa2048", ["rsa:2048"]) },
    gen: { caId: ca.id, commonName: "gen.bench.example", sans: { dns: ["gen.bench.example"] }, keyType: "ecdsa-p256" },
  };
  for (const name of LOADS) {
    const body = bodies[name];
    for (let i = 0; i < 50; i++) await api("POST", "/certificates", body);
    const file = path.join(work, `${name}.json`);
    writeFileSync(file, JSON.stringify(body));
    const load = await hey(`${BASE}/api/v1/certificates`, {
      bodyFile: file,
      contentType: "application/json",
      headers: [`Authorization: Bearer ${TOKEN}`],
      okStatus: 201,
      pid: server.pid,
    });
    console.log(
      `${name}: ${load.perSecond.toFixed(0)}/s, ${load.cpuMs?.toFixed(2)} CPU ms/req (p50 ${load.p50Ms} ms, p99 ${load.p99Ms} ms)${load.note ? ` ${load.note}` : ""}`,
    );
  }
} finally {
  await stopChild(server);
  killAllChildren();
}
if (PROFILE) console.log(`profile: ${path.join(profileDir, readdirSync(profileDir)[0]!)}`);
