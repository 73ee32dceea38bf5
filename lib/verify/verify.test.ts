/**
 * lib/verify against cases made here for every rule family (lib/testing/verify-cases.ts), with
 * `openssl verify -x509_strict` and Go's crypto/x509 (lib/testing/verify-chain.go) run on the
 * same files as outside checks. The table printed shows where the three agree; cadesk must give
 * the expected verdict on every case.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { isIP } from "node:net";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openssl, tempDir, writeFiles } from "../testing/openssl";
import { buildVerifyCases, pemOf, type VerifyCase } from "../testing/verify-cases";
import { parseCertificate } from "./certificate";
import { verifyChain } from "./verify";

let cases: VerifyCase[];
let goVerify: string | undefined;

beforeAll(async () => {
  cases = await buildVerifyCases();
  try {
    goVerify = path.join(tempDir("cadesk-go-"), "verify-chain");
    execFileSync("go", ["build", "-o", goVerify, path.resolve("lib/testing/verify-chain.go")], {
      stdio: "pipe",
      env: { ...process.env, GOFLAGS: "-mod=mod", GOCACHE: tempDir("cadesk-gocache-") },
    });
  } catch {
    goVerify = undefined;
  }
}, 120_000);

const run = (c: VerifyCase) =>
  verifyChain({
    leaf: c.leaf,
    intermediates: c.intermediates.map((der) => ({ der, source: "pasted", supplied: true })),
    anchors: c.anchors.map((der) => ({ der, name: "the test root" })),
    time: c.time,
    purpose: c.purpose,
    mode: c.mode,
    hostname: c.hostname,
  });

function opensslVerdict(c: VerifyCase): boolean {
  const dir = tempDir("cadesk-verify-");
  const f = writeFiles(dir, { "anchors.pem": pemOf(c.anchors), "untrusted.pem": pemOf(c.intermediates), "leaf.pem": pemOf([c.leaf]) });
  const partial = c.anchors.some((a) => !parseCertificate(a).selfIssued) ? ["-partial_chain"] : [];
  const host = c.hostname ? [isIP(c.hostname) ? "-verify_ip" : "-verify_hostname", c.hostname] : [];
  // OpenSSL builds the policy tree only when asked to: -policy_check, with RFC 5280's default
  // user-initial-policy-set {anyPolicy} (OpenSSL's own default is the empty set).
  const policy = c.family === "policy" ? ["-policy_check", "-policy", "2.5.29.32.0"] : [];
  const args = [
    "verify",
    "-x509_strict",
    ...policy,
    ...partial,
    "-CAfile",
    f["anchors.pem"]!,
    ...(c.intermediates.length ? ["-untrusted", f["untrusted.pem"]!] : []),
  ];
  args.push(
    "-purpose",
    c.purpose === "server" ? "sslserver" : "sslclient",
    ...host,
    "-attime",
    String(Math.floor(c.time.getTime() / 1000)),
    f["leaf.pem"]!,
  );
  return openssl(args).status === 0;
}

function goVerdict(c: VerifyCase): boolean | undefined {
  // The Go helper verifies at the present time only, with a root pool (self-signed anchors).
  if (!goVerify || c.family === "validity" || c.anchors.some((a) => !parseCertificate(a).selfIssued)) return undefined;
  const dir = tempDir("cadesk-go-case-");
  const f = writeFiles(dir, {
    "roots.pem": pemOf(c.anchors),
    "ints.pem": pemOf(c.intermediates.length ? c.intermediates : c.anchors),
    "leaf.pem": pemOf([c.leaf]),
  });
  return spawnSync(goVerify, [f["roots.pem"]!, f["ints.pem"]!, f["leaf.pem"]!, c.hostname ?? "-", c.purpose]).status === 0;
}

describe("verifyChain on cadesk's own cases", () => {
  it("gives the expected verdict on every case, and prints the agreement with openssl and Go", () => {
    const rows: string[] = [];
    let opensslAgrees = 0;
    let goAgrees = 0;
    let goRan = 0;
    const wrong: string[] = [];
    const policyDisagreements: string[] = [];
    for (const c of cases) {
      const v = run(c);
      const got = v.ok ? "ok" : v.code!;
      if (got !== c.expect) wrong.push(`${c.id}: expected ${c.expect}, got ${got}: ${v.explanation}`);
      const o = opensslVerdict(c);
      // OpenSSL's policy tree is the outside reference for policy processing (criticality is a profile rule it does not check).
      if (c.family === "policy" && !c.id.endsWith("not-critical") && o !== (got === "ok")) policyDisagreements.push(c.id);
      const g = goVerdict(c);
      const expectedOk = c.expect === "ok";
      if (o === expectedOk) opensslAgrees++;
      if (g !== undefined) {
        goRan++;
        if (g === expectedOk) goAgrees++;
      }
      const mark = (b: boolean | undefined) =>
        b === undefined ? "-" : b === expectedOk ? (b ? "ok" : "refused") : b ? "ok (!)" : "refused (!)";
      rows.push(`| ${c.id} | ${c.mode} | ${c.expect} | ${got} | ${mark(o)} | ${mark(g)} |`);
    }
    console.log(
      [
        "| case | mode | expected | cadesk | openssl -x509_strict | Go crypto/x509 |",
        "| --- | --- | --- | --- | --- | --- |",
        ...rows,
        `| agreement | | | ${cases.length - wrong.length}/${cases.length} | ${opensslAgrees}/${cases.length} | ${goAgrees}/${goRan} |`,
      ].join("\n"),
    );
    expect(wrong).toEqual([]);
    expect(policyDisagreements).toEqual([]);
    // The cases must be able to fail: openssl, which is lenient where RFC 5280 is strict, disagrees somewhere.
    expect(opensslAgrees).toBeLessThan(cases.length);
  }, 120_000);

  it("names the rule, the certificate and its RFC or CA/B Forum section in every refusal", () => {
    let refused = 0;
    for (const c of cases) {
      const v = run(c);
      if (v.ok) continue;
      refused++;
      expect(v.failure, c.id).toBeDefined();
      expect(v.failure!.code === v.code || (v.code === "WEBPKI_RULE" && v.failure!.webpki), c.id).toBe(true);
      expect(v.failure!.rule.length, c.id).toBeGreaterThan(10);
      expect(v.failure!.certificate, c.id).not.toBe("");
      expect(v.failure!.section, c.id).toMatch(/^(RFC \d+|CA\/B Forum BR) /);
      // The explanation alone (the doctor shows only that) carries the section too.
      expect(v.explanation, c.id).toContain(v.failure!.section.split(" / ")[0]!.split(" (")[0]!);
    }
    expect(refused).toBeGreaterThan(20);
  });

  it("names the policy rule, the certificate and the CA whose constraint it breaks", () => {
    const failure = (id: string) => {
      const v = run(cases.find((c) => c.id === `policy::${id}`)!);
      return { ...v.failure!, explanation: v.explanation };
    };
    expect(failure("mapping-inhibited")).toMatchObject({
      code: "POLICY",
      certificate: "CN=app.example.com",
      section: "RFC 5280 6.1.3 (f), 6.1.4 (b)(2) / 4.2.1.11",
    });
    expect(failure("mapping-inhibited").message).toContain(
      '"CN=Policy mapping-inhibited 2" maps its policies, but "CN=Policy mapping-inhibited 1" inhibits policy mapping',
    );
    expect(failure("any-policy-inhibited")).toMatchObject({ section: "RFC 5280 6.1.3 (f), 6.1.3 (d)(2) / 4.2.1.14" });
    expect(failure("any-policy-inhibited").message).toContain(
      'which "CN=Policy any-policy-inhibited 1" no longer allows with inhibitAnyPolicy',
    );
    expect(failure("mapping-to-any-policy")).toMatchObject({
      certificate: "CN=Policy mapping-to-any-policy 1",
      role: "intermediate",
      section: "RFC 5280 6.1.4 (a) / 4.2.1.5",
    });
    expect(failure("require-explicit-skip-1").message).toContain(
      '"CN=Policy require-explicit-skip-1 1" sets requireExplicitPolicy, but no policy is valid for the path down to it ("CN=Policy require-explicit-skip-1 2" has no Certificate Policies extension)',
    );
    expect(failure("mapping-unmapped-policy").explanation).toMatch(/^The certificate breaks a rule: when a CA requires an explicit policy/);
  });
});
