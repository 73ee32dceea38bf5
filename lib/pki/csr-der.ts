/**
 * The common PKCS#10 CSR (RFC 2986 4), read with the small DER reader instead of @peculiar/x509
 * (issue #13): ~1.1 ms per CSR there, most of it building ASN.1 object graphs. The reader is
 * narrow on purpose: it accepts only the shapes nearly every client sends (version 0; an EC
 * P-256/P-384/P-521 key as an uncompressed point, an RSA key or an Ed25519 key, each in its one
 * canonical SubjectPublicKeyInfo encoding; ECDSA or RSA PKCS#1 v1.5 with SHA-256/384/512 or
 * Ed25519; no attribute but one extensionRequest holding only a SAN of DNS names, e-mail
 * addresses, URIs and IPv4 addresses). Anything else returns undefined and lib/pki/csr.ts reads
 * the CSR as before, so every refusal, message and odd case stays what @peculiar/x509 made of it
 * (csr-der.test.ts compares both readers on every key type and on mutated CSRs).
 */
import { createPublicKey, KeyObject, type AsymmetricKeyDetails } from "node:crypto";
import { children, parseDer, readTlv, type Tlv } from "./der";

/** What the fast reader found: the parts issuance needs and what the signature check needs. */
export interface CsrParts {
  /** The subject Name, DER as it was sent. */
  subjectDer: Uint8Array;
  /** The SubjectPublicKeyInfo, DER as it was sent (it goes into the certificate unchanged). */
  spki: Uint8Array;
  /** The subject's public key, already imported (the SPKI is canonical, so this is that key). */
  publicKey: KeyObject;
  /** The key's type as KeyObject.asymmetricKeyType names it. */
  keyKind: "ec" | "rsa" | "ed25519";
  /** What KeyObject.asymmetricKeyDetails says of it (curve, modulus size), read from the DER. */
  keyDetails: AsymmetricKeyDetails;
  /** The SAN entries asked for, in order, as @peculiar/x509 names them ("url" for URIs). */
  sans: { type: "dns" | "email" | "url" | "ip"; value: string }[];
  /** The signed CertificationRequestInfo and the signature over it. */
  signed: Uint8Array;
  signature: Uint8Array;
  /** The digest of the signature algorithm (null for Ed25519). */
  hash: "sha256" | "sha384" | "sha512" | null;
}

/** The bytes as a Buffer without copying them. */
const view = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
const hex = (b: Uint8Array) => view(b).toString("hex");
const b64url = (b: Uint8Array) => view(b).toString("base64url");

/** The AlgorithmIdentifier of each key cadesk reads fast (RFC 5480 2.1.1, RFC 3279 2.3.1, RFC 8410 3), and its EC point size. */
const EC_SPKI: Record<string, { namedCurve: string; pointSize: number }> = {
  "301306072a8648ce3d020106082a8648ce3d030107": { namedCurve: "prime256v1", pointSize: 32 }, // P-256
  "301006072a8648ce3d020106052b81040022": { namedCurve: "secp384r1", pointSize: 48 },
  "301006072a8648ce3d020106052b81040023": { namedCurve: "secp521r1", pointSize: 66 },
};
const RSA_ALGORITHM = "300d06092a864886f70d0101010500";
const ED25519_ALGORITHM = "300506032b6570";

/** Signature AlgorithmIdentifiers (RFC 5758 3.2: ECDSA without parameters; RFC 4055 5: RSA with NULL; RFC 8410 3). */
const SIGNATURES: Record<string, { kind: CsrParts["keyKind"]; hash: CsrParts["hash"] }> = {
  "300a06082a8648ce3d040302": { kind: "ec", hash: "sha256" },
  "300a06082a8648ce3d040303": { kind: "ec", hash: "sha384" },
  "300a06082a8648ce3d040304": { kind: "ec", hash: "sha512" },
  "300d06092a864886f70d01010b0500": { kind: "rsa", hash: "sha256" },
  "300d06092a864886f70d01010c0500": { kind: "rsa", hash: "sha384" },
  "300d06092a864886f70d01010d0500": { kind: "rsa", hash: "sha512" },
  "300506032b6570": { kind: "ed25519", hash: null },
};

const EXTENSION_REQUEST = "06092a864886f70d01090e"; // 1.2.840.113549.1.9.14, PKCS #9
const SAN_OID = "0603551d11"; // 2.5.29.17

/** Every child of a constructed node, and nothing after it. */
function sequence(node: Tlv, tag = 0x30): Tlv[] {
  if (node.tag !== tag) throw new Error("unexpected tag");
  return children(node);
}

/** A minimal positive INTEGER's magnitude (what a JWK carries), or undefined when it is not minimal. */
function positiveInteger(node: Tlv): Uint8Array | undefined {
  const v = node.value;
  if (node.tag !== 0x02 || v.length === 0 || v[0]! & 0x80) return undefined;
  if (v[0] === 0 && (v.length === 1 || !(v[1]! & 0x80))) return undefined;
  return v[0] === 0 ? v.subarray(1) : v;
}

/** How to import a CSR's key once the signature algorithm is known to match it. */
interface KeyImport {
  keyKind: CsrParts["keyKind"];
  keyDetails: AsymmetricKeyDetails;
  sync: () => KeyObject;
}

function keyImport(spki: Tlv): KeyImport | undefined {
  const [algorithm, bits, ...rest] = sequence(spki);
  if (!algorithm || !bits || rest.length || bits.tag !== 0x03 || bits.value[0] !== 0) return undefined;
  const key = bits.value.subarray(1);
  const alg = hex(algorithm.der);
  // Measured per key on Node 24 (OpenSSL 3.5), this machine: an EC key by its SPKI as sent 41 us for
  // P-256 (JWK 43-47, WebCrypto's raw import 100-106), 52-57 for P-384 and 56-64 for P-521 (JWK
  // 65-78); RSA by JWK 13-17 (SPKI 25), Ed25519 by JWK 7-8 (SPKI 18-19). The SPKI is canonical,
  // so it is this key; OpenSSL refuses a point that is not on the curve.
  const ec = EC_SPKI[alg];
  if (ec) {
    if (key.length !== 1 + 2 * ec.pointSize || key[0] !== 0x04) return undefined;
    const keyDetails = { namedCurve: ec.namedCurve };
    return { keyKind: "ec", keyDetails, sync: () => createPublicKey({ key: view(spki.der), format: "der", type: "spki" }) };
  }
  if (alg === RSA_ALGORITHM) {
    const rsa = parseDer(key);
    if (rsa.der.length !== key.length) return undefined;
    const [n, e, ...more] = sequence(rsa);
    const modulus = n && positiveInteger(n);
    const exponent = e && positiveInteger(e);
    if (!modulus || !exponent || more.length) return undefined;
    // BN_num_bits of the modulus, as OpenSSL reports it (positiveInteger dropped any leading zero byte).
    const keyDetails = { modulusLength: (modulus.length - 1) * 8 + (32 - Math.clz32(modulus[0]!)) };
    return {
      keyKind: "rsa",
      keyDetails,
      sync: () => createPublicKey({ key: { kty: "RSA", n: b64url(modulus), e: b64url(exponent) }, format: "jwk" }),
    };
  }
  if (alg === ED25519_ALGORITHM && key.length === 32) {
    return {
      keyKind: "ed25519",
      keyDetails: {},
      sync: () => createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: b64url(key) }, format: "jwk" }),
    };
  }
  return undefined;
}

/** The SAN's GeneralNames when every one is a kind the fast path copies; undefined otherwise. */
function sanEntries(extnValue: Tlv): CsrParts["sans"] | undefined {
  if (extnValue.tag !== 0x04) return undefined;
  const names = parseDer(extnValue.value);
  if (names.der.length !== extnValue.value.length) return undefined;
  const out: CsrParts["sans"] = [];
  for (const name of sequence(names)) {
    const type = name.tag === 0x82 ? "dns" : name.tag === 0x81 ? "email" : name.tag === 0x86 ? "url" : name.tag === 0x87 ? "ip" : undefined;
    if (!type) return undefined;
    if (type === "ip") {
      if (name.value.length !== 4) return undefined;
      out.push({ type, value: Array.from(name.value).join(".") });
      continue;
    }
    // IA5String: ASCII only; anything else is left to the full reader.
    if (name.value.some((b) => b > 0x7e || b < 0x20)) return undefined;
    out.push({ type, value: Buffer.from(name.value).toString("latin1") });
  }
  return out;
}

/** The SAN asked for in the attributes, [] when there are none, undefined for any other attribute or extension. */
function requestedSans(attributes: Tlv): CsrParts["sans"] | undefined {
  const list = sequence(attributes, 0xa0);
  if (list.length === 0) return [];
  if (list.length !== 1) return undefined;
  const [type, values, ...rest] = sequence(list[0]!);
  if (!type || !values || rest.length || hex(type.der) !== EXTENSION_REQUEST) return undefined;
  const set = sequence(values, 0x31);
  if (set.length !== 1) return undefined;
  const extensions = sequence(set[0]!);
  if (extensions.length !== 1) return extensions.length === 0 ? [] : undefined;
  const [oid, second, third, ...more] = sequence(extensions[0]!);
  if (!oid || !second || more.length || hex(oid.der) !== SAN_OID) return undefined;
  // critical BOOLEAN (DER: TRUE is FF; FALSE is left out, so a present FALSE is not DER) then extnValue.
  if (third) return second.tag === 0x01 && second.value.length === 1 && second.value[0] === 0xff ? sanEntries(third) : undefined;
  return sanEntries(second);
}

/** Everything of a common-shape CSR but its imported key, or undefined (see readCommonCsr). */
function readShape(der: Uint8Array): { parts: Omit<CsrParts, "publicKey">; key: KeyImport } | undefined {
  try {
    const { node: outer, next } = readTlv(der, 0);
    if (next !== der.length) return undefined;
    const [info, signatureAlgorithm, signatureBits, ...extra] = sequence(outer);
    if (!info || !signatureAlgorithm || !signatureBits || extra.length) return undefined;
    const [version, subject, spki, attributes, ...more] = sequence(info);
    if (!version || !subject || !spki || !attributes || more.length) return undefined;
    if (hex(version.der) !== "020100" || subject.tag !== 0x30) return undefined;
    const algorithm = SIGNATURES[hex(signatureAlgorithm.der)];
    if (!algorithm || signatureBits.tag !== 0x03 || signatureBits.value[0] !== 0) return undefined;
    const sans = requestedSans(attributes);
    if (!sans) return undefined;
    const key = keyImport(spki);
    if (!key || key.keyKind !== algorithm.kind) return undefined;
    return {
      parts: {
        subjectDer: subject.der,
        spki: spki.der,
        keyKind: key.keyKind,
        keyDetails: key.keyDetails,
        sans,
        signed: info.der,
        signature: signatureBits.value.subarray(1),
        hash: algorithm.hash,
      },
      key,
    };
  } catch {
    return undefined;
  }
}

/**
 * Reads a CSR of the common shape (see the file comment), or returns undefined for any other
 * shape and for anything malformed, an invalid key included: the caller then reads it with
 * @peculiar/x509 as before.
 */
export function readCommonCsr(der: Uint8Array): CsrParts | undefined {
  const shape = readShape(der);
  if (!shape) return undefined;
  try {
    return { ...shape.parts, publicKey: shape.key.sync() };
  } catch {
    return undefined;
  }
}
