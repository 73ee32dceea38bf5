import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { opensslOk, tempDir, writeFiles } from "../../testing/openssl";
import { parsePemBlocks } from "../pem";
import { lintCertificate } from "./lint";

let dir: string;

/** A leaf signed by a throwaway openssl CA, with the given x509 options. */
function leaf(name: string, args: string[], ext = "subjectAltName=DNS:leaf.example.com\nextendedKeyUsage=serverAuth\n") {
  const f = writeFiles(dir, { [`${name}.ext`]: ext });
  opensslOk([
    "req",
    "-new",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-keyout",
    `${dir}/${name}.key`,
    "-out",
    `${dir}/${name}.csr`,
    "-subj",
    "/CN=leaf.example.com",
  ]);
  opensslOk([
    "x509",
    "-req",
    "-in",
    `${dir}/${name}.csr`,
    "-CA",
    `${dir}/ca.pem`,
    "-CAkey",
    `${dir}/ca.key`,
    "-out",
    `${dir}/${name}.pem`,
    "-days",
    "30",
    "-extfile",
    f[`${name}.ext`]!,
    ...args,
  ]);
  return lintCertificate(parsePemBlocks(readFileSync(`${dir}/${name}.pem`, "utf8"))[0]!.der).map((l) => l.code);
}

beforeAll(() => {
  dir = tempDir("cadesk-lint-");
  opensslOk(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", `${dir}/ca.key`, "-out", `${dir}/ca.pem`, "-subj", "/CN=Lint CA"]);
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
});
