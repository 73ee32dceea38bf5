/**
 * Microseconds of CPU per step of one OCSP answer (issue #13), each step called alone in a loop
 * with what a real `POST /ocsp/{caId}` gives it (an `openssl ocsp -reqout` request without a
 * nonce, SHA-1 CertID, a P-256 CA), good and revoked serials, and the whole route handler for POST
 * and GET last, so the steps can be checked against the whole:
 *   npx tsx bench/ocsp-steps.ts            (BENCH_STEPS_N loops per step, default 5000)
 * Process CPU (user+system), not wall time. What this does not hold is per connection (Node's
 * HTTP server, the lean dispatch's Request, the log line): bench/issue.ts measures those.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { BENCH_TOKEN as TOKEN, scratchDir } from "./tools";
import { cpuSteps } from "./cpu-steps";

const dataDir = scratchDir("cadesk-ocsp-steps-");
const work = scratchDir("cadesk-ocsp-steps-files-");
process.env.CADESK_DATA_DIR = dataDir;
process.env.CADESK_API_TOKEN = TOKEN;
const N = Number(process.env.BENCH_STEPS_N ?? 5000);

const { migrate } = await import("../scripts/lib.mjs");
migrate({ ...process.env, CADESK_DATA_DIR: dataDir });
await import("../lib/pki/crypto-provider");
const route = await import("../app/ocsp/[caId]/[[...request]]/route");
const { runAs, SYSTEM_ACTOR, publicActor } = await import("../lib/auth/actor");
const { createAuthority } = await import("../lib/services/create-authority");
const { issueCertificate } = await import("../lib/services/issue-certificate");
const { revokeCertificate } = await import("../lib/services/revoke-certificate");
const { answerOcsp } = await import("../lib/services/ocsp");
const { parseOcspRequest } = await import("../lib/pki/ocsp");
const { readOcspStatus } = await import("../lib/stores/revocation");
const { bytesResponse } = await import("../lib/api/respond");
const pkiRoute = await import("../lib/api/pki-route");
const { metrics } = await import("../lib/ops/metrics");

const { rows, step } = cpuSteps(N, 500);

await runAs(SYSTEM_ACTOR, async () => {
  const ca = await createAuthority({ commonName: "Bench OCSP CA", keyType: "ecdsa-p256" });
  const caId = ca.authority.id;
  const caPem = path.join(work, "ca.pem");
  writeFileSync(caPem, ca.authority.certificatePem);
  const requestFor = async (name: string, revoke: boolean) => {
    const { certificate } = await issueCertificate({ caId, commonName: `${name}.bench.example` });
    if (revoke) await revokeCertificate(certificate.id, { reason: "keyCompromise" });
    const leaf = path.join(work, `${name}.pem`);
    writeFileSync(leaf, certificate.certificatePem);
    const out = path.join(work, `${name}.der`);
    execFileSync("openssl", ["ocsp", "-issuer", caPem, "-cert", leaf, "-no_nonce", "-reqout", out], { stdio: "ignore" });
    return { der: new Uint8Array(readFileSync(out)), serialHex: certificate.serialHex as string };
  };
  const good = await requestFor("good", false);
  const revoked = await requestFor("revoked", true);
  const url = `http://127.0.0.1/ocsp/${caId}`;
  const post = (der: Uint8Array) =>
    route.POST(
      new Request(url, {
        method: "POST",
        headers: { "content-type": "application/ocsp-request", "content-length": String(der.length) },
        body: der as Uint8Array<ArrayBuffer>,
      }),
      { params: Promise.resolve({ caId }) },
    );
  const getPath = (der: Uint8Array) => encodeURIComponent(Buffer.from(der).toString("base64"));
  const get = (der: Uint8Array) => {
    const encoded = getPath(der);
    return route.GET(new Request(`${url}/${encoded}`), { params: Promise.resolve({ caId, request: [encoded] }) });
  };

  for (const [label, r] of [
    ["good", good],
    ["revoked", revoked],
  ] as const) {
    await step(`${label}: parseOcspRequest`, () => parseOcspRequest(r.der));
    await step(`${label}: readOcspStatus (the store)`, () => readOcspStatus(caId, [r.serialHex]));
    await step(`${label}: answerOcsp (whole service, reused answer)`, () => runAs(publicActor("127.0.0.1"), () => answerOcsp(caId, r.der)));
  }
  await step("metrics ocspRequests.inc", () => metrics().ocspRequests.inc({ status: "good" }));
  await step("bytesResponse (Response with two headers)", () =>
    bytesResponse(good.der, { headers: { "Content-Type": "application/ocsp-response", "Cache-Control": "max-age=300, public" } }),
  );
  await step("new Request (POST with a body)", () => new Request(url, { method: "POST", body: good.der as Uint8Array<ArrayBuffer> }));
  await step("AsyncLocalStorage runAs", () => runAs(publicActor("127.0.0.1"), async () => 1));
  await step("route POST good (new Request + handler)", () => post(good.der));
  await step("route POST revoked (new Request + handler)", () => post(revoked.der));
  await step("route GET good (new Request + handler)", () => get(good.der));
  await step("route GET revoked (new Request + handler)", () => get(revoked.der));
  // What the lean dispatch calls (scripts/lean-routes.mjs answerLean): no Request, Headers or Response.
  const lean = (der: Uint8Array) =>
    route.POST[pkiRoute.LEAN_ANSWER](
      {
        method: "POST",
        url,
        header: (name) => (name === "content-length" ? String(der.length) : null),
        body: async () => der,
      },
      { caId },
    );
  await step("route POST good, lean form (what the dispatch calls)", () => lean(good.der));
  await step("route POST revoked, lean form", () => lean(revoked.der));
});

const width = Math.max(...rows.map(([n]) => n.length));
for (const [name, us] of rows) console.log(`${name.padEnd(width)}  ${us.toFixed(1).padStart(7)} us`);
