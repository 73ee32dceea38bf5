/**
 * End-entity certificates assembled from DER parts (issue #13): what @peculiar/x509's
 * X509CertificateGenerator makes in signLeafCertificate, byte for byte (leaf-template.test.ts
 * compares whole certificates for every CA key type, subject key type and profile), at a fraction
 * of its cost. The generator builds each certificate as an ASN.1 object graph, re-parses every
 * extension it is handed, hashes with promise hops and parses its own output again: ~20 ms per
 * leaf on the loaded 2-core machine, where the signature itself takes 0.2 ms.
 *
 * What never changes for an issuer and profile is encoded once and kept (issuer Name, signature
 * AlgorithmIdentifier, basicConstraints, keyUsage, extKeyUsage, AKI, CRL DP, AIA); per
 * certificate only the serial, validity, subject, public key, SAN and SKI are encoded, into the
 * RFC 5280 4.1 TBSCertificate, which the issuer's Signer (lib/signers: sealed key or HSM) signs.
 */
import { createHash, hash as oneShotHash } from "node:crypto";
import { x509 } from "./crypto-provider";
import type { Issuer, IssuerUrls } from "./certificate";
import { subjectKeyId } from "./certificate";
import type { SubjectPublicKey } from "./csr";
import type { San } from "./names";
import { PROFILE_SPECS, type LeafProfile, type Validity } from "./profiles";
import { nameDer } from "./subject-name";
import { toPem } from "./pem";
import { algorithmIdentifier, BIT_STRING, derTime, ecdsaSigValue, SEQUENCE, tlv, unsignedInteger } from "./der-build";

/** A signed leaf with what the store records of it, read from the parts rather than parsed back. */
export interface SignedLeaf {
  der: Uint8Array<ArrayBuffer>;
  pem: string;
  serialHex: string;
  /** The subject as @peculiar/x509 prints it (X509Certificate.subject). */
  subjectDn: string;
  commonName: string;
  notBefore: Date;
  notAfter: Date;
  fingerprintSha256: string;
}

export interface LeafTemplateParams {
  issuer: Issuer;
  subject: x509.Name;
  publicKey: SubjectPublicKey;
  sans: San[];
  profile: LeafProfile;
  validity: Validity;
  serialNumber: string;
  issuerUrls?: IssuerUrls;
}

// ---- Parts kept per issuer and profile ---------------------------------------------------------

interface IssuerParts {
  algorithm: Buffer;
  issuerName: Buffer;
  authorityKeyId: Buffer;
  /** basicConstraints, keyUsage, extKeyUsage by profile and whether the subject key is RSA. */
  leading: Map<string, Buffer>;
  /** CRL DP and AIA by URL set. */
  trailing: Map<string, Buffer>;
}

const partsByIssuer = new WeakMap<x509.X509Certificate, Promise<IssuerParts>>();
/** The same parts once made, read without an await (each await is a promise and its async hooks per certificate). */
const readyParts = new WeakMap<x509.X509Certificate, IssuerParts>();

function issuerParts(issuer: Issuer): Promise<IssuerParts> {
  let parts = partsByIssuer.get(issuer.certificate);
  if (!parts) {
    parts = (async () => ({
      algorithm: algorithmIdentifier(issuer.signer.keyType),
      issuerName: Buffer.from(issuer.certificate.subjectName.toArrayBuffer()),
      authorityKeyId: Buffer.from(new x509.AuthorityKeyIdentifierExtension(await subjectKeyId(issuer.certificate), false).rawData),
      leading: new Map(),
      trailing: new Map(),
    }))();
    parts.then(
      (made) => readyParts.set(issuer.certificate, made),
      () => partsByIssuer.delete(issuer.certificate),
    );
    partsByIssuer.set(issuer.certificate, parts);
  }
  return parts;
}

/** The same usages as signLeafCertificate (lib/pki/certificate.ts), in its order. */
function leadingExtensions(parts: IssuerParts, profile: LeafProfile, isRsaKey: boolean): Buffer {
  const key = `${profile}:${isRsaKey}`;
  let found = parts.leading.get(key);
  if (!found) {
    const spec = PROFILE_SPECS[profile];
    let usage = x509.KeyUsageFlags.digitalSignature;
    if (isRsaKey && spec.needsHostName) usage |= x509.KeyUsageFlags.keyEncipherment;
    found = Buffer.concat(
      [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(usage, true),
        new x509.ExtendedKeyUsageExtension(spec.extendedKeyUsages, false),
      ].map((e) => Buffer.from(e.rawData)),
    );
    parts.leading.set(key, found);
  }
  return found;
}

function trailingExtensions(parts: IssuerParts, urls: IssuerUrls | undefined): Buffer {
  const key = urls ? `${urls.crl} ${urls.caIssuers} ${urls.ocsp}` : "";
  let found = parts.trailing.get(key);
  if (!found) {
    found = urls
      ? Buffer.concat(
          [
            new x509.CRLDistributionPointsExtension([urls.crl], false),
            new x509.AuthorityInfoAccessExtension(
              { ocsp: new x509.GeneralName("url", urls.ocsp), caIssuers: new x509.GeneralName("url", urls.caIssuers) },
              false,
            ),
          ].map((e) => Buffer.from(e.rawData)),
        )
      : Buffer.alloc(0);
    parts.trailing.set(key, found);
  }
  return found;
}

// ---- The certificate ----------------------------------------------------------------------------

/** One DER element at `offset`: where its content starts and ends. */
function element(der: Uint8Array, offset: number): { start: number; end: number } {
  let n = der[offset + 1]!;
  let start = offset + 2;
  if (n & 0x80) {
    const count = n & 0x7f;
    n = 0;
    for (let i = 0; i < count; i++) n = n * 256 + der[start + i]!;
    start += count;
  }
  return { start, end: start + n };
}

/**
 * The SubjectPublicKeyInfo (PublicKey.rawData: what the generator writes, already serialized by
 * @peculiar/x509) and its subjectPublicKey bits, which the SKI hashes.
 */
function subjectPublicKeyInfo(publicKey: SubjectPublicKey): { der: Buffer; keyBits: Uint8Array } {
  const der = publicKey.spki
    ? Buffer.from(publicKey.spki.buffer, publicKey.spki.byteOffset, publicKey.spki.byteLength)
    : Buffer.from(publicKey.rawData);
  const outer = element(der, 0);
  const algorithm = element(der, outer.start);
  const bits = element(der, algorithm.end);
  if (der[0] !== SEQUENCE || der[algorithm.end] !== BIT_STRING) throw new Error("not a SubjectPublicKeyInfo");
  return { der, keyBits: der.subarray(bits.start + 1, bits.end) };
}

// ---- Per-certificate extensions (RFC 5280 4.2.1.6, 4.2.1.2), encoded directly -------------------

const SAN_GENERAL_NAME_TAG = { email: 0x81, dns: 0x82, uri: 0x86, ip: 0x87 } as const;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** An IP address as the octets @peculiar/x509's IpConverter makes of it, or undefined for forms it is left to. */
function ipOctets(value: string): Buffer | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(value)) {
    const parts = value.split(".").map(Number);
    return parts.every((p) => p <= 255) ? Buffer.from(parts) : undefined;
  }
  if (!/^[0-9a-fA-F:]+$/.test(value)) return undefined;
  const halves = value.split("::");
  if (halves.length > 2) return undefined;
  const left = halves[0] ? halves[0].split(":") : [];
  const right = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const missing = 8 - left.length - right.length;
  if ((halves.length === 1 && missing !== 0) || (halves.length === 2 && missing < 1)) return undefined;
  const groups = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...right];
  if (groups.some((g) => g.length === 0 || g.length > 4)) return undefined;
  return Buffer.from(groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
}

/**
 * The subjectAltName extension as @peculiar/x509's SubjectAlternativeNameExtension encodes it
 * (~180 us there per certificate), or undefined for a value it is safer to leave to it.
 */
export function sanExtension(sans: San[], critical: boolean): Buffer | undefined {
  const names: Buffer[] = [];
  for (const san of sans) {
    const tag = SAN_GENERAL_NAME_TAG[san.type as keyof typeof SAN_GENERAL_NAME_TAG];
    if (!tag) return undefined;
    const value = san.type === "ip" ? ipOctets(san.value) : PRINTABLE_ASCII.test(san.value) ? Buffer.from(san.value, "latin1") : undefined;
    if (!value) return undefined;
    names.push(tlv(tag, value));
  }
  const inner = tlv(0x04, tlv(SEQUENCE, ...names));
  return critical ? tlv(SEQUENCE, SAN_OID, CRITICAL, inner) : tlv(SEQUENCE, SAN_OID, inner);
}

/** crypto.hash (Node 20.12+: one call, no Hash object; ~1 us against ~4 for a SHA-256), else createHash. */
function hash(algorithm: "sha1" | "sha256", data: Uint8Array, encoding: "buffer" | "hex"): Buffer | string {
  if (typeof oneShotHash === "function") return oneShotHash(algorithm, data, encoding);
  const digest = createHash(algorithm).update(data);
  return encoding === "hex" ? digest.digest("hex") : digest.digest();
}

const SAN_OID = Buffer.from("0603551d11", "hex"); // 2.5.29.17
const CRITICAL = Buffer.from("0101ff", "hex"); // BOOLEAN TRUE
const SKI_OID = Buffer.from("0603551d0e", "hex"); // 2.5.29.14
const VERSION_3 = Buffer.from("a003020102", "hex"); // [0] EXPLICIT Version v3
const NO_UNUSED_BITS = Buffer.from([0]);

/** subjectKeyIdentifier, not critical, holding the 20-byte key id. */
const skiExtension = (keyId: Uint8Array) => tlv(SEQUENCE, SKI_OID, tlv(0x04, tlv(0x04, keyId)));

/** Signs a leaf with the profile's extensions: the same certificate signLeafCertificate makes. */
export async function signLeafFromTemplate(params: LeafTemplateParams): Promise<SignedLeaf> {
  const { issuer, publicKey, validity } = params;
  const parts = readyParts.get(issuer.certificate) ?? (await issuerParts(issuer));
  const spki = subjectPublicKeyInfo(publicKey);
  const isRsaKey = publicKey.algorithm.name === "RSASSA-PKCS1-v1_5";
  const subjectDer = nameDer(params.subject);
  // An empty Name is SEQUENCE {} (30 00): then the SAN is critical (RFC 5280 4.2.1.6).
  const subjectIsEmpty = subjectDer.length === 2;
  const san =
    sanExtension(params.sans, subjectIsEmpty) ??
    Buffer.from(
      new x509.SubjectAlternativeNameExtension(
        params.sans.map((s) => ({ type: s.type === "uri" ? ("url" as const) : s.type, value: s.value })),
        subjectIsEmpty,
      ).rawData,
    );
  // RFC 5280 4.2.1.2 method 1, as x509.SubjectKeyIdentifierExtension.create computes it.
  const ski = skiExtension(hash("sha1", spki.keyBits, "buffer") as Buffer);
  const extensions = tlv(
    SEQUENCE,
    leadingExtensions(parts, params.profile, isRsaKey),
    san,
    ski,
    parts.authorityKeyId,
    trailingExtensions(parts, params.issuerUrls),
  );
  const serial = unsignedInteger(Buffer.from(params.serialNumber.length % 2 ? `0${params.serialNumber}` : params.serialNumber, "hex"));
  const tbs = tlv(
    SEQUENCE,
    VERSION_3,
    serial,
    parts.algorithm,
    parts.issuerName,
    tlv(SEQUENCE, derTime(validity.notBefore), derTime(validity.notAfter)),
    subjectDer,
    spki.der,
    tlv(0xa3, extensions), // [3] EXPLICIT Extensions
  );
  const raw = issuer.signer.signSync ? issuer.signer.signSync(tbs) : await issuer.signer.sign(tbs);
  const signature = issuer.signer.keyType.startsWith("ecdsa") ? ecdsaSigValue(raw) : Buffer.from(raw);
  const der = new Uint8Array(tlv(SEQUENCE, tbs, parts.algorithm, tlv(BIT_STRING, NO_UNUSED_BITS, signature)));
  const serialHex = serial.subarray(2).toString("hex");
  return {
    der,
    // PemConverter.encode(der, "CERTIFICATE") + "\n", without pvtsutils' base64 (der-build.test.ts).
    pem: toPem(der, "CERTIFICATE"),
    // X509Certificate.serialNumber: the INTEGER's octets without a sign-only leading zero.
    serialHex:
      serialHex.length > 2 && serialHex.startsWith("00") && parseInt(serialHex.slice(2, 4), 16) > 0x7f ? serialHex.slice(2) : serialHex,
    subjectDn: params.subject.toString(),
    commonName: params.subject.getField("CN")[0] ?? "",
    notBefore: validity.notBefore,
    notAfter: validity.notAfter,
    fingerprintSha256: hash("sha256", der, "hex") as string,
  };
}

/** A certificate made by the generator, described the same way (for the paths that still use it). */
export async function describeCertificate(certificate: x509.X509Certificate): Promise<SignedLeaf> {
  const der = new Uint8Array(certificate.rawData) as Uint8Array<ArrayBuffer>;
  return {
    der,
    pem: certificate.toString("pem") + "\n",
    serialHex: certificate.serialNumber.toLowerCase(),
    subjectDn: certificate.subject,
    commonName: certificate.subjectName.getField("CN")[0] ?? "",
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
    fingerprintSha256: createHash("sha256").update(der).digest("hex"),
  };
}
