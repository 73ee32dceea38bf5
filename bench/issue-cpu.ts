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
import { readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { issuanceBodies } from "./anchors";
import { BENCH_TOKEN, cadeskApi, hey, killAllChildren, scratchDir, startCadesk, stopChild, waitForPort } from "./tools";

const dataDir = scratchDir("cadesk-bench-cpu-");
const work = scratchDir("cadesk-bench-cpu-files-");
const PORT = Number(process.env.BENCH_PORT ?? 3700);
const BASE = `http://127.0.0.1:${PORT}`;
const PROFILE = process.env.BENCH_PROFILE === "1";
const LOADS = (process.env.BENCH_LOADS ?? "csr,rsa,gen").split(",");
const api = cadeskApi<{ id: string }>(BASE);

const profileDir = path.join(work, "profile");
const server = startCadesk({
  port: PORT,
  dataDir,
  profileDir: PROFILE ? profileDir : undefined,
  build: process.env.BENCH_NO_BUILD !== "1",
});
try {
  await waitForPort(PORT, "cadesk", server);
  const ca = await api("POST", "/cas", { commonName: "Bench CA", keyType: process.env.BENCH_CA_KEY ?? "ecdsa-p256" });
  const bodies = issuanceBodies(work, ca.id);
  for (const name of LOADS) {
    const body = bodies[name];
    for (let i = 0; i < 50; i++) await api("POST", "/certificates", body);
    const file = path.join(work, `${name}.json`);
    writeFileSync(file, JSON.stringify(body));
    const load = await hey(`${BASE}/api/v1/certificates`, {
      bodyFile: file,
      contentType: "application/json",
      headers: [`Authorization: Bearer ${BENCH_TOKEN}`],
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
