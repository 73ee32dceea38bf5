/** The CSR text view must equal `openssl req -text -noout` line for line. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parsePemBlocks } from "../pem";
import { opensslOk, tempDir, writeFiles } from "../../testing/openssl";
import { firstDifference } from "../../testing/text-diff";
import { csrText } from "./csr";

const CONFIG = `[req]
distinguished_name = dn
attributes = attrs
prompt = no
[dn]
C = DE
O = Bücher & Söhne, GmbH
CN = csr.example.com
[attrs]
challengePassword = secret123
unstructuredName = Acme Unstructured
`;

const CASES: { name: string; key: string[]; config?: boolean; subject?: string; extensions?: string[] }[] = [
  {
    name: "P-256 with attributes and requested extensions",
    key: ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
    config: true,
    extensions: [
      "subjectAltName=DNS:csr.example.com,IP:10.0.0.1,IP:::1,email:a@example.com",
      "keyUsage=critical,digitalSignature,keyEncipherment",
      "extendedKeyUsage=serverAuth,clientAuth",
      "basicConstraints=critical,CA:FALSE",
      "1.2.3.4=ASN1:UTF8String:custom",
    ],
  },
  { name: "RSA 2048 with nothing requested", key: ["-newkey", "rsa:2048"], subject: "/CN=bare.example.com" },
  {
    name: "RSA-PSS",
    key: ["-newkey", "rsa-pss", "-pkeyopt", "rsa_keygen_bits:2048"],
    subject: "/CN=pss.example.com",
    extensions: ["subjectAltName=DNS:pss.example.com"],
  },
  { name: "P-384", key: ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"], subject: "/CN=p384" },
  {
    name: "Ed25519",
    key: ["-newkey", "ed25519"],
    subject: "/CN=ed25519/O=Multi+OU=Valued",
    extensions: ["subjectAltName=URI:spiffe://prod/svc"],
  },
  { name: "Ed448", key: ["-newkey", "ed448"], subject: "/CN=ed448" },
];

describe("csrText against openssl req -text", () => {
  it.each(CASES)("matches for: $name", ({ key, config, subject, extensions = [] }) => {
    const dir = tempDir();
    const files = writeFiles(dir, { "req.cnf": CONFIG });
    opensslOk([
      "req",
      "-new",
      ...key,
      "-nodes",
      "-keyout",
      `${dir}/k.pem`,
      "-out",
      `${dir}/r.csr`,
      "-utf8",
      ...(config ? ["-config", files["req.cnf"]!] : ["-subj", subject!, "-multivalue-rdn"]),
      ...extensions.flatMap((e) => ["-addext", e]),
    ]);
    const pem = readFileSync(`${dir}/r.csr`, "utf8");
    const expected = opensslOk(["req", "-text", "-noout"], pem);
    const ours = csrText(parsePemBlocks(pem)[0]!.der);
    expect(ours === expected ? "identical" : firstDifference(ours, expected)).toBe("identical");
  });
});
