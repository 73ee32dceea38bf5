/**
 * `npm run bench` (after bench/issue.ts), or `npm run bench:hsm` alone: issuance from a CA whose
 * key is in a PKCS#11 token beside the same from a sealed-key CA, in one process on a scratch data
 * dir and a scratch SoftHSM2 token. Measures the signing path through the services (CSR signing
 * with the issuance pipeline and the store: what an ACME finalize or POST /api/v1/certificates
 * with a CSR costs minus HTTP), a CRL signature, and the bare signature rate of each signer.
 *
 * SoftHSM2 is a software token: its signatures cost about what Node's own do. A hardware HSM is
 * slower, often by an order of magnitude or more (a network HSM adds a round trip per signature),
 * so treat the pkcs11 figures as the ceiling of what the code around the token allows.
 * Prints figures; asserts nothing (not part of `npm test`). BENCH_HSM_SECONDS (default 5) per figure.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { makeCsr } from "./anchors";
import { scratchDir } from "./tools";

const SECONDS = Number(process.env.BENCH_HSM_SECONDS ?? 5);
const MODULE = "/usr/lib/softhsm/libsofthsm2.so";
const dataDir = scratchDir("cadesk-bench-hsm-");
const tokenDir = path.join(dataDir, "tokens");
mkdirSync(tokenDir);
const conf = path.join(dataDir, "softhsm2.conf");
writeFileSync(conf, `directories.tokendir = ${tokenDir}\nobjectstore.backend = file\nlog.level = ERROR\n`);
Object.assign(process.env, {
  CADESK_DATA_DIR: dataDir,
  SOFTHSM2_CONF: conf,
  CADESK_PKCS11_MODULE: MODULE,
  CADESK_PKCS11_TOKEN: "bench",
  CADESK_PKCS11_PIN: "123456",
  CADESK_LOG_LEVEL: "silent",
});
delete process.env.DATABASE_URL;
execFileSync("softhsm2-util", ["--init-token", "--free", "--label", "bench", "--pin", "123456", "--so-pin", "654321"], { stdio: "pipe" });

const { migrate } = await import("../scripts/lib.mjs");
await migrate();
await import("../lib/pki/crypto-provider");
const { runAs, SYSTEM_ACTOR } = await import("../lib/auth/actor");
const { createAuthority } = await import("../lib/services/create-authority");
const { issueCertificate } = await import("../lib/services/issue-certificate");
const { publishCrl } = await import("../lib/services/crl");
const { loadIssuer } = await import("../lib/services/issuer");

/**
 * Calls per second of `one` with `parallel` in flight, the better of two SECONDS-long rounds after
 * a warm-up (the figures are compared side by side, so both get the same treatment on a busy machine).
 */
async function rate(parallel: number, one: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 3; i++) await one();
  return Math.max(await round(parallel, one), await round(parallel, one));
}

async function round(parallel: number, one: () => Promise<unknown>): Promise<number> {
  let done = 0;
  const end = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (performance.now() < end) {
        await one();
        done++;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

const rows: string[][] = [];
function row(what: string, sealed: number, pkcs11: number) {
  rows.push([what, `${sealed.toFixed(0)}/s`, `${pkcs11.toFixed(0)}/s`, `${(pkcs11 / sealed).toFixed(2)}x`]);
  console.log(`${what}: sealed ${sealed.toFixed(0)}/s | pkcs11 (SoftHSM2) ${pkcs11.toFixed(0)}/s | ${(pkcs11 / sealed).toFixed(2)}x`);
}

await runAs(SYSTEM_ACTOR, async () => {
  const cas: Record<string, { issuing: string }> = {};
  for (const storage of ["sealed", "pkcs11"] as const) {
    const root = await createAuthority({ commonName: `Bench ${storage} Root`, keyStorage: storage });
    const issuing = await createAuthority({ commonName: `Bench ${storage} Issuing`, keyStorage: storage, parentId: root.authority.id });
    cas[storage] = { issuing: issuing.authority.id };
  }
  const csrPem = makeCsr(dataDir, "hsm", ["ec", "-pkeyopt", "ec_paramgen_curve:P-256"]);
  const now = new Date();
  for (const parallel of [1, 16]) {
    const figures: number[] = [];
    for (const storage of ["sealed", "pkcs11"] as const) {
      figures.push(await rate(parallel, () => issueCertificate({ caId: cas[storage]!.issuing, csrPem })));
    }
    row(`CSR signing, P-256 issuing CA, ${parallel} in flight`, figures[0]!, figures[1]!);
  }
  const crl: number[] = [];
  for (const storage of ["sealed", "pkcs11"] as const) crl.push(await rate(1, () => publishCrl(cas[storage]!.issuing)));
  row("CRL signing (one CA, a few entries)", crl[0]!, crl[1]!);
  const bare: number[] = [];
  for (const storage of ["sealed", "pkcs11"] as const) {
    const { signer } = await loadIssuer(cas[storage]!.issuing, now);
    const data = new Uint8Array(512);
    bare.push(await rate(16, () => signer.sign(data)));
  }
  row("bare ECDSA P-256 signatures (Signer.sign, 16 in flight)", bare[0]!, bare[1]!);
});

console.log(
  [
    "",
    "### CA key in a PKCS#11 token (SoftHSM2) beside a sealed key",
    "",
    "| what | sealed key | PKCS#11 (SoftHSM2) | ratio |",
    "| --- | --- | --- | --- |",
    ...rows.map((r) => `| ${r.join(" | ")} |`),
    "",
    "SoftHSM2 is a software token: a hardware HSM signs more slowly (often 10-100x, a network HSM adds a round trip per signature).",
  ].join("\n"),
);
process.exit(0);
