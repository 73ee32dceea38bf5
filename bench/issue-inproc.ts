/**
 * CPU per issuance inside one process, without HTTP (issue #13): calls the compiled-from-source
 * `POST /api/v1/certificates` handler (app/api/v1/certificates/route.ts) with Request objects, 16
 * at a time, and prints process CPU (user+system) per request. Function names survive here (no
 * bundler), so `node --cpu-prof` on it shows the pipeline by name:
 *   npx tsx --cpu-prof --cpu-prof-dir=/tmp/prof bench/issue-inproc.ts
 * BENCH_REQUESTS (default 2000) per load; BENCH_LOADS=csr,rsa,gen; BENCH_CA_KEY (ecdsa-p256).
 */
import { issuanceBodies } from "./anchors";
import { BENCH_TOKEN, scratchDir } from "./tools";

const dataDir = scratchDir("cadesk-inproc-");
const work = scratchDir("cadesk-inproc-files-");
process.env.CADESK_DATA_DIR = dataDir;
process.env.CADESK_API_TOKEN = BENCH_TOKEN;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const LOADS = (process.env.BENCH_LOADS ?? "csr,rsa,gen").split(",");

const { migrate } = await import("../scripts/lib.mjs");
migrate({ ...process.env, CADESK_DATA_DIR: dataDir });
await import("../lib/pki/crypto-provider");
const { POST } = await import("../app/api/v1/certificates/route");
const cas = await import("../app/api/v1/cas/route");

const headers = { Authorization: `Bearer ${BENCH_TOKEN}`, "Content-Type": "application/json" };
const call = (handler: typeof POST, url: string, body: unknown) =>
  handler(new Request(`http://127.0.0.1${url}`, { method: "POST", headers, body: JSON.stringify(body) }), {
    params: Promise.resolve({}),
  } as never);

const caRes = await call(cas.POST as typeof POST, "/api/v1/cas", {
  commonName: "Bench CA",
  keyType: process.env.BENCH_CA_KEY ?? "ecdsa-p256",
});
const ca = (await caRes.json()) as { id: string };
const bodies = issuanceBodies(work, ca.id);

for (const name of LOADS) {
  const body = bodies[name];
  const one = async () => {
    const res = await call(POST, "/api/v1/certificates", body);
    if (res.status !== 201) throw new Error(`${name}: ${res.status} ${await res.text()}`);
    await res.text();
  };
  for (let i = 0; i < 100; i++) await one();
  const cpu = process.cpuUsage();
  const t = performance.now();
  let left = REQUESTS;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (left-- > 0) await one();
    }),
  );
  const used = process.cpuUsage(cpu);
  const wall = performance.now() - t;
  console.log(
    `${name}: ${((used.user + used.system) / 1000 / REQUESTS).toFixed(3)} CPU ms/req, ${((REQUESTS * 1000) / wall).toFixed(0)}/s wall`,
  );
}
process.exit(0);
