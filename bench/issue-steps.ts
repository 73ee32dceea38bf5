/**
 * Microseconds of CPU per step of one issuance (issue #13), each step called alone in a loop with
 * the inputs a real `POST /api/v1/certificates` gives it (an openssl P-256 CSR, a P-256 CA), so the
 * steps outside the commit and the HTTP layer can be compared before and after a change:
 *   npx tsx bench/issue-steps.ts            (BENCH_STEPS_N loops per step, default 3000)
 * The last rows are whole requests through the route handler (as bench/issue-inproc.ts, 16 at a
 * time), so the sum of the steps can be checked against the whole. Process CPU (user+system), not
 * wall time: other sessions' load changes how long a step waits, not what it costs.
 */
import { makeCsr } from "./anchors";
import { BENCH_TOKEN as TOKEN, scratchDir } from "./tools";
import { cpuSteps } from "./cpu-steps";

const dataDir = scratchDir("cadesk-steps-");
const work = scratchDir("cadesk-steps-files-");
process.env.CADESK_DATA_DIR = dataDir;
process.env.CADESK_API_TOKEN = TOKEN;
const N = Number(process.env.BENCH_STEPS_N ?? 3000);

const { migrate } = await import("../scripts/lib.mjs");
migrate({ ...process.env, CADESK_DATA_DIR: dataDir });
await import("../lib/pki/crypto-provider");
const { POST } = await import("../app/api/v1/certificates/route");
const cas = await import("../app/api/v1/cas/route");
const { runAs, SYSTEM_ACTOR } = await import("../lib/auth/actor");
const { apiActor } = await import("../lib/api/auth");
const { readJson } = await import("../lib/api/handler");
const { parseInput } = await import("../lib/validations/parse");
const { ZIssueCertificateInput } = await import("../lib/validations/certificate");
const { readPemOrDer } = await import("../lib/pki/pem");
const { readCommonCsr } = await import("../lib/pki/csr-der");
const csrModule = await import("../lib/pki/csr");
const { readVerifiedCsr } = await import("../lib/issuance/csr");
const { leafSans } = await import("../lib/issuance/names");
const { loadIssuerForIssuance, issuerUrls } = await import("../lib/services/issuer");
const { runPolicyChecks, ISSUANCE_POLICY_CHECKS } = await import("../lib/issuance/policy");
const { leafValidity } = await import("../lib/issuance/validity");
const { randomSerial } = await import("../lib/pki/serial");
const { signLeafFromTemplate } = await import("../lib/pki/leaf-template");
const { buildName, normaliseSans } = await import("../lib/pki/names");
const { generateKeyDer } = await import("../lib/pki/keys");
const { searchText } = await import("../lib/data/search-text");
const { auditEventData } = await import("../lib/services/audit");
const { presentIssuedCertificate } = await import("../lib/api/present");
const { json } = await import("../lib/api/respond");
const { createPublicKey, verify } = await import("node:crypto");

const headers = { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" };
const makeRequest = (url: string, body: unknown) =>
  new Request(`http://127.0.0.1${url}`, { method: "POST", headers, body: JSON.stringify(body) });
const call = (handler: typeof POST, url: string, body: unknown) =>
  handler(makeRequest(url, body), { params: Promise.resolve({}) } as never);

const caRes = await call(cas.POST as typeof POST, "/api/v1/cas", {
  commonName: "Bench CA",
  keyType: process.env.BENCH_CA_KEY ?? "ecdsa-p256",
});
const ca = (await caRes.json()) as { id: string };
const csrPem = makeCsr(work, "p256", ["ec", "-pkeyopt", "ec_paramgen_curve:P-256"]);
const csrBody = { caId: ca.id, csrPem };
const p384Der = readPemOrDer(makeCsr(work, "p384", ["ec", "-pkeyopt", "ec_paramgen_curve:P-384"]), ["CERTIFICATE REQUEST"], "CSR");
const genBody = { caId: ca.id, commonName: "gen.bench.example", sans: { dns: ["gen.bench.example"] }, keyType: "ecdsa-p256" };

const { rows, step } = cpuSteps(N, 200);

await runAs(SYSTEM_ACTOR, async () => {
  const now = new Date();
  const der = readPemOrDer(csrPem, ["CERTIFICATE REQUEST"], "CSR");
  const parts = readCommonCsr(der)!;
  const csr = await readVerifiedCsr(csrPem);
  const issuer = await loadIssuerForIssuance(ca.id, now);
  const sans = leafSans("server", csr.commonName, csr.sans);
  const context = {
    request: { caId: ca.id, profile: "server", validityDays: 90 } as never,
    subject: csr.subject,
    commonName: csr.commonName,
    sans,
    keyType: "ecdsa-p256",
    now,
  };
  const validity = leafValidity(90, issuer.authority, now);
  const leafParams = {
    issuer,
    subject: csr.subject,
    publicKey: csr.publicKey,
    sans,
    profile: "server" as const,
    validity,
    serialNumber: randomSerial(),
    issuerUrls: issuerUrls(ca.id),
  };
  const leaf = await signLeafFromTemplate(leafParams);
  const spkiKey = parts.spki;

  await step("auth: apiActor (CADESK_API_TOKEN)", () => apiActor(makeRequest("/api/v1/certificates", csrBody)));
  await step("  (of which new Request)", () => makeRequest("/api/v1/certificates", csrBody));
  await step("body: readJson (text, JSON.parse, unknown fields) + new Request", () =>
    readJson(makeRequest("/api/v1/certificates", csrBody), ZIssueCertificateInput),
  );
  await step("zod: parseInput(ZIssueCertificateInput)", () => parseInput(ZIssueCertificateInput, csrBody));
  await step("AsyncLocalStorage runAs", () => runAs(SYSTEM_ACTOR, async () => 1));
  await step("CSR: PEM to DER", () =>
    readPemOrDer(csrPem, ["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"], "certificate signing request"),
  );
  await step("CSR: readCommonCsr (DER walk + key import)", () => readCommonCsr(der));
  await step("  key import: createPublicKey JWK (P-256)", () =>
    createPublicKey({
      key: {
        kty: "EC",
        crv: "P-256",
        x: Buffer.from(spkiKey.subarray(27, 59)).toString("base64url"),
        y: Buffer.from(spkiKey.subarray(59, 91)).toString("base64url"),
      },
      format: "jwk",
    }),
  );
  await step("  key import: createPublicKey SPKI DER (P-256)", () =>
    createPublicKey({ key: Buffer.from(spkiKey), format: "der", type: "spki" }),
  );
  await step("  P-384 CSR: readCommonCsr (DER walk + key import)", () => readCommonCsr(p384Der));
  await step("CSR: parseCsr (PEM, reader, subject, key description)", () => csrModule.parseCsr(csrPem));
  await step("CSR: signature verify (node:crypto)", () => verify(parts.hash, parts.signed, parts.publicKey, parts.signature));
  await step("CSR: readVerifiedCsr (all of the CSR)", () => readVerifiedCsr(csrPem));
  await step("subject: CN getField", () => csr.subject.getField("CN"));
  await step("subject: toString (DN text)", () => csr.subject.toString());
  await step("subject: toJSON", () => csr.subject.toJSON());
  await step("subject: form's buildName(CN)", () => buildName({ commonName: "gen.bench.example" }));
  await step("subject: form's buildName + toArrayBuffer + toString", () => {
    const n = buildName({ commonName: "gen.bench.example" });
    n.toArrayBuffer();
    return n.toString();
  });
  await step("names: normaliseSans + leafSans", () => leafSans("server", csr.commonName, normaliseSans({ dns: ["p256.bench.example"] })));
  await step("issuer: loadIssuerForIssuance (cached)", () => loadIssuerForIssuance(ca.id, now));
  await step("policy: runPolicyChecks (name constraints, CA policy)", () =>
    runPolicyChecks({ ...context, issuer }, ISSUANCE_POLICY_CHECKS),
  );
  await step("validity + serial + issuerUrls", () => [leafValidity(90, issuer.authority, now), randomSerial(), issuerUrls(ca.id)]);
  await step("key: generateKeyDer(ecdsa-p256) (generated-key requests only)", () => generateKeyDer("ecdsa-p256"), 1000);
  await step("sign: signLeafFromTemplate (whole)", () => signLeafFromTemplate(leafParams));
  await step("  (of which the ECDSA signature)", () => issuer.signer.signSync!(new Uint8Array(400)));
  await step("store: searchText + sans JSON + audit row (before the commit)", () => [
    JSON.stringify(sans),
    searchText([leaf.commonName, ...sans.map((s) => s.value), leaf.serialHex].join(" ")),
    auditEventData({
      action: "certificate.sign_csr",
      objectType: "certificate",
      objectId: "x",
      objectLabel: leaf.commonName,
      detail: {
        caId: ca.id,
        serialNumber: leaf.serialHex,
        profile: "server",
        keptKey: false,
        entryPoint: "csr",
        policyChecks: ["name-constraints", "ca-policy"],
        via: "api",
      },
    }),
  ]);
  const stored = {
    id: "x",
    authorityId: ca.id,
    serialHex: leaf.serialHex,
    commonName: leaf.commonName,
    sans: JSON.stringify(sans),
    searchText: "",
    profile: "server",
    keyType: "ecdsa-p256",
    source: "csr",
    subjectDn: leaf.subjectDn,
    notBefore: leaf.notBefore,
    notAfter: leaf.notAfter,
    expiringFrom: leaf.notAfter,
    certificatePem: leaf.pem,
    encryptedKey: null,
    renewedFromId: null,
    fingerprintSha256: leaf.fingerprintSha256,
    status: "valid",
    revokedAt: null,
    revocationReason: null,
    createdAt: now,
  } as never;
  await step("answer: presentIssuedCertificate", () => presentIssuedCertificate(stored, { chainPem: issuer.chainPem, warnings: [] }));
  await step("answer: json() (JSON.stringify + Response)", () =>
    json(presentIssuedCertificate(stored, { chainPem: issuer.chainPem, warnings: [] }), 201),
  );
  await step("answer: json() + reading its body", () =>
    json(presentIssuedCertificate(stored, { chainPem: issuer.chainPem, warnings: [] }), 201).text(),
  );
});

/** CPU microseconds per whole request through the route handler, 16 at a time (as bench/issue-inproc.ts). */
async function whole(name: string, body: unknown, n = Math.min(N, 2000)): Promise<void> {
  const one = async () => {
    const res = await call(POST, "/api/v1/certificates", body);
    if (res.status !== 201) throw new Error(`${res.status} ${await res.text()}`);
    await res.text();
  };
  for (let i = 0; i < 100; i++) await one();
  const before = process.cpuUsage();
  let left = n;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (left-- > 0) await one();
    }),
  );
  const used = process.cpuUsage(before);
  rows.push([name, (used.user + used.system) / n]);
}
await whole("WHOLE: P-256 CSR request, 16 at a time (the commit included)", csrBody);
await whole("WHOLE: generated-key request, 16 at a time (the commit included)", genBody);

const width = Math.max(...rows.map(([n]) => n.length));
console.log(`| step | CPU us per call |\n| --- | ---: |`);
for (const [name, us] of rows) console.log(`| ${name.padEnd(width)} | ${us.toFixed(1).padStart(7)} |`);
process.exit(0);
