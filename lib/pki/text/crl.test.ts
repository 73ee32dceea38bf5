/** The CRL text view must equal `openssl crl -text -noout` line for line. */
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { parsePemBlocks } from "../pem";
import { opensslOk, tempDir, writeFiles } from "../../testing/openssl";
import { opensslCsr, opensslSelfSigned } from "../../testing/openssl-pki";
import { firstDifference } from "../../testing/text-diff";
import { crlText } from "./crl";

const CA_CONFIG = `[ca]
default_ca = ca
[ca]
dir = .
database = ./index.txt
serial = ./serial
crlnumber = ./crlnumber
new_certs_dir = ./
certificate = ./ca.pem
private_key = ./ca.key
default_md = sha256
default_days = 30
default_crl_days = 7
policy = any
[any]
commonName = supplied
[crl_ext]
authorityKeyIdentifier = keyid:always
`;

let dir: string;

beforeAll(() => {
  dir = tempDir("cadesk-crl-");
  writeFiles(dir, { "ca.cnf": CA_CONFIG.replaceAll("./", `${dir}/`), "index.txt": "", serial: "1000\n", crlnumber: "01\n" });
  opensslSelfSigned(dir, "ca", { subject: "/O=CRL Corpus/CN=CRL Test CA", newkey: ["-newkey", "rsa:2048"] });
});

function crlFile(name: string, args: string[]): string {
  opensslOk(["ca", "-batch", "-config", `${dir}/ca.cnf`, "-gencrl", "-out", `${dir}/${name}`, ...args]);
  return readFileSync(`${dir}/${name}`, "utf8");
}

function expectIdentical(pem: string) {
  const expected = opensslOk(["crl", "-text", "-noout"], pem);
  const ours = crlText(parsePemBlocks(pem)[0]!.der);
  expect(ours === expected ? "identical" : firstDifference(ours, expected)).toBe("identical");
}

describe("crlText against openssl crl -text", () => {
  it("matches an empty v1 CRL", () => expectIdentical(crlFile("empty.pem", [])));

  it("matches a v2 CRL with a CRL number, AKI and every reason code", () => {
    const reasons = [
      "unspecified",
      "keyCompromise",
      "CACompromise",
      "affiliationChanged",
      "superseded",
      "cessationOfOperation",
      "certificateHold",
      "removeFromCRL",
    ];
    for (const [i, reason] of reasons.entries()) {
      opensslCsr(dir, `l${i}`, { subject: `/CN=leaf-${i}` });
      opensslOk(["ca", "-batch", "-config", `${dir}/ca.cnf`, "-in", `${dir}/l${i}.csr`, "-out", `${dir}/l${i}.pem`]);
      const extra = reason === "keyCompromise" ? ["-crl_compromise", "20260101120000Z"] : [];
      opensslOk(["ca", "-batch", "-config", `${dir}/ca.cnf`, "-revoke", `${dir}/l${i}.pem`, "-crl_reason", reason, ...extra]);
    }
    expectIdentical(crlFile("full.pem", ["-crlexts", "crl_ext"]));
  });
});
