import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../../testing/openssl";
import { opensslCsr, opensslSelfSigned, opensslSignCsr, type OpensslFiles } from "../../testing/openssl-pki";
import { parsePemBlocks } from "../pem";
import { lintCertificate } from "./lint";

let dir: string;
let ca: OpensslFiles;

/** A leaf signed by a throwaway openssl CA, with the given x509 options. */
function leaf(name: string, args: string[], extensions = "subjectAltName=DNS:leaf.example.com\nextendedKeyUsage=serverAuth\n") {
  const csr = opensslCsr(dir, name, { subject: "/CN=leaf.example.com" }).out;
  const pem = opensslSignCsr(dir, name, { csr, ca, extensions, days: 30, extra: args });
  return lintCertificate(parsePemBlocks(readFileSync(pem, "utf8"))[0]!.der).map((l) => l.code);
}

beforeAll(() => {
  dir = tempDir("cadesk-lint-");
  ca = opensslSelfSigned(dir, "ca", { subject: "/CN=Lint CA", newkey: ["-newkey", "rsa:2048"] });
});

describe("lintCertificate", () => {
  it("finds nothing wrong with a well-formed server certificate", () => {
    expect(leaf("good", ["-set_serial", "0x1234567890abcdef"])).toEqual([]);
  });

  it("flags a SHA-1 signature", () => {
    expect(leaf("sha1", ["-sha1", "-set_serial", "7"])).toContain("SHA1_SIGNATURE");
  });

  it("flags negative, zero and over-long serials", () => {
    expect(leaf("negative", ["-set_serial", "-5"])).toContain("SERIAL_NEGATIVE");
    expect(leaf("zero", ["-set_serial", "0"])).toContain("SERIAL_ZERO");
    expect(leaf("long", ["-set_serial", "0x" + "11".repeat(21)])).toContain("SERIAL_TOO_LONG");
  });

  it("flags host names without serverAuth, and a CN missing from the SANs", () => {
    expect(leaf("client", ["-set_serial", "9"], "subjectAltName=DNS:other.example.com\nextendedKeyUsage=clientAuth\n")).toEqual(
      expect.arrayContaining(["NO_SERVER_AUTH", "CN_NOT_IN_SAN"]),
    );
  });

  it("flags a server certificate marked CA:TRUE", () => {
    expect(
      leaf(
        "ca-leaf",
        ["-set_serial", "10"],
        "basicConstraints=CA:TRUE\nkeyUsage=keyCertSign,digitalSignature\nsubjectAltName=DNS:leaf.example.com\nextendedKeyUsage=serverAuth\n",
      ),
    ).toContain("LEAF_WITH_CA_TRUE");
  });

  it("lints the certificate a popular Go tutorial generates on every rule the verdict knows", () => {
    // Self-signed, CA:TRUE, serverAuth and clientAuth, keyEncipherment and keyCertSign on ECDSA, 9.75 years, no CN.
    opensslSelfSigned(dir, "tutorial", {
      subject: "/O=Acme Co",
      extra: [
        "-days",
        "3561",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign",
        "-addext",
        "extendedKeyUsage=serverAuth,clientAuth",
        "-addext",
        "subjectAltName=DNS:localhost,IP:127.0.0.1",
      ],
    });
    const lints = lintCertificate(parsePemBlocks(readFileSync(`${dir}/tutorial.pem`, "utf8"))[0]!.der);
    const codes = lints.map((l) => l.code);
    expect(codes).toEqual(expect.arrayContaining(["LEAF_WITH_CA_TRUE", "LONG_VALIDITY", "KEY_USAGE_FOR_KEY_TYPE", "SELF_SIGNED_SERVER"]));
    expect(lints.find((l) => l.code === "KEY_USAGE_FOR_KEY_TYPE")!.message).toContain("keyEncipherment");
    expect(new Set(codes).size).toBe(codes.length);
    // Said once: the CA:TRUE finding is not repeated as the CA/Browser Forum rule.
    expect(codes.filter((c) => c.includes("CA_CERTIFICATE_MUST_NOT_BE_USED"))).toEqual([]);
  });

  it("says which client would refuse a CA/Browser Forum rule, and flags an empty subject without a critical SAN", () => {
    const noEku = leaf("no-eku", ["-set_serial", "11"], "subjectAltName=DNS:leaf.example.com\n");
    expect(noEku.some((c) => c.startsWith("WEBPKI_LEAF_CERTIFICATES_MUST_LIST_SERVERAUTH"))).toBe(true);
    opensslSelfSigned(dir, "empty", {
      subject: "/",
      extra: ["-addext", "subjectAltName=DNS:empty.example.com", "-addext", "extendedKeyUsage=serverAuth"],
    });
    const lints = lintCertificate(parsePemBlocks(readFileSync(`${dir}/empty.pem`, "utf8"))[0]!.der);
    expect(lints.map((l) => l.code)).toContain("EMPTY_SUBJECT_SAN_NOT_CRITICAL");
    const webpki = lintCertificate(parsePemBlocks(readFileSync(`${dir}/no-eku.pem`, "utf8"))[0]!.der).find((l) =>
      l.code.startsWith("WEBPKI_"),
    );
    expect(webpki!.message).toMatch(/^pyca\/cryptography's WebPKI policy would refuse this: leaf certificates must list serverAuth/);
  });
});
