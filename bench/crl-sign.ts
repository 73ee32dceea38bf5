/**
 * In-process CRL signing at BENCH_CRL revoked (default 100,000): a CA made through the service,
 * revoked rows seeded straight into SQLite, then publishCrl timed BENCH_RUNS times (default 3)
 * and the served file read as the /crl route does. No HTTP: this is the signing path alone.
 * BENCH_PROFILE=1 profiles the signing runs (not the seeding) and prints where the time goes.
 * `npx tsx bench/crl-sign.ts`; asserts nothing.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { Session } from "node:inspector/promises";
import Database from "better-sqlite3";
import { summariseProfile } from "./profile";

const dataDir = mkdtempSync(path.join(tmpdir(), "cadesk-crl-bench-"));
process.env.CADESK_DATA_DIR = dataDir;
const COUNT = Number(process.env.BENCH_CRL ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

const { migrate } = await import("../scripts/lib.mjs");
migrate({ ...process.env, CADESK_DATA_DIR: dataDir });
const { runAs, SYSTEM_ACTOR } = await import("../lib/auth/actor");
const { createAuthority } = await import("../lib/services/create-authority");
const { issueCertificate } = await import("../lib/services/issue-certificate");
const { publishCrl, currentCrlFile } = await import("../lib/services/crl");

try {
  await runAs(SYSTEM_ACTOR, async () => {
    const ca = await createAuthority({ commonName: "CRL Bench CA", keyType: "ecdsa-p256" });
    await issueCertificate({ caId: ca.authority.id, commonName: "template.crl.bench" });
    const db = new Database(path.join(dataDir, "cadesk.db"));
    const template = db.prepare("SELECT * FROM Certificate WHERE authorityId = ? LIMIT 1").get(ca.authority.id) as Record<string, unknown>;
    const columns = Object.keys(template);
    const insert = db.prepare(
      `INSERT INTO Certificate (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${columns.map((c) => `@${c}`).join(", ")})`,
    );
    const date = (ms: number) => (typeof template.notAfter === "number" ? ms : new Date(ms).toISOString());
    const now = Date.now();
    db.transaction(() => {
      for (let i = 0; i < COUNT; i++)
        insert.run({
          ...template,
          id: randomUUID(),
          serialHex: (0x40000000 + i).toString(16) + randomUUID().replace(/-/g, "").slice(0, 24),
          status: "revoked",
          revokedAt: date(now - (COUNT - i) * 1000),
          revocationReason: i % 3 ? "superseded" : "keyCompromise",
          encryptedKey: null,
          renewedFromId: null,
        });
    })();
    db.close();
    const session = process.env.BENCH_PROFILE === "1" ? new Session() : null;
    if (session) {
      session.connect();
      await session.post("Profiler.enable");
      await session.post("Profiler.start");
    }
    const started = performance.now();
    for (let run = 0; run < RUNS; run++) {
      const t = performance.now();
      const pem = await publishCrl(ca.authority.id);
      const signMs = performance.now() - t;
      const s = performance.now();
      const file = await currentCrlFile(ca.authority.id);
      console.log(
        `publishCrl, ${COUNT.toLocaleString("en-US")} revoked: ${signMs.toFixed(0)} ms (PEM ${(pem.length / 1e6).toFixed(1)} MB); currentCrlFile ${(performance.now() - s).toFixed(1)} ms (${file.der.length} bytes)`,
      );
    }
    if (session) {
      const { profile } = await session.post("Profiler.stop");
      console.log(summariseProfile(profile as never, Math.ceil((performance.now() - started) / 1000)));
    }
  });
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
