/**
 * The refusals decided before any complete path exists (no trust anchor reached, a signature that
 * does not verify, a path too long, an intermediate that was not supplied, an unreadable leaf):
 * each carries a `failure` with the rule, the certificate and the section, and the explanation
 * says the section too, as every other refusal does. Certificates made with the openssl binary.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { opensslOk, tempDir } from "../testing/openssl";
import { opensslCsr, opensslSelfSigned, opensslSignCsr, type OpensslFiles } from "../testing/openssl-pki";
import type { Verdict } from "./types";
import { verifyChain } from "./verify";

const der = (pemFile: string) =>
  new Uint8Array(
    Buffer.from(
      opensslOk(["x509", "-in", pemFile])
        .replace(/-----[^-]+-----/g, "")
        .replace(/\s+/g, ""),
      "base64",
    ),
  );
const CA =
  "basicConstraints = critical, CA:TRUE\nkeyUsage = critical, keyCertSign, cRLSign\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n";
const LEAF =
  "basicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature\nextendedKeyUsage = serverAuth\nsubjectAltName = DNS:refusals.example.com\nauthorityKeyIdentifier = keyid\n";

let dir: string;
let root: OpensslFiles;
let chain: OpensslFiles[];
let leaf: string;

beforeAll(() => {
  dir = tempDir("cadesk-refusals-");
  root = opensslSelfSigned(dir, "root", {
    subject: "/CN=Refusals Root",
    extra: ["-days", "30", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
  });
  chain = [];
  let issuer = root;
  for (const n of [1, 2, 3]) {
    const csr = opensslCsr(dir, `ica${n}`, { subject: `/CN=Refusals Intermediate ${n}` });
    issuer = { key: csr.key, out: opensslSignCsr(dir, `ica${n}`, { csr: csr.out, ca: issuer, extensions: CA }) };
    chain.push(issuer);
  }
  const csr = opensslCsr(dir, "leaf", { subject: "/CN=refusals.example.com" });
  leaf = opensslSignCsr(dir, "leaf", { csr: csr.out, ca: issuer, extensions: LEAF });
});

const anchors = () => [{ der: der(root.out), name: "the refusals root" }];

function expectNamed(v: Verdict, code: string, certificate: string, section: RegExp) {
  expect(v.ok).toBe(false);
  expect(v.code).toBe(code);
  expect(v.failure).toMatchObject({ code, certificate });
  expect(v.failure!.rule.length).toBeGreaterThan(10);
  expect(v.failure!.section).toMatch(section);
  expect(v.explanation).toContain(v.failure!.section.split(" (")[0]!.split(" / ")[0]!);
}

describe("refusals before any complete path name their rule, certificate and section", () => {
  it("UNKNOWN_AUTHORITY: the certificate whose issuer nobody supplied (RFC 5280 6.1.1 (d))", () => {
    const v = verifyChain({
      leaf: der(leaf),
      intermediates: [{ der: der(chain[2]!.out), source: "pasted", supplied: true }],
      anchors: anchors(),
    });
    expectNamed(v, "UNKNOWN_AUTHORITY", "CN=Refusals Intermediate 3", /^RFC 5280 6\.1\.1 \(d\)$/);
    expect(v.missingIssuer).toBe("CN=Refusals Intermediate 2");
  });

  it("UNKNOWN_AUTHORITY: a chain that ends at an untrusted root names that root", () => {
    const other = opensslSelfSigned(dir, "other-root", { subject: "/CN=Other Root", extra: ["-days", "30"] });
    const v = verifyChain({
      leaf: der(leaf),
      intermediates: [...chain, root].map((c) => ({ der: der(c.out), source: "pasted", supplied: true })),
      anchors: [{ der: der(other.out), name: "another root" }],
    });
    expectNamed(v, "UNKNOWN_AUTHORITY", "CN=Refusals Root", /^RFC 5280 6\.1\.1 \(d\)$/);
  });

  it("BAD_SIGNATURE: the certificate another key signed under its issuer's name (RFC 5280 6.1.3 (a)(1))", () => {
    const impostor = opensslSelfSigned(dir, "impostor", {
      subject: "/CN=Refusals Intermediate 3",
      extra: ["-days", "30", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"],
    });
    const csr = opensslCsr(dir, "forged", { subject: "/CN=refusals.example.com" });
    const forged = opensslSignCsr(dir, "forged", { csr: csr.out, ca: impostor, extensions: LEAF });
    const v = verifyChain({
      leaf: der(forged),
      intermediates: chain.map((c) => ({ der: der(c.out), source: "pasted", supplied: true })),
      anchors: anchors(),
    });
    expectNamed(v, "BAD_SIGNATURE", "CN=refusals.example.com", /^RFC 5280 6\.1\.3 \(a\)\(1\)$/);
    expect(v.failure!.role).toBe("leaf");
  });

  it("CHAIN_TOO_LONG: the CA that would be one too many, with the path up to it", () => {
    const v = verifyChain({
      leaf: der(leaf),
      intermediates: chain.map((c) => ({ der: der(c.out), source: "pasted", supplied: true })),
      anchors: anchors(),
      maxIntermediates: 2,
    });
    expectNamed(v, "CHAIN_TOO_LONG", "CN=Refusals Intermediate 1", /^RFC 5280 6\.1 /);
    expect(v.path.map((p) => p.subject)).toEqual([
      "CN=refusals.example.com",
      "CN=Refusals Intermediate 3",
      "CN=Refusals Intermediate 2",
      "CN=Refusals Intermediate 1",
    ]);
    expect(v.failure!.rule).toBe("a path may hold at most 2 intermediate CAs");
  });

  it("MISSING_INTERMEDIATE: the certificate whose issuer had to be taken from elsewhere (RFC 8446 4.4.2)", () => {
    const v = verifyChain({
      leaf: der(leaf),
      intermediates: [
        { der: der(chain[2]!.out), source: "pasted", supplied: true },
        { der: der(chain[1]!.out), source: "cadesk's store", supplied: false },
        { der: der(chain[0]!.out), source: "pasted", supplied: true },
      ],
      anchors: anchors(),
    });
    expectNamed(v, "MISSING_INTERMEDIATE", "CN=Refusals Intermediate 3", /^RFC 8446 4\.4\.2/);
    expect(v.addedIntermediates).toEqual([{ subject: "CN=Refusals Intermediate 2", source: "cadesk's store" }]);
  });

  it("MALFORMED_CERTIFICATE: a leaf that cannot be read (RFC 5280 4.1)", () => {
    const v = verifyChain({ leaf: new Uint8Array([0x30, 0x03, 0x02, 0x01]), anchors: anchors() });
    expectNamed(v, "MALFORMED_CERTIFICATE", "(unreadable)", /^RFC 5280 4\.1$/);
  });

  it("EXPIRED: the validity refusal says its section in the explanation too", () => {
    const v = verifyChain({
      leaf: der(leaf),
      intermediates: chain.map((c) => ({ der: der(c.out), source: "pasted", supplied: true })),
      anchors: anchors(),
      time: new Date(Date.now() + 400 * 86_400_000),
    });
    expectNamed(v, "EXPIRED", "CN=refusals.example.com", /^RFC 5280 6\.1\.3 \(a\)\(2\)$/);
    expect(v.explanation).toContain("Rule (RFC 5280 6.1.3 (a)(2)): every certificate in the path must be valid at the validation time.");
  });
});
