/**
 * `npm run bench`: figures for issue #2's speed goals, against the production build.
 *  1. Certificates issued per second through POST /api/v1/certificates, signing P-256 CSRs with
 *     an ECDSA P-256 CA, from concurrent clients.
 *  2. The inventory page's server time (time to the full HTML) with 100,000 stored certificates:
 *     first page, a search, and a status filter sorted by expiry.
 * Prints figures; asserts nothing.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { searchText } from "../lib/data/search-text";

const dataDir = mkdtempSync(path.join(tmpdir(), "cadesk-bench-"));
process.env.CADESK_DATA_DIR = dataDir;
const TOKEN = "bench-token";
const PORT = Number(process.env.BENCH_PORT ?? 3199);
const BASE = `http://localhost:${PORT}`;
const CSR_COUNT = Number(process.env.BENCH_CSRS ?? 600);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const INVENTORY_SIZE = Number(process.env.BENCH_INVENTORY ?? 100_000);

const { ensureBuild, migrate } = await import("../scripts/lib.mjs");
const { x509 } = await import("../lib/pki/crypto-provider");
const { getDb } = await import("../lib/db");

async function api(method: string, route: string, body?: unknown) {
  const res = await fetch(`${BASE}/api/v1${route}`, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function makeCsrs(count: number): Promise<string[]> {
  const alg = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
  const keys = (await crypto.subtle.generateKey(alg, false, ["sign", "verify"])) as CryptoKeyPair;
  const csrs: string[] = [];
  for (let i = 0; i < count; i++) {
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({
      name: `CN=bench-${i}.example.com`,
      keys,
      signingAlgorithm: alg,
      extensions: [new x509.SubjectAlternativeNameExtension([{ type: "dns", value: `bench-${i}.example.com` }])],
    });
    csrs.push(csr.toString("pem"));
  }
  return csrs;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** A signed-in admin's session cookie, made directly in the store: pages need one. */
async function adminCookie(): Promise<string> {
  const { hashPassword } = await import("../lib/auth/password");
  const { createSession } = await import("../lib/auth/sessions");
  const user = await getDb().user.create({
    data: { id: randomUUID(), email: "bench@example.test", role: "admin", passwordHash: await hashPassword("bench passphrase 2026") },
  });
  return `cadesk_session=${(await createSession(user.id, { ip: null, userAgent: "bench" })).token}`;
}

async function timePage(url: string, cookie: string, runs = 7): Promise<{ median: number; min: number }> {
  const get = () => fetch(`${BASE}${url}`, { headers: { cookie }, redirect: "manual" });
  // The first request after the long seeding may land on a keep-alive socket the server closed.
  await get()
    .then((r) => r.text())
    .catch(() => undefined);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const res = await get();
    await res.text();
    // A redirect would be the sign-in page: time the inventory itself or nothing.
    if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
    times.push(performance.now() - t);
  }
  return { median: median(times), min: Math.min(...times) };
}

ensureBuild();
migrate({ ...process.env, CADESK_DATA_DIR: dataDir });
const server = spawn(process.execPath, ["scripts/serve.mjs", "--port", String(PORT)], {
  env: { ...process.env, CADESK_DATA_DIR: dataDir, CADESK_API_TOKEN: TOKEN, NEXT_TELEMETRY_DISABLED: "1" },
  stdio: ["ignore", "ignore", "pipe"],
});
let serverErrors = "";
server.stderr!.on("data", (chunk) => (serverErrors += chunk));
try {
  for (let i = 0; ; i++) {
    try {
      await fetch(`${BASE}/api/v1/openapi.json`);
      break;
    } catch {
      if (i > 100) throw new Error("server did not start");
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  const ca = await api("POST", "/cas", { commonName: "Bench CA", keyType: "ecdsa-p256" });
  const csrs = await makeCsrs(CSR_COUNT);
  // Warm up the route (first requests compile and load modules).
  for (const csrPem of csrs.splice(0, 20)) await api("POST", "/certificates", { caId: ca.id, csrPem });

  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < csrs.length) {
        const csrPem = csrs[next++]!;
        await api("POST", "/certificates", { caId: ca.id, csrPem, profile: "server" });
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `CSR signing via API (P-256 CA, P-256 CSRs, ${CONCURRENCY} clients): ${(csrs.length / seconds).toFixed(0)} certificates/s (${csrs.length} in ${seconds.toFixed(2)} s)`,
  );

  // Seed the inventory: copies of one real certificate under distinct serials and names.
  const db = getDb();
  const template = await db.certificate.findFirstOrThrow({ where: { authorityId: ca.id } });
  const existing = await db.certificate.count();
  const seedStart = performance.now();
  const now = Date.now();
  for (let offset = existing; offset < INVENTORY_SIZE; offset += 2000) {
    const rows = [];
    for (let i = offset; i < Math.min(offset + 2000, INVENTORY_SIZE); i++) {
      const name = `svc-${i}.team-${i % 97}.example.com`;
      const serialHex = i.toString(16).padStart(32, "0").replace(/^0/, "1");
      rows.push({
        ...template,
        id: randomUUID(),
        serialHex,
        commonName: name,
        sans: JSON.stringify([{ type: "dns", value: name }]),
        searchText: searchText(`${name} ${name} ${serialHex}`),
        notAfter: new Date(now + ((i % 400) - 20) * 86_400_000),
        createdAt: new Date(now - i * 1000),
      });
    }
    await db.certificate.createMany({ data: rows });
  }
  const total = await db.certificate.count();
  console.log(`Seeded inventory to ${total} certificates in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

  const cookie = await adminCookie();
  for (const [label, url] of [
    ["first page (newest)", "/certificates"],
    ["search 'team-42'", "/certificates?q=team-42"],
    ["search by serial fragment", "/certificates?q=00000000000000000000000001f4"],
    ["expiring, sorted by expiry", "/certificates?status=expiring&sort=expiry"],
    ["page 2000", "/certificates?page=2000"],
  ] as const) {
    const t = await timePage(url, cookie);
    console.log(`Inventory ${label} with ${total} certificates: median ${t.median.toFixed(0)} ms server time (min ${t.min.toFixed(0)} ms)`);
  }
} catch (error) {
  console.error(`Benchmark failed: ${error instanceof Error ? error.message : error}\nServer log:\n${serverErrors}`);
  process.exitCode = 1;
} finally {
  server.kill();
  rmSync(dataDir, { recursive: true, force: true });
}
