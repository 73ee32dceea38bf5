/**
 * The shapes of the x509-limbo cases where cadesk's verdict was, or still is, not limbo's, rebuilt
 * here with the real openssl binary (limbo's own files are not in this repository):
 * - rfc5280::aki::cross-signed-root-missing-aki: a trust anchor that another CA signed, without an
 *   Authority Key Identifier, is refused (RFC 5280 4.2.1.1), while cve::cve-2024-0567's anchor,
 *   whose issuer field names another CA but whose own key made its signature, is not;
 * - webpki::san::exact-localhost-ip-san, webpki::san::leftmost-wildcard-san and
 *   webpki::nc::nc-permits-dns-san-pattern: their leaves keep limbo's default CN=example.com beside
 *   other SANs, which CA/B Forum BR 7.1.4.3 forbids and limbo's webpki::cn:: cases expect refused;
 *   the same leaves with a CN that repeats a SAN (or no CN) pass in WebPKI-strict mode.
 * `openssl verify -x509_strict` is run on the AKI shapes as an outside check that nothing else is wrong.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { openssl, opensslOk, tempDir } from "../testing/openssl";
import { opensslCsr, opensslSelfSigned, opensslSignCsr, type OpensslFiles } from "../testing/openssl-pki";
import { verifyChain } from "./verify";
import type { VerifyMode } from "./types";

const derOf = (pemFile: string) => {
  const pem = opensslOk(["x509", "-in", pemFile]);
  return new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64"));
};

const CA_EXT = (extra = "") =>
  `basicConstraints = critical, CA:TRUE${extra}\nkeyUsage = critical, keyCertSign, cRLSign\nsubjectKeyIdentifier = hash\n`;
const LEAF_EXT = (san: string) =>
  `basicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature\nextendedKeyUsage = serverAuth\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\nsubjectAltName = ${san}\n`;

let dir: string;
let root: OpensslFiles;

beforeAll(() => {
  dir = tempDir("cadesk-limbo-shapes-");
  root = opensslSelfSigned(dir, "root", {
    subject: "/CN=Shapes Root",
    extra: ["-days", "30", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
  });
});

/** A CA signed by `issuer`, with or without an AKI. */
function ca(name: string, issuer: OpensslFiles, { aki, extra = "" }: { aki: boolean; extra?: string }): OpensslFiles {
  const csr = opensslCsr(dir, name, { subject: `/CN=${name}` });
  const out = opensslSignCsr(dir, name, {
    csr: csr.out,
    ca: issuer,
    extensions: CA_EXT(extra) + (aki ? "authorityKeyIdentifier = keyid\n" : "authorityKeyIdentifier = none\n"),
  });
  return { key: csr.key, out };
}

function leaf(name: string, issuer: OpensslFiles, subject: string, san: string): string {
  const csr = opensslCsr(dir, name, { subject });
  return opensslSignCsr(dir, name, { csr: csr.out, ca: issuer, extensions: LEAF_EXT(san) });
}

const verify = (
  leafPem: string,
  anchor: string,
  { mode = "private" as VerifyMode, hostname = "example.com", intermediates = [] as string[] } = {},
) =>
  verifyChain({
    leaf: derOf(leafPem),
    intermediates: intermediates.map((p) => ({ der: derOf(p), source: "pasted", supplied: true })),
    anchors: [{ der: derOf(anchor), name: "the anchor given" }],
    mode,
    hostname,
  });

function opensslAccepts(leafPem: string, anchor: string): boolean {
  return openssl(["verify", "-x509_strict", "-partial_chain", "-purpose", "sslserver", "-CAfile", anchor, leafPem]).status === 0;
}

describe("rfc5280::aki::cross-signed-root-missing-aki and cve::cve-2024-0567's anchor", () => {
  it("refuses a trust anchor that another CA signed and that has no Authority Key Identifier", () => {
    const crossSigned = ca("Cross-signed Root", root, { aki: false, extra: ", pathlen:0" });
    const ee = leaf("aki-ee", crossSigned, "/CN=example.com", "DNS:example.com");
    const v = verify(ee, crossSigned.out);
    expect(v.ok).toBe(false);
    expect(v.code).toBe("MISSING_KEY_IDENTIFIER");
    expect(v.failure).toMatchObject({ role: "trust anchor", certificate: "CN=Cross-signed Root", section: "RFC 5280 4.2.1.1" });
    expect(v.explanation).toContain("signed by another CA's key");
    // OpenSSL 3.0 accepts it (with -partial_chain it applies no profile to the anchor): the AKI is all that is wrong.
    expect(opensslAccepts(ee, crossSigned.out)).toBe(true);
  });

  it("accepts the same anchor when it carries the AKI", () => {
    const crossSigned = ca("Cross-signed Root With AKI", root, { aki: true, extra: ", pathlen:0" });
    const ee = leaf("aki-ok-ee", crossSigned, "/CN=example.com", "DNS:example.com");
    const v = verify(ee, crossSigned.out);
    expect(v.explanation).toMatch(/^Verified up to the anchor given/);
    expect(v.ok).toBe(true);
    expect(opensslAccepts(ee, crossSigned.out)).toBe(true);
  });

  it("accepts an anchor without AKI whose own key signed it, whatever its issuer field says", () => {
    // Root A of cve-2024-0567: issuer "CN=Other Name", signature by Root A's own key.
    const key = `${dir}/root-a.key`;
    opensslOk(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key]);
    const other = `${dir}/other-name.pem`;
    opensslOk(["req", "-x509", "-new", "-key", key, "-subj", "/CN=Other Name", "-days", "30", "-out", other]);
    const csr = `${dir}/root-a.csr`;
    opensslOk(["req", "-new", "-key", key, "-subj", "/CN=Root A", "-out", csr]);
    const rootA = opensslSignCsr(dir, "root-a", { csr, ca: { key, out: other }, extensions: CA_EXT() + "authorityKeyIdentifier = none\n" });
    expect(opensslOk(["x509", "-in", rootA, "-noout", "-issuer"])).toContain("Other Name");
    const ee = leaf("root-a-ee", { key, out: rootA }, "/CN=example.com", "DNS:example.com");
    const v = verify(ee, rootA);
    expect(v.explanation).toMatch(/^Verified up to/);
    expect(v.ok).toBe(true);
  });
});

describe("webpki:: leaves whose Common Name repeats none of their SANs (CA/B Forum BR 7.1.4.3)", () => {
  const cases = [
    { limbo: "webpki::san::exact-localhost-ip-san", san: "IP:127.0.0.1", hostname: "127.0.0.1", goodCn: "/CN=127.0.0.1" },
    { limbo: "webpki::san::leftmost-wildcard-san", san: "DNS:*.example.com", hostname: "foo.example.com", goodCn: "/CN=*.example.com" },
  ];
  for (const c of cases)
    it(`${c.limbo}: refused in WebPKI-strict mode with CN=example.com, a warning in private-CA mode, accepted with a CN that repeats the SAN`, () => {
      const bad = leaf(`${c.limbo.split("::").pop()}-bad`, root, "/CN=example.com", c.san);
      const strict = verify(bad, root.out, { mode: "webpki", hostname: c.hostname });
      expect(strict.ok).toBe(false);
      expect(strict.code).toBe("WEBPKI_RULE");
      expect(strict.failure).toMatchObject({ section: "CA/B Forum BR 7.1.4.3", role: "leaf", certificate: "CN=example.com" });
      expect(strict.explanation).toContain('The Common Name "example.com" is not, byte for byte, one of the SAN entries.');
      expect(strict.explanation).toContain("private-CA mode (the default) reports it as a warning");

      const privateMode = verify(bad, root.out, { mode: "private", hostname: c.hostname });
      expect(privateMode.ok).toBe(true);
      expect(privateMode.warnings.map((w) => w.section)).toContain("CA/B Forum BR 7.1.4.3");

      for (const subject of [c.goodCn, "/O=No Common Name"]) {
        const good = leaf(`${c.limbo.split("::").pop()}-good${subject.startsWith("/O") ? "-nocn" : ""}`, root, subject, c.san);
        const ok = verify(good, root.out, { mode: "webpki", hostname: c.hostname });
        expect(ok.explanation, subject).toMatch(/^Verified up to/);
        expect(ok.warnings).toEqual([]);
      }
    });

  it("webpki::nc::nc-permits-dns-san-pattern: a permitted example.com covers *.example.com; only the CN=example.com beside it is refused", () => {
    const constrained = ca("NC Intermediate", root, {
      aki: true,
      extra: "\nnameConstraints = critical, permitted;DNS:example.com",
    });
    const bad = leaf("nc-bad", constrained, "/CN=example.com", "DNS:*.example.com");
    const strict = verify(bad, root.out, { mode: "webpki", hostname: "foo.example.com", intermediates: [constrained.out] });
    expect(strict.code).toBe("WEBPKI_RULE");
    expect(strict.failure?.section).toBe("CA/B Forum BR 7.1.4.3");
    const good = leaf("nc-good", constrained, "/CN=*.example.com", "DNS:*.example.com");
    for (const mode of ["webpki", "private"] as const) {
      const v = verify(good, root.out, { mode, hostname: "foo.example.com", intermediates: [constrained.out] });
      expect(v.explanation, mode).toMatch(/^Verified up to/);
      expect(v.path.map((p) => p.subject)).toEqual(["CN=*.example.com", "CN=NC Intermediate", "CN=Shapes Root"]);
    }
    // And the constraint still bites: a wildcard outside it is refused in both modes.
    const outside = leaf("nc-outside", constrained, "/CN=*.example.net", "DNS:*.example.net");
    expect(verify(outside, root.out, { hostname: "foo.example.net", intermediates: [constrained.out] }).code).toBe(
      "NAME_CONSTRAINT_VIOLATION",
    );
  });
});
