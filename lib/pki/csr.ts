import { AppError } from "../errors";
import { x509 } from "./crypto-provider";
import { subjectLabel, type CsrRequested } from "./csr-review";
import { verify } from "node:crypto";
import { readCommonCsr, type CsrParts } from "./csr-der";
import { describeKeyDetails, describePublicKey, type PublicKeyInfo } from "./keys";
import { normaliseSans, type San, type SanLists } from "./names";
import { readPemOrDer } from "./pem";
import { nameFromDer } from "./subject-name";

/** A subject public key as the leaf template reads it: x509.PublicKey, or the fast reader's SPKI. */
export interface SubjectPublicKey {
  /** The SubjectPublicKeyInfo DER. */
  readonly rawData: ArrayBuffer;
  /** "RSASSA-PKCS1-v1_5" for an RSA key (the name @peculiar/x509 gives it), else ECDSA, Ed25519 ... */
  readonly algorithm: { name: string };
  /** The same DER as rawData, when it is at hand as bytes (the leaf template reads it without a copy). */
  readonly spki?: Uint8Array;
}

export interface ParsedCsr {
  /** The CSR as @peculiar/x509 reads it (made on first use when the fast reader read the CSR). */
  request: x509.Pkcs10CertificateRequest;
  /** The CSR's public key, for the certificate. */
  publicKey: SubjectPublicKey;
  subject: x509.Name;
  /** The subject as OpenSSL's one-line form, "CN=api, O=Acme". */
  subjectText: string;
  commonName: string;
  /** SANs asked for in the extensionRequest attribute, normalised. */
  sans: San[];
  /** SAN kinds present in the CSR that cadesk does not copy (directory names, UPNs ...). */
  ignoredSans: string[];
  keyInfo: PublicKeyInfo;
  signatureAlgorithm: string;
  /** Subject attributes, usages and other extensions asked for (what signing keeps: lib/pki/csr-review.ts). */
  requested: CsrRequested;
}

const CSR_LABELS = ["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"];

/**
 * An x509.Name that serializes itself once: @peculiar/x509 encodes a Name again on every
 * toArrayBuffer() (~50 us), and the pipeline asks more than once. (Not the DER it was read from:
 * a Name that does not survive decoding, such as invalid UTF-8 in a UTF8String, is re-encoded as
 * the full reader has always done.)
 */
class ReadName extends x509.Name {
  private encoded?: ArrayBuffer;
  override toArrayBuffer(): ArrayBuffer {
    this.encoded ??= super.toArrayBuffer();
    return this.encoded.slice(0);
  }
}

/** What the fast reader's CSRs keep for verifyCsrSignature. */
const fastParts = new WeakMap<ParsedCsr, CsrParts>();

const RSA_NAME = "RSASSA-PKCS1-v1_5";
const KEY_ALGORITHM_NAMES: Record<CsrParts["keyKind"], string> = { ec: "ECDSA", rsa: RSA_NAME, ed25519: "Ed25519" };

/** A CSR the fast reader read (lib/pki/csr-der.ts): the same fields, @peculiar/x509's only where they are asked for. */
function fromParts(der: Uint8Array<ArrayBuffer>, parts: CsrParts): ParsedCsr | undefined {
  let subject: x509.Name | undefined = nameFromDer(parts.subjectDer);
  try {
    subject ??= new ReadName(new Uint8Array(parts.subjectDer));
  } catch {
    return undefined;
  }
  const lists: SanLists = { dns: [], ip: [], email: [], uri: [] };
  for (const name of parts.sans) (name.type === "url" ? lists.uri : lists[name.type])!.push(name.value);
  let request: x509.Pkcs10CertificateRequest | undefined;
  const parsed = {
    get request() {
      return (request ??= new x509.Pkcs10CertificateRequest(der));
    },
    // rawData (an ArrayBuffer of its own) only when something asks for it; the template reads spki.
    publicKey: {
      spki: parts.spki,
      get rawData() {
        return parts.spki.slice().buffer;
      },
      algorithm: { name: KEY_ALGORITHM_NAMES[parts.keyKind] },
    },
    subject,
    subjectText: subject.toString(),
    commonName: subject.getField("CN")[0] ?? "",
    sans: normaliseSans(lists),
    ignoredSans: [],
    keyInfo: describeKeyDetails(parts.keyKind, parts.keyDetails),
    get signatureAlgorithm() {
      return describeSignatureAlgorithm(this.request.signatureAlgorithm);
    },
    get requested() {
      return requestedParts(this.request);
    },
  };
  fastParts.set(parsed, parts);
  return parsed;
}

/** Reads a PKCS#10 CSR from PEM text or DER bytes and lists what it asks for. */
export function parseCsr(input: string | Uint8Array): ParsedCsr {
  const der = readPemOrDer(input, CSR_LABELS, "certificate signing request");
  return fastOrFull(der, readCommonCsr(der));
}

/** What the fast reader read, or, for any other CSR, what @peculiar/x509 reads. */
function fastOrFull(der: Uint8Array<ArrayBuffer>, parts: CsrParts | undefined): ParsedCsr {
  return (parts && fromParts(der, parts)) ?? parseCsrWithX509(der);
}

/** The full reader (@peculiar/x509), for CSRs of any other shape; also what csr-der.test.ts compares the fast reader to. */
export function parseCsrWithX509(der: Uint8Array<ArrayBuffer>): ParsedCsr {
  let request: x509.Pkcs10CertificateRequest;
  try {
    request = new x509.Pkcs10CertificateRequest(der);
  } catch {
    throw new AppError(
      "INVALID_CSR",
      "The data is not a valid PKCS#10 certificate signing request (it could not be decoded). Create one with `openssl req -new`.",
      "csr",
    );
  }
  const lists: SanLists = { dns: [], ip: [], email: [], uri: [] };
  const ignoredSans: string[] = [];
  const sanExt = request.extensions.find((e) => e instanceof x509.SubjectAlternativeNameExtension) as
    x509.SubjectAlternativeNameExtension | undefined;
  for (const name of sanExt?.names.items ?? []) {
    if (name.type === "dns") lists.dns!.push(name.value);
    else if (name.type === "ip") lists.ip!.push(name.value);
    else if (name.type === "email") lists.email!.push(name.value);
    else if (name.type === "url") lists.uri!.push(name.value);
    else ignoredSans.push(`${name.type}:${name.value}`);
  }
  const commonName = request.subjectName.getField("CN")[0] ?? "";
  return {
    request,
    publicKey: request.publicKey,
    subject: request.subjectName,
    subjectText: request.subject,
    commonName,
    sans: normaliseSans(lists),
    ignoredSans,
    keyInfo: describePublicKey(new Uint8Array(request.publicKey.rawData)),
    signatureAlgorithm: describeSignatureAlgorithm(request.signatureAlgorithm),
    requested: requestedParts(request),
  };
}

const KEY_USAGE_NAMES: [x509.KeyUsageFlags, string][] = [
  [x509.KeyUsageFlags.digitalSignature, "digitalSignature"],
  [x509.KeyUsageFlags.nonRepudiation, "nonRepudiation"],
  [x509.KeyUsageFlags.keyEncipherment, "keyEncipherment"],
  [x509.KeyUsageFlags.dataEncipherment, "dataEncipherment"],
  [x509.KeyUsageFlags.keyAgreement, "keyAgreement"],
  [x509.KeyUsageFlags.keyCertSign, "keyCertSign"],
  [x509.KeyUsageFlags.cRLSign, "cRLSign"],
  [x509.KeyUsageFlags.encipherOnly, "encipherOnly"],
  [x509.KeyUsageFlags.decipherOnly, "decipherOnly"],
];

const EXTENSION_NAMES: Record<string, string> = {
  "2.5.29.14": "subjectKeyIdentifier",
  "2.5.29.30": "nameConstraints",
  "2.5.29.32": "certificatePolicies",
  "1.3.6.1.5.5.7.1.24": "TLS feature (OCSP must-staple)",
  "1.3.6.1.5.5.7.1.1": "authorityInfoAccess",
  "2.5.29.31": "cRLDistributionPoints",
};

/** The CSR's subject attributes and requested extensions other than the SAN, as plain data. */
function requestedParts(request: x509.Pkcs10CertificateRequest): CsrRequested {
  const subject = request.subjectName
    .toJSON()
    .flatMap((rdn) => Object.entries(rdn).flatMap(([type, values]) => values.map((value) => ({ type, label: subjectLabel(type), value }))));
  const requested: CsrRequested = { subject, extendedKeyUsages: [], keyUsages: [], asksForCa: false, otherExtensions: [] };
  for (const extension of request.extensions) {
    if (extension instanceof x509.SubjectAlternativeNameExtension) continue;
    if (extension instanceof x509.ExtendedKeyUsageExtension) requested.extendedKeyUsages.push(...extension.usages.map(String));
    else if (extension instanceof x509.KeyUsagesExtension)
      requested.keyUsages.push(...KEY_USAGE_NAMES.filter(([flag]) => extension.usages & flag).map(([, name]) => name));
    else if (extension instanceof x509.BasicConstraintsExtension) requested.asksForCa = extension.ca;
    else requested.otherExtensions.push(EXTENSION_NAMES[extension.type] ?? extension.type);
  }
  return requested;
}

function describeSignatureAlgorithm(alg: { name: string; hash?: { name: string } | string }): string {
  const hash = typeof alg.hash === "string" ? alg.hash : alg.hash?.name;
  return hash ? `${alg.name} with ${hash}` : alg.name;
}

/**
 * Proof of possession: the CSR is signed by the private key matching the public key it carries.
 * A CSR that fails this was altered after signing, or assembled by someone without the key.
 */
export async function verifyCsrSignature(csr: ParsedCsr): Promise<void> {
  // node:crypto verifies synchronously, with no trip to the thread pool. A signature it refuses
  // is judged again by @peculiar/x509, so a refusal is always the one cadesk gave before.
  if (verifiedByNode(csr)) return;
  let valid = false;
  try {
    valid = await csr.request.verify();
  } catch {
    valid = false;
  }
  if (!valid) {
    throw new AppError(
      "INVALID_CSR",
      "The CSR's signature does not verify: it was modified after it was created, or it was not signed by the key it contains. Generate it again with `openssl req -new`.",
      "csr",
    );
  }
}

/**
 * True when node:crypto accepts the signature of a CSR the fast reader read (synchronously: the
 * issuance pipeline then needs no promise for it); false means "ask verifyCsrSignature", not "bad".
 */
export function verifiedByNode(csr: ParsedCsr): boolean {
  const parts = fastParts.get(csr);
  return !!parts && verify(parts.hash, parts.signed, parts.publicKey, parts.signature);
}

/** Refuses keys that modern TLS stacks reject or that cadesk cannot put in a certificate. */
export function checkCsrKey(info: PublicKeyInfo): void {
  if (info.algorithm === "RSA" && (info.bits ?? 0) < 2048) {
    throw new AppError(
      "INVALID_CSR",
      `The CSR's key is ${info.label}: RSA keys under 2048 bits are too weak and rejected by browsers and Go. Use RSA 2048+ or ECDSA P-256.`,
      "csr",
    );
  }
  const supported =
    info.algorithm === "RSA" ||
    info.algorithm === "Ed25519" ||
    (info.algorithm === "EC" && ["P-256", "P-384", "P-521"].includes(info.curve ?? ""));
  if (!supported) {
    throw new AppError(
      "INVALID_CSR",
      `The CSR's key type (${info.label}) is not supported. Use ECDSA P-256/P-384/P-521, RSA 2048-8192 or Ed25519.`,
      "csr",
    );
  }
  if (info.algorithm === "RSA" && (info.bits ?? 0) > 8192) {
    throw new AppError("INVALID_CSR", `The CSR's key is ${info.label}: over 8192 bits is not supported.`, "csr");
  }
}
