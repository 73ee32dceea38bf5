/**
 * What a pasted or uploaded blob holds: certificates, CSRs and CRLs from PEM (any number of
 * blocks), DER, or a PKCS#7 bundle (.p7b/.p7c, PEM or DER). PKCS#12 is read by pkcs12-read.ts.
 */
import { AppError } from "../../errors";
import { assertDer, children, DerError, oidOf, parseDer, TAG, type Tlv } from "../der";
import { parsePemBlocks, type Bytes } from "../pem";
import { CONTENT_TYPE } from "../oids";
import { checkCertificate, checkCrl, checkCsr, StructureError } from "./structure";

export type ObjectKind = "certificate" | "csr" | "crl";

export interface FoundObject {
  kind: ObjectKind;
  der: Bytes;
  /** Where it came from, for the page: "PEM block 2", "PKCS#7 certificate 1". */
  source: string;
}

/** Classifies one DER object by its structure, without trusting any label. */
export function classifyDer(der: Bytes): ObjectKind | "pkcs7" | "pkcs12" | null {
  let root: Tlv;
  try {
    root = parseDer(der);
    if (root.der.length !== der.length) return null;
  } catch {
    return null;
  }
  if (root.tag !== TAG.SEQUENCE) return null;
  const top = safeChildren(root);
  if (!top) return null;
  if (top[0]?.tag === TAG.OID && oidOf(top[0]) === CONTENT_TYPE.signedData) return "pkcs7";
  if (top.length === 3 && top[0]?.tag === TAG.INTEGER && top[1]?.tag === TAG.SEQUENCE && top[2]?.tag === TAG.SEQUENCE) return "pkcs12";
  if (top.length !== 3 || top[0]?.tag !== TAG.SEQUENCE || top[2]?.tag !== TAG.BIT_STRING) return null;
  const inner = safeChildren(top[0]);
  if (!inner) return null;
  // tbsCertificate: [0] version or INTEGER serial, then AlgorithmIdentifier, Name, Validity ...
  // (a v1 certificate has no version and may have nothing after its key: six fields).
  if (inner[0]?.cls === "context" && inner[0].tagNumber === 0) return "certificate";
  if (
    inner[0]?.tag === TAG.INTEGER &&
    inner[1]?.tag === TAG.SEQUENCE &&
    inner[2]?.tag === TAG.SEQUENCE &&
    inner[3]?.tag === TAG.SEQUENCE &&
    inner.length >= 6
  )
    return "certificate";
  // CertificationRequestInfo: INTEGER version, Name, SubjectPublicKeyInfo, [0] attributes
  if (inner[0]?.tag === TAG.INTEGER && inner[3]?.cls === "context" && inner[3].tagNumber === 0) return "csr";
  // TBSCertList: [INTEGER version,] AlgorithmIdentifier, Name, Time ...
  const offset = inner[0]?.tag === TAG.INTEGER ? 1 : 0;
  if (
    inner[offset]?.tag === TAG.SEQUENCE &&
    inner[offset + 1]?.tag === TAG.SEQUENCE &&
    (inner[offset + 2]?.tag === TAG.UTCTime || inner[offset + 2]?.tag === TAG.GeneralizedTime)
  )
    return "crl";
  return null;
}

function safeChildren(node: Tlv): Tlv[] | null {
  try {
    return children(node);
  } catch (error) {
    if (error instanceof DerError) return null;
    throw error;
  }
}

const KIND_NAMES: Record<ObjectKind, string> = { certificate: "certificate", csr: "CSR", crl: "CRL" };
const CHECKS: Record<ObjectKind, (der: Uint8Array) => void> = { certificate: checkCertificate, csr: checkCsr, crl: checkCrl };

/** A refusal that says whether the bytes are BER (re-encode them) or damaged. */
function refusal(where: string, what: string, error: DerError | StructureError): AppError {
  return new AppError(
    "INVALID_INPUT",
    error.ber
      ? `${where} is encoded in BER, not DER: ${error.message}. RFC 5280 requires certificates and CRLs in DER; ask the issuer for a DER encoding.`
      : `${where} is not a valid ${what}: ${error.message}.`,
    "input",
  );
}

/**
 * Refuses an object that is not strict DER or not shaped as its kind requires (structure.ts),
 * with a message naming the field at fault, before anything tries to print it.
 */
export function checkObject(found: FoundObject): void {
  try {
    CHECKS[found.kind](found.der);
  } catch (error) {
    if (error instanceof StructureError || error instanceof DerError) throw refusal(found.source, KIND_NAMES[found.kind], error);
    throw error;
  }
}

/** Certificates (and CRLs) inside a PKCS#7 SignedData. */
export function pkcs7Contents(der: Bytes): FoundObject[] {
  try {
    return pkcs7Items(der);
  } catch (error) {
    if (error instanceof DerError || error instanceof TypeError)
      throw new AppError("INVALID_INPUT", `This PKCS#7 bundle is damaged: ${error.message}.`, "input");
    throw error;
  }
}

function pkcs7Items(der: Bytes): FoundObject[] {
  const [, content] = children(parseDer(der));
  const signedData = children(children(content!)[0]!);
  const found: FoundObject[] = [];
  for (const field of signedData) {
    if (field.cls !== "context") continue;
    const kind: ObjectKind = field.tagNumber === 0 ? "certificate" : "crl";
    children(field).forEach((item, i) => found.push({ kind, der: new Uint8Array(item.der), source: `PKCS#7 ${kind} ${i + 1}` }));
  }
  return found;
}

const PEM_KINDS: Record<string, ObjectKind | "pkcs7"> = {
  CERTIFICATE: "certificate",
  "TRUSTED CERTIFICATE": "certificate",
  "X509 CERTIFICATE": "certificate",
  "CERTIFICATE REQUEST": "csr",
  "NEW CERTIFICATE REQUEST": "csr",
  "X509 CRL": "crl",
  CRL: "crl",
  PKCS7: "pkcs7",
};

export interface Detected {
  objects: FoundObject[];
  /** A PKCS#12 file, which needs its password to be read. */
  pkcs12?: Bytes;
  /** Blocks that were left out, with why (private keys are never inspected). */
  skipped: string[];
}

/** Splits input into the objects it holds, or says plainly what it is not. */
export function detectObjects(input: string | Uint8Array): Detected {
  const bytes = typeof input === "string" ? null : input;
  const text = typeof input === "string" ? input : looksLikePem(input) ? Buffer.from(input).toString("utf8") : null;
  const detected: Detected = { objects: [], skipped: [] };
  if (text !== null) {
    const blocks = parsePemBlocks(text);
    if (blocks.length === 0) {
      throw new AppError(
        "INVALID_PEM",
        "No PEM block found: paste text from -----BEGIN ... to -----END ..., or upload the DER, .p7b or .p12 file.",
        "input",
      );
    }
    blocks.forEach((block, i) => {
      const kind = PEM_KINDS[block.label];
      const source = `PEM block ${i + 1} (${block.label})`;
      if (block.label.includes("PRIVATE KEY"))
        return detected.skipped.push(`${source}: private keys are not inspected, and should not be pasted into web pages.`);
      if (!kind) return detected.skipped.push(`${source}: not a certificate, CSR, CRL or PKCS#7 block.`);
      strictDer(block.der, source);
      if (classifyDer(block.der) !== kind)
        throw new AppError(
          "INVALID_PEM",
          `${source} is labelled ${block.label} but its content does not decode as one: it may be truncated or corrupted.`,
          "input",
        );
      if (kind === "pkcs7") detected.objects.push(...pkcs7Contents(block.der));
      else detected.objects.push({ kind, der: block.der, source });
    });
    detected.objects.forEach(checkObject);
    return detected;
  }
  const der = new Uint8Array(bytes!);
  strictDer(der, "This file");
  const kind = classifyDer(der);
  if (kind === null) {
    throw new AppError(
      "INVALID_INPUT",
      "This file is not a certificate, CSR, CRL, PKCS#7 or PKCS#12 in DER or PEM form (or it is truncated).",
      "input",
    );
  }
  if (kind === "pkcs12") detected.pkcs12 = der;
  else if (kind === "pkcs7") detected.objects.push(...pkcs7Contents(der));
  else detected.objects.push({ kind, der, source: "DER file" });
  detected.objects.forEach(checkObject);
  return detected;
}

/**
 * BER is refused up front with its own message; damaged bytes fall through to classification,
 * which says what the file is not. Bytes after a complete certificate, CSR or CRL are refused
 * too: OpenSSL's command line ignores them, but a DER file is exactly one object (and
 * Python's cryptography refuses them).
 */
function strictDer(der: Uint8Array, where: string) {
  try {
    assertDer(der);
  } catch (error) {
    if (!(error instanceof DerError)) throw error;
    if (error.ber) throw refusal(where, "DER object", error);
    const first = attemptFirst(der);
    if (first) {
      // the first object may itself be BER: say that first
      try {
        assertDer(first);
      } catch (inner) {
        if (inner instanceof DerError && inner.ber) throw refusal(where, "DER object", inner);
      }
    }
    const kind = first && classifyDer(first);
    if (kind && kind !== "pkcs12" && kind !== "pkcs7")
      throw new AppError(
        "INVALID_INPUT",
        `${where} holds a ${KIND_NAMES[kind]} followed by ${der.length - first!.length} more bytes: a DER file is exactly one object. Split the file, or paste each object as PEM.`,
        "input",
      );
  }
}

function attemptFirst(der: Uint8Array): Bytes | null {
  try {
    return new Uint8Array(parseDer(der).der);
  } catch {
    return null;
  }
}

/** Text has no control bytes besides tab and line breaks; DER almost always does. */
function looksLikePem(bytes: Uint8Array): boolean {
  const first = bytes.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09);
  return first !== undefined && first !== 0x30 && !bytes.some((b) => b < 0x09 || (b > 0x0d && b < 0x20));
}
