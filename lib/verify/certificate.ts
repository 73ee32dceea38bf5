/**
 * A certificate read the way a path validator needs it: the exact bytes that were signed, names as
 * comparable values, and every extension decoded strictly. A certificate whose outer structure is
 * broken cannot be used at all (`CertificateParseError`); a malformed extension is kept as a
 * finding (`malformed`) so the verdict can name it rather than crash.
 */
import { createHash } from "node:crypto";
import { children, DerError, oidOf, parseDer, type Tlv } from "../pki/der";
import { parseGeneralName, parseGeneralNames, parseName, type GeneralName, type NameValue } from "./names";
import { OID } from "./oids";

export class CertificateParseError extends Error {}

export interface Extension {
  oid: string;
  critical: boolean;
  /** The extnValue OCTET STRING's contents. */
  value: Uint8Array;
}

export interface KeyInfo {
  algorithm: "RSA" | "RSA-PSS" | "EC" | "Ed25519" | "Ed448" | "DSA" | "unknown";
  /** RSA modulus bits or curve size. */
  bits?: number;
  /** Named curve OID, or "explicit" for curve parameters spelled out. */
  curve?: string;
  oid: string;
}

export interface NameConstraints {
  permitted: GeneralName[];
  excluded: GeneralName[];
}

export interface ParsedCertificate {
  der: Uint8Array;
  sha256: string;
  tbs: Uint8Array;
  /** 1, 2 or 3. */
  version: number;
  serial: Uint8Array;
  /** The AlgorithmIdentifier inside the TBS and outside it (they must be identical, RFC 5280 4.1.1.2). */
  innerSignatureAlgorithm: Uint8Array;
  signatureAlgorithm: Uint8Array;
  signature: Uint8Array;
  issuer: NameValue;
  subject: NameValue;
  notBefore: Date;
  notAfter: Date;
  spki: Uint8Array;
  key: KeyInfo;
  extensions: Extension[];
  /** OIDs present more than once (RFC 5280 4.2 forbids it). */
  duplicateExtensions: string[];
  /** Extensions this reader knows but could not decode: oid and why. */
  malformed: { oid: string; reason: string }[];
  basicConstraints?: { ca: boolean; pathLen?: number; critical: boolean };
  /** RFC 5280 4.2.1.3 bit numbers (0 = digitalSignature ... 8 = decipherOnly) that are set. */
  keyUsage?: Set<number>;
  extKeyUsage?: { oids: string[]; critical: boolean };
  subjectAltNames?: { names: GeneralName[]; critical: boolean };
  nameConstraints?: NameConstraints & { critical: boolean };
  authorityKeyId?: { keyId?: Uint8Array; hasIssuer: boolean; hasSerial: boolean; critical: boolean };
  subjectKeyId?: { keyId: Uint8Array; critical: boolean };
  policies?: string[];
  policyConstraints?: { requireExplicitPolicy?: number; inhibitPolicyMapping?: number; critical: boolean };
  /** Policy Mappings (RFC 5280 4.2.1.5): issuerDomainPolicy is considered equivalent to subjectDomainPolicy. */
  policyMappings?: { issuerDomainPolicy: string; subjectDomainPolicy: string }[];
  /** Inhibit anyPolicy's SkipCerts (RFC 5280 4.2.1.14). */
  inhibitAnyPolicy?: number;
  /** caIssuers URLs from the Authority Information Access extension. */
  caIssuers: string[];
  selfIssued: boolean;
}

const seq = (node: Tlv | undefined, what: string): Tlv[] => {
  if (!node || node.tag !== 0x30) throw new CertificateParseError(`${what} is not a SEQUENCE`);
  return children(node);
};

/** UTCTime (YYMMDDHHMMSSZ) or GeneralizedTime (YYYYMMDDHHMMSSZ), the only forms RFC 5280 4.1.2.5 allows. */
export function parseDerTime(node: Tlv): Date {
  const text = Buffer.from(node.value).toString("latin1");
  const m =
    node.tag === 0x17
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
      : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m || (node.tag !== 0x17 && node.tag !== 0x18)) throw new CertificateParseError(`"${text}" is not a valid certificate time`);
  let year = Number(m[1]);
  if (node.tag === 0x17) year += year < 50 ? 2000 : 1900;
  const date = new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
  if (Number.isNaN(date.getTime()) || date.getUTCDate() !== Number(m[3])) throw new CertificateParseError(`"${text}" is not a valid date`);
  return date;
}

const CURVE_BITS: Record<string, number> = {
  [OID.p256]: 256,
  [OID.p384]: 384,
  [OID.p521]: 521,
  [OID.p192]: 192,
  [OID.p224]: 224,
  [OID.secp256k1]: 256,
};

/** The key type and strength from a SubjectPublicKeyInfo. */
export function describeKey(spki: Uint8Array): KeyInfo {
  const [alg, bits] = children(parseDer(spki));
  const [oidNode, params] = children(alg!);
  const oid = oidOf(oidNode!);
  if (oid === OID.rsaEncryption || oid === OID.rsaPss) {
    // BIT STRING: one byte of unused bits, then RSAPublicKey ::= SEQUENCE { modulus, exponent }.
    const modulus = children(parseDer(bits!.value.subarray(1)))[0]!.value;
    let i = 0;
    while (i < modulus.length - 1 && modulus[i] === 0) i++;
    const top = modulus[i]!;
    const size = (modulus.length - i - 1) * 8 + (top === 0 ? 0 : 32 - Math.clz32(top));
    return { algorithm: oid === OID.rsaPss ? "RSA-PSS" : "RSA", bits: size, oid };
  }
  if (oid === OID.ecPublicKey) {
    if (!params || params.tag !== 0x06) return { algorithm: "EC", curve: "explicit", oid };
    const curve = oidOf(params);
    return { algorithm: "EC", curve, bits: CURVE_BITS[curve], oid };
  }
  if (oid === OID.ed25519) return { algorithm: "Ed25519", bits: 256, oid };
  if (oid === OID.ed448) return { algorithm: "Ed448", bits: 448, oid };
  if (oid === OID.dsa) return { algorithm: "DSA", oid };
  return { algorithm: "unknown", oid };
}

function bool(node: Tlv): boolean {
  if (node.tag !== 0x01 || node.value.length !== 1) throw new CertificateParseError("a BOOLEAN is malformed");
  return node.value[0] !== 0;
}

function smallInt(node: Tlv): number {
  if (node.value.length === 0 || node.value.length > 4 || node.value[0]! & 0x80)
    throw new CertificateParseError("an INTEGER is out of range");
  return node.value.reduce((n, b) => n * 256 + b, 0);
}

/** Decodes the extensions the validator acts on into `cert`; throws on a malformed one. */
function decodeExtension(cert: ParsedCertificate, ext: Extension): void {
  const root = parseDer(ext.value);
  if (root.der.length !== ext.value.length) throw new CertificateParseError("trailing bytes after the value");
  switch (ext.oid) {
    case OID.basicConstraints: {
      const items = seq(root, "basicConstraints");
      let ca = false;
      let pathLen: number | undefined;
      for (const item of items) {
        if (item.tag === 0x01) ca = bool(item);
        else if (item.tag === 0x02) pathLen = smallInt(item);
        else throw new CertificateParseError("unexpected field");
      }
      cert.basicConstraints = { ca, pathLen, critical: ext.critical };
      return;
    }
    case OID.keyUsage: {
      if (root.tag !== 0x03 || root.value.length < 1) throw new CertificateParseError("not a BIT STRING");
      const set = new Set<number>();
      for (let bit = 0; bit < (root.value.length - 1) * 8; bit++) if (root.value[1 + (bit >> 3)]! & (0x80 >> (bit & 7))) set.add(bit);
      cert.keyUsage = set;
      return;
    }
    case OID.extKeyUsage: {
      const oids = seq(root, "extKeyUsage").map((n) => {
        if (n.tag !== 0x06) throw new CertificateParseError("a purpose is not an OID");
        return oidOf(n);
      });
      if (oids.length === 0) throw new CertificateParseError("it lists no purpose (RFC 5280 4.2.1.12 requires at least one)");
      cert.extKeyUsage = { oids, critical: ext.critical };
      return;
    }
    case OID.subjectAltName: {
      const names = parseGeneralNames(root);
      if (names.length === 0) throw new CertificateParseError("it holds no name (RFC 5280 4.2.1.6 requires at least one)");
      cert.subjectAltNames = { names, critical: ext.critical };
      return;
    }
    case OID.nameConstraints: {
      const nc: NameConstraints = { permitted: [], excluded: [] };
      const items = seq(root, "nameConstraints");
      if (items.length === 0)
        throw new CertificateParseError("neither permitted nor excluded subtrees (RFC 5280 4.2.1.10 forbids an empty sequence)");
      for (const item of items) {
        if (item.tag !== 0xa0 && item.tag !== 0xa1) throw new CertificateParseError("unexpected field");
        const subtrees = children(item);
        if (subtrees.length === 0) throw new CertificateParseError("an empty list of subtrees");
        const names: GeneralName[] = subtrees.map((st) => {
          const [base, ...rest] = seq(st, "a subtree");
          // minimum MUST be zero and maximum MUST be absent (RFC 5280 4.2.1.10).
          if (rest.some((r) => r.tag === 0xa1 || (r.tag === 0x80 && r.value.some((b) => b !== 0))))
            throw new CertificateParseError("a subtree sets minimum or maximum, which RFC 5280 forbids");
          return parseGeneralName(base!);
        });
        (item.tag === 0xa0 ? nc.permitted : nc.excluded).push(...names);
      }
      cert.nameConstraints = { ...nc, critical: ext.critical };
      return;
    }
    case OID.authorityKeyIdentifier: {
      const aki: NonNullable<ParsedCertificate["authorityKeyId"]> = { hasIssuer: false, hasSerial: false, critical: ext.critical };
      for (const item of seq(root, "authorityKeyIdentifier")) {
        if (item.tag === 0x80) aki.keyId = item.value;
        else if (item.tag === 0xa1) aki.hasIssuer = true;
        else if (item.tag === 0x82) aki.hasSerial = true;
        else throw new CertificateParseError("unexpected field");
      }
      cert.authorityKeyId = aki;
      return;
    }
    case OID.subjectKeyIdentifier:
      if (root.tag !== 0x04) throw new CertificateParseError("not an OCTET STRING");
      cert.subjectKeyId = { keyId: root.value, critical: ext.critical };
      return;
    case OID.certificatePolicies:
      cert.policies = seq(root, "certificatePolicies").map((info) => oidOf(seq(info, "a policy")[0]!));
      if (cert.policies.length === 0) throw new CertificateParseError("it lists no policy");
      return;
    case OID.policyMappings:
      cert.policyMappings = seq(root, "policyMappings").map((m) => {
        const [from, to, ...rest] = seq(m, "a policy mapping");
        if (from?.tag !== 0x06 || to?.tag !== 0x06 || rest.length) throw new CertificateParseError("a mapping is not two policy OIDs");
        return { issuerDomainPolicy: oidOf(from), subjectDomainPolicy: oidOf(to) };
      });
      if (cert.policyMappings.length === 0) throw new CertificateParseError("it maps no policy (RFC 5280 4.2.1.5 requires at least one)");
      return;
    case OID.inhibitAnyPolicy:
      if (root.tag !== 0x02) throw new CertificateParseError("SkipCerts is not an INTEGER");
      cert.inhibitAnyPolicy = smallInt(root);
      return;
    case OID.policyConstraints: {
      const pc: NonNullable<ParsedCertificate["policyConstraints"]> = { critical: ext.critical };
      const items = seq(root, "policyConstraints");
      if (items.length === 0) throw new CertificateParseError("an empty sequence (RFC 5280 4.2.1.11 forbids it)");
      for (const item of items) {
        if (item.tag === 0x80) pc.requireExplicitPolicy = smallInt(item);
        else if (item.tag === 0x81) pc.inhibitPolicyMapping = smallInt(item);
        else throw new CertificateParseError("unexpected field");
      }
      cert.policyConstraints = pc;
      return;
    }
    case OID.authorityInfoAccess:
      for (const desc of seq(root, "authorityInfoAccess")) {
        const [method, location] = seq(desc, "an access description");
        if (method?.tag !== 0x06 || !location) throw new CertificateParseError("an access description is malformed");
        const name = parseGeneralName(location);
        if (oidOf(method) === OID.caIssuers && name?.type === "uri") cert.caIssuers.push(name.value);
      }
      return;
  }
}

/** Reads a DER certificate; throws CertificateParseError when it is not one. */
export function parseCertificate(der: Uint8Array): ParsedCertificate {
  try {
    const top = parseDer(der);
    if (top.der.length !== der.length) throw new CertificateParseError("trailing bytes after the certificate");
    const [tbsNode, sigAlg, sigValue] = seq(top, "Certificate");
    if (!tbsNode || !sigAlg || sigValue?.tag !== 0x03) throw new CertificateParseError("Certificate has the wrong shape");
    const fields = seq(tbsNode, "TBSCertificate");
    let i = 0;
    let version = 1;
    if (fields[0]?.tag === 0xa0) {
      version = smallInt(children(fields[0])[0]!) + 1;
      i++;
    }
    const serial = fields[i++]!;
    const innerAlg = fields[i++]!;
    const issuer = fields[i++]!;
    const validity = seq(fields[i++], "Validity");
    const subject = fields[i++]!;
    const spki = fields[i++]!;
    if (serial?.tag !== 0x02 || issuer?.tag !== 0x30 || subject?.tag !== 0x30 || spki?.tag !== 0x30 || validity.length !== 2)
      throw new CertificateParseError("TBSCertificate has the wrong shape");
    const cert: ParsedCertificate = {
      der,
      sha256: createHash("sha256").update(der).digest("hex"),
      tbs: tbsNode.der,
      version,
      serial: serial.value,
      innerSignatureAlgorithm: innerAlg.der,
      signatureAlgorithm: sigAlg.der,
      signature: sigValue.value.subarray(1),
      issuer: parseName(issuer),
      subject: parseName(subject),
      notBefore: parseDerTime(validity[0]!),
      notAfter: parseDerTime(validity[1]!),
      spki: spki.der,
      key: describeKey(spki.der),
      extensions: [],
      duplicateExtensions: [],
      malformed: [],
      caIssuers: [],
      selfIssued: false,
    };
    cert.selfIssued = cert.issuer.key === cert.subject.key;
    const extField = fields.slice(i).find((f) => f.tag === 0xa3);
    if (extField) {
      const list = seq(children(extField)[0], "Extensions");
      for (const e of list) {
        const parts = seq(e, "Extension");
        const oid = oidOf(parts[0]!);
        const critical = parts.length === 3 ? bool(parts[1]!) : false;
        const value = parts[parts.length - 1]!;
        if (value.tag !== 0x04) throw new CertificateParseError(`extension ${oid} has no OCTET STRING value`);
        if (cert.extensions.some((x) => x.oid === oid)) cert.duplicateExtensions.push(oid);
        cert.extensions.push({ oid, critical, value: value.value });
      }
    }
    for (const ext of cert.extensions) {
      try {
        decodeExtension(cert, ext);
      } catch (error) {
        if (!(error instanceof CertificateParseError || error instanceof DerError)) throw error;
        cert.malformed.push({ oid: ext.oid, reason: error.message });
      }
    }
    return cert;
  } catch (error) {
    if (error instanceof CertificateParseError) throw error;
    if (error instanceof DerError || error instanceof TypeError || error instanceof RangeError)
      throw new CertificateParseError(`not a valid DER certificate (${error.message})`);
    throw error;
  }
}
