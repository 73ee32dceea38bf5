/**
 * The text view must equal `openssl x509 -text -noout` line for line: every root in Debian's
 * Mozilla bundle, plus certificates made here with every key type and extension cadesk issues.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parsePemBlocks } from "../pem";
import { opensslOk, tempDir, writeFiles } from "../../testing/openssl";
import { firstDifference } from "../../testing/text-diff";
import { certificateText } from "./certificate";

const MOZILLA = "/usr/share/ca-certificates/mozilla";

describe("certificateText against openssl x509 -text", () => {
  it("matches for every root in the Mozilla bundle", () => {
    const files = readdirSync(MOZILLA).filter((f) => f.endsWith(".crt"));
    expect(files.length, "Debian's ca-certificates bundle is missing: npm test installs it").toBeGreaterThan(100);
    const mismatches: string[] = [];
    for (const file of files) {
      const pem = readFileSync(path.join(MOZILLA, file), "utf8");
      const expected = opensslOk(["x509", "-text", "-noout"], pem);
      let ours: string;
      try {
        ours = certificateText(parsePemBlocks(pem)[0]!.der);
      } catch (error) {
        mismatches.push(`${file}: threw ${error}`);
        continue;
      }
      if (ours !== expected) mismatches.push(`${file}: ${firstDifference(ours, expected)}`);
    }
    console.log(`Mozilla bundle: ${files.length - mismatches.length} of ${files.length} identical`);
    expect(mismatches.slice(0, 15)).toEqual([]);
  });
});

/** Certificates made with openssl covering key types, name forms and extensions. */
interface Case {
  name: string;
  key: string[];
  subject?: string;
  extensions?: string[];
  args?: string[];
}

const EXTENSIONS_ALL = [
  "basicConstraints=critical,CA:TRUE,pathlen:3",
  "keyUsage=critical,digitalSignature,nonRepudiation,keyEncipherment,dataEncipherment,keyAgreement,keyCertSign,cRLSign,encipherOnly,decipherOnly",
  "extendedKeyUsage=serverAuth,clientAuth,codeSigning,emailProtection,timeStamping,OCSPSigning,1.2.3.4.5",
  "subjectAltName=DNS:a.example.com,DNS:*.b.example.com,IP:10.0.0.1,IP:2001:db8::1,email:ops@example.com,URI:spiffe://prod/billing,RID:1.2.3.4,dirName:dir_sect,otherName:1.3.6.1.4.1.311.20.2.3;UTF8:user@example.com",
  "issuerAltName=DNS:issuer.example.com,email:ca@example.com",
  "crlDistributionPoints=URI:http://crl.example.com/root.crl,URI:ldap://ldap.example.com/cn=root",
  "authorityInfoAccess=OCSP;URI:http://ocsp.example.com,caIssuers;URI:http://ca.example.com/root.crt",
  "subjectInfoAccess=caRepository;URI:http://repo.example.com/",
  "certificatePolicies=2.23.140.1.2.1,@pol_sect",
  "policyConstraints=requireExplicitPolicy:1,inhibitPolicyMapping:2",
  "policyMappings=1.2.3.4:1.2.3.5,1.2.3.6:1.2.3.7",
  "inhibitAnyPolicy=2",
  "nameConstraints=critical,permitted;DNS:.example.com,permitted;IP:10.0.0.0/255.0.0.0,excluded;email:.bad.example.com,excluded;IP:2001:db8::/ffff:ffff::",
  "tlsfeature=status_request",
  "nsComment=A Netscape comment",
  "nsCertType=server,client,objsign,sslCA",
  "1.2.3.4.5.6=DER:04:05:68:65:6c:6c:6f",
  "1.2.3.4.5.7=critical,ASN1:UTF8String:unknown extension",
  `1.3.6.1.4.1.11129.2.4.2=DER:${sctList()}`,
];

/**
 * A Certificate Transparency SCT list (RFC 6962): two SCTs from a made-up log, ECDSA and RSA
 * signed, one with extensions.
 */
function sctList(): string {
  const logId = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 7) & 255));
  const time = Buffer.alloc(8);
  time.writeBigUInt64BE(1679345026537n);
  const signature = Buffer.from("3045022100" + "ab".repeat(32) + "0220" + "cd".repeat(32), "hex");
  const u16 = (n: number) => Buffer.from([n >> 8, n & 255]);
  const sct = (ext: number[], hash: number, sig: number) =>
    Buffer.concat([
      Buffer.from([0]),
      logId,
      time,
      u16(ext.length),
      Buffer.from(ext),
      Buffer.from([hash, sig]),
      u16(signature.length),
      signature,
    ]);
  const items = [sct([], 4, 3), sct([1, 2, 3], 4, 1)].map((s) => Buffer.concat([u16(s.length), s]));
  const list = Buffer.concat([u16(items.reduce((n, i) => n + i.length, 0)), ...items]);
  const octetString = Buffer.concat([Buffer.from([0x04, 0x81, list.length]), list]);
  return octetString.toString("hex").match(/../g)!.join(":");
}

const CONFIG = `
[dir_sect]
C = DE
O = Dir Org
CN = Dir Name
[pol_sect]
policyIdentifier = 1.3.6.1.4.1.99999.1
CPS.1 = http://cps.example.com/cps
userNotice.1 = @notice
[notice]
explicitText = "UTF8:Explicit notice text"
organization = "Notice Org"
noticeNumbers = 1, 2, 3
`;

const CASES: Case[] = [
  { name: "RSA 2048, all extensions", key: ["-newkey", "rsa:2048"], extensions: EXTENSIONS_ALL },
  { name: "RSA 4096, SHA-512", key: ["-newkey", "rsa:4096"], args: ["-sha512"] },
  { name: "RSA-PSS key and signature", key: ["-newkey", "rsa-pss", "-pkeyopt", "rsa_keygen_bits:2048"] },
  {
    name: "RSA key with a PSS signature",
    key: ["-newkey", "rsa:2048"],
    args: ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32"],
  },
  { name: "ECDSA P-256", key: ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"], extensions: EXTENSIONS_ALL },
  { name: "ECDSA P-384", key: ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"] },
  { name: "ECDSA P-521", key: ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-521"] },
  { name: "Ed25519", key: ["-newkey", "ed25519"], extensions: EXTENSIONS_ALL },
  { name: "Ed448", key: ["-newkey", "ed448"] },
  { name: "short serial", key: ["-newkey", "ed25519"], args: ["-set_serial", "4096"] },
  { name: "8-byte serial", key: ["-newkey", "ed25519"], args: ["-set_serial", "0x7fffffffffffffff"] },
  { name: "9-byte serial", key: ["-newkey", "ed25519"], args: ["-set_serial", "0x8000000000000000"] },
  { name: "GeneralizedTime after 2049", key: ["-newkey", "ed25519"], args: ["-days", "20000"] },
  {
    name: "UTF-8 and multi-valued subject",
    key: ["-newkey", "ed25519"],
    subject: '/C=DE/ST=Bayern/L=München/O=Bücher & Söhne, GmbH/OU=Ops+OU=Platform/CN=Jürgen "J" <x>;#1/emailAddress=j@example.com',
    args: ["-utf8", "-multivalue-rdn"],
  },
  { name: "leading space and hash", key: ["-newkey", "ed25519"], subject: "/CN=#hash/O= spaced /OU=back\\\\slash" },
];

describe("certificateText on a generated corpus", () => {
  it.each(CASES)("matches openssl for: $name", ({ key, subject, extensions = [], args = [] }) => {
    const dir = tempDir();
    const files = writeFiles(dir, { "ext.cnf": `[req]\ndistinguished_name = dn\n[dn]\n${CONFIG}` });
    opensslOk([
      "req",
      "-x509",
      ...key,
      "-nodes",
      "-keyout",
      `${dir}/k.pem`,
      "-out",
      `${dir}/c.pem`,
      "-subj",
      subject ?? "/C=US/O=cadesk corpus/CN=corpus.example.com",
      "-config",
      files["ext.cnf"]!,
      ...extensions.flatMap((e) => ["-addext", e]),
      ...args,
    ]);
    const pem = readFileSync(`${dir}/c.pem`, "utf8");
    const expected = opensslOk(["x509", "-text", "-noout"], pem);
    const ours = certificateText(parsePemBlocks(pem)[0]!.der);
    expect(ours === expected ? "identical" : firstDifference(ours, expected)).toBe("identical");
  });
});
