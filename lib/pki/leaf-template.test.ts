import { webcrypto } from "node:crypto";
import { describe, expect, it } from "vitest";
import { keyPairSigner, webCryptoSigner } from "../signers/webcrypto";
import type { Signer } from "../signers/signer";
import { opensslOk, tempDir, writeFiles } from "../testing/openssl";
import { opensslCsr, opensslPem } from "../testing/openssl-pki";
import { signCaCertificate, signLeafCertificate, type Issuer } from "./certificate";
import { x509 } from "./crypto-provider";
import type { KeyType } from "./key-types";
import { generateKeyPair } from "./keys";
import { describeCertificate, sanExtension, signLeafFromTemplate, type LeafTemplateParams } from "./leaf-template";
import { buildName, type San } from "./names";
import { LEAF_PROFILES } from "./profiles-data";
import { computeValidity } from "./profiles";

const CA_KEY_TYPES: KeyType[] = ["ecdsa-p256", "ecdsa-p384", "rsa-2048", "rsa-3072", "ed25519"];
const SUBJECT_KEY_TYPES: KeyType[] = ["ecdsa-p256", "ecdsa-p384", "rsa-2048", "ed25519"];
const NOW = new Date("2026-06-01T12:00:00Z");
const URLS = { crl: "http://pki.example/crl/ca-1", caIssuers: "http://pki.example/ca/ca-1", ocsp: "http://pki.example/ocsp/ca-1" };

/** A signature of the right size whose integers need every DER rule: leading zeros dropped, a 0x00 before a high bit. */
function fixedSignature(keyType: KeyType): Uint8Array {
  const size = { "ecdsa-p256": 64, "ecdsa-p384": 96, ed25519: 64, "rsa-2048": 256, "rsa-3072": 384, "rsa-4096": 512 }[keyType];
  const bytes = new Uint8Array(size).map((_, i) => (i * 37 + 11) & 0xff);
  bytes[0] = 0;
  bytes[1] = 0;
  bytes[size / 2] = 0x80;
  return bytes;
}

/**
 * The CA's signer with a fixed signature on both paths (the Signer's sign(), which the template
 * uses, and the WebCrypto provider the generator uses), so whole certificates compare byte for
 * byte even for ECDSA, whose real signatures differ every time.
 */
function fixedSigner(real: Signer): Signer {
  const signature = fixedSignature(real.keyType);
  const subtle = new Proxy(webcrypto.subtle, {
    get(target, prop) {
      if (prop === "sign") return async () => signature.slice().buffer;
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  const provider = { subtle, getRandomValues: webcrypto.getRandomValues.bind(webcrypto) } as unknown as Crypto;
  return { ...webCryptoSigner(real.webCrypto.privateKey, real.keyType, real.publicKey, provider), sign: async () => signature.slice() };
}

async function makeCa(keyType: KeyType, commonName: string): Promise<Issuer> {
  const key = await generateKeyPair(keyType);
  const signer = await keyPairSigner(key.keys, keyType);
  const certificate = await signCaCertificate({
    subject: buildName({ commonName, organization: "cadesk tests", organizationalUnit: "Template" }),
    publicKey: key.keys.publicKey,
    selfSigner: signer,
    validity: computeValidity(3650, NOW),
    serialNumber: "7f01",
  });
  return { certificate, signer };
}

async function both(params: LeafTemplateParams & { publicKey: x509.PublicKey }) {
  const reference = await signLeafCertificate(params);
  const template = await signLeafFromTemplate(params);
  return { reference, template, described: await describeCertificate(reference) };
}

const cases: { name: string; subject: () => x509.Name; sans: San[] }[] = [
  { name: "CN only", subject: () => buildName({ commonName: "svc.example.com" }), sans: [{ type: "dns", value: "svc.example.com" }] },
  {
    name: "CN, O, OU, several SAN kinds",
    subject: () => buildName({ commonName: "api.example.com", organization: "Example, Inc.", organizationalUnit: "Ops" }),
    sans: [
      { type: "dns", value: "api.example.com" },
      { type: "dns", value: "*.api.example.com" },
      { type: "ip", value: "10.1.2.3" },
      { type: "ip", value: "2001:db8::1" },
      { type: "email", value: "ops@example.com" },
      { type: "uri", value: "spiffe://example.com/ns/prod/sa/api" },
    ],
  },
  { name: "empty subject (critical SAN)", subject: () => new x509.Name([]), sans: [{ type: "uri", value: "spiffe://example.com/w" }] },
  {
    name: "UTF-8 and several attributes",
    subject: () => new x509.Name([{ C: ["DE"] }, { O: ["Bücher & Söhne"] }, { CN: ["zürich.example"] }]),
    sans: [{ type: "dns", value: "xn--zrich-kva.example" }],
  },
];

describe("leaf certificates from the DER template equal @peculiar/x509's, byte for byte", () => {
  it.each(CA_KEY_TYPES)("a %s CA: every subject key type, profile and subject shape", async (caKeyType) => {
    const ca = await makeCa(caKeyType, `Template ${caKeyType} CA`);
    const issuer = { certificate: ca.certificate, signer: fixedSigner(ca.signer) };
    let compared = 0;
    for (const subjectKeyType of SUBJECT_KEY_TYPES) {
      const key = await generateKeyPair(subjectKeyType);
      const publicKey = await x509.PublicKey.create(key.keys.publicKey);
      for (const profile of LEAF_PROFILES) {
        for (const c of cases) {
          const params = {
            issuer,
            subject: c.subject(),
            publicKey,
            sans: c.sans,
            profile,
            validity: computeValidity(90, NOW),
            serialNumber: "5a0c33e1d2b4f6a8091b2c3d4e5f6071",
            issuerUrls: URLS,
          };
          const { reference, template, described } = await both(params);
          expect(Buffer.from(template.der).toString("hex"), `${subjectKeyType} ${profile} ${c.name}`).toBe(
            Buffer.from(reference.rawData).toString("hex"),
          );
          expect(template).toEqual(described);
          compared++;
        }
      }
    }
    expect(compared).toBe(SUBJECT_KEY_TYPES.length * LEAF_PROFILES.length * cases.length);
  });

  it("serials of every shape, validity past 2049 (GeneralizedTime), no URLs, a CSR's own key and subject", async () => {
    const ca = await makeCa("ecdsa-p256", "Template Edge CA");
    const issuer = { certificate: ca.certificate, signer: fixedSigner(ca.signer) };
    const dir = tempDir();
    const csrPem = opensslPem.csr(
      opensslCsr(dir, "k", {
        subject: "/C=FR/ST=Île-de-France/O=Exemple/OU=Équipe/CN=csr.example.fr/emailAddress=pki@example.fr",
        extra: ["-utf8"],
      }).out,
    );
    const csr = new x509.Pkcs10CertificateRequest(csrPem);
    for (const serialNumber of ["01", "7f", "80", "00ff", "0080ab", "ff" + "00".repeat(15), "1", "abc"]) {
      for (const validity of [
        computeValidity(90, NOW),
        { notBefore: new Date("2049-12-31T23:59:59Z"), notAfter: new Date("2050-01-01T00:00:00Z"), capped: false },
      ]) {
        for (const issuerUrls of [URLS, undefined]) {
          const { reference, template, described } = await both({
            issuer,
            subject: csr.subjectName,
            publicKey: csr.publicKey,
            sans: [{ type: "dns", value: "csr.example.fr" }],
            profile: "server-client",
            validity,
            serialNumber,
            issuerUrls,
          });
          expect(Buffer.from(template.der).toString("hex"), `serial ${serialNumber}`).toBe(Buffer.from(reference.rawData).toString("hex"));
          expect(template).toEqual(described);
        }
      }
    }
  });

  it.each(CA_KEY_TYPES)("with the real %s key: openssl verify -x509_strict accepts the chain", async (caKeyType) => {
    const ca = await makeCa(caKeyType, `Verify ${caKeyType} CA`);
    const key = await generateKeyPair("ecdsa-p256");
    const leaf = await signLeafFromTemplate({
      issuer: ca,
      subject: buildName({ commonName: "verify.example.com" }),
      publicKey: await x509.PublicKey.create(key.keys.publicKey),
      sans: [{ type: "dns", value: "verify.example.com" }],
      profile: "server",
      validity: computeValidity(30, new Date()),
      serialNumber: "3c",
      issuerUrls: URLS,
    });
    const dir = tempDir();
    const f = writeFiles(dir, { "ca.pem": ca.certificate.toString("pem"), "leaf.pem": leaf.pem });
    expect(opensslOk(["verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", f["ca.pem"]!, f["leaf.pem"]!])).toMatch(/: OK/);
    expect(
      await new x509.X509Certificate(new Uint8Array(leaf.der)).verify({ publicKey: ca.certificate.publicKey, signatureOnly: true }),
    ).toBe(true);
  });
});

describe("the SAN extension encoded directly", () => {
  const reference = (sans: San[], critical: boolean) =>
    Buffer.from(
      new x509.SubjectAlternativeNameExtension(
        sans.map((s) => ({ type: s.type === "uri" ? ("url" as const) : s.type, value: s.value })),
        critical,
      ).rawData,
    ).toString("hex");

  it("is @peculiar/x509's encoding for every name kind, IPv4 and IPv6 forms and criticality", () => {
    const lists: San[][] = [
      [{ type: "dns", value: "svc.example.com" }],
      [
        { type: "dns", value: "*.wild.example" },
        { type: "email", value: "ops@example.com" },
        { type: "uri", value: "spiffe://example.org/ns/a/sa/b" },
      ],
      [
        "10.0.0.1",
        "255.255.255.255",
        "0.0.0.0",
        "::1",
        "::",
        "2001:db8::1",
        "fe80::1:2:3",
        "2001:db8:0:0:1:0:0:1",
        "2001:db8:1:2:3:4:5:6",
        "1::",
      ].map((value) => ({ type: "ip" as const, value })),
      Array.from({ length: 40 }, (_, i) => ({ type: "dns" as const, value: `n${i}.${"x".repeat(60)}.example.com` })),
    ];
    for (const sans of lists) {
      for (const critical of [false, true]) {
        const encoded = sanExtension(sans, critical);
        expect(encoded, JSON.stringify(sans)).toBeDefined();
        expect(encoded!.toString("hex")).toBe(reference(sans, critical));
      }
    }
  });

  it("leaves what it does not encode to @peculiar/x509 (non-ASCII text, IPv4 inside IPv6)", () => {
    expect(sanExtension([{ type: "email", value: "jörg@example.com" }], false)).toBeUndefined();
    expect(sanExtension([{ type: "ip", value: "::ffff:10.1.2.3" }], false)).toBeUndefined();
  });
});
