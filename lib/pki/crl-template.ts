/**
 * CRLs assembled from DER parts (issue #13), page by page: the same bytes @peculiar/x509's
 * X509CrlGenerator makes in signCrl (crl-template.test.ts compares whole CRLs), without holding
 * every revoked row, or an ASN.1 object per entry, in memory at once. A CA with 100,000
 * revocations is read in pages of a few thousand rows; each page is encoded to DER and dropped.
 * RFC 5280 5.1: TBSCertList, v2, with the CRL number and AKI extensions (5.2.1, 5.2.3) and a
 * reasonCode entry extension except for "unspecified" (5.3.1).
 */
import { createHash } from "node:crypto";
import { x509 } from "./crypto-provider";
import { subjectKeyId, type Issuer } from "./certificate";
import { algorithmIdentifier, ecdsaSigValue, SEQUENCE, derTime, tlv, unsignedInteger } from "./der-build";
import { EXTENSION } from "./oids";
import { REASON_CODES } from "./revocation-reasons";
import type { CrlEntry } from "./crl";
import { toPem } from "./pem";

export interface StreamedCrlParams {
  issuer: Issuer;
  number: number;
  thisUpdate: Date;
  nextUpdate: Date;
  /** The revoked certificates, in the order they are listed, a page at a time. */
  pages: AsyncIterable<CrlEntry[]>;
}

export interface SignedCrl {
  der: Uint8Array<ArrayBuffer>;
  pem: string;
  entries: number;
}

/** One revokedCertificates entry, assembled from Buffers: the general case, and the reference for `writeEntries`. */
function entry(e: CrlEntry): Buffer {
  const serial = unsignedInteger(Buffer.from(e.serialHex.length % 2 ? `0${e.serialHex}` : e.serialHex, "hex"));
  // As @peculiar/x509 writes it: an empty crlEntryExtensions SEQUENCE when there is no reason code
  // (strictly, RFC 5280's SIZE (1..MAX) wants the field left out; OpenSSL, NSS and Go accept both).
  if (e.reason === "unspecified") return tlv(SEQUENCE, serial, derTime(e.revokedAt), Buffer.from([0x30, 0x00]));
  // Extension { id-ce-cRLReasons, OCTET STRING { ENUMERATED code } }
  const reason = Buffer.from([0x30, 0x0a, 0x06, 0x03, 0x55, 0x1d, 0x15, 0x04, 0x03, 0x0a, 0x01, REASON_CODES[e.reason]]);
  return tlv(SEQUENCE, serial, derTime(e.revokedAt), tlv(SEQUENCE, reason));
}

/** SEQUENCE { Extension { id-ce-cRLReasons, OCTET STRING { ENUMERATED ... } } }, the code byte last. */
const REASON_EXTENSION = Buffer.from([0x30, 0x0c, 0x30, 0x0a, 0x06, 0x03, 0x55, 0x1d, 0x15, 0x04, 0x03, 0x0a, 0x01, 0x00]);
function lowerHex(hex: string, from: number): boolean {
  for (let i = from; i < hex.length; i++) {
    const c = hex.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

/** Two ASCII digits of `n` (0-99) at `at`. */
function digits(out: Buffer, at: number, n: number): void {
  out[at] = 0x30 + ((n / 10) | 0);
  out[at + 1] = 0x30 + (n % 10);
}

/**
 * A page of entries written straight into one Buffer (issue #13: at 100,000 entries, the seven
 * small Buffers per entry of `entry` were most of the signing time, in allocation and GC). The
 * same bytes as `entry` (crl-template.test.ts compares both with @peculiar/x509); an entry of an
 * unusual shape (a serial longer than 20 octets, not lowercase hex) goes through `entry`.
 */
function writeEntries(page: CrlEntry[]): Buffer {
  const out = Buffer.allocUnsafe(page.length * 64);
  let at = 0;
  for (const e of page) {
    let hex = e.serialHex;
    if (hex.length % 2) hex = "0" + hex;
    let skip = 0;
    while (skip < hex.length - 2 && hex.charCodeAt(skip) === 0x30 && hex.charCodeAt(skip + 1) === 0x30) skip += 2;
    const octets = (hex.length - skip) / 2;
    const year = e.revokedAt.getUTCFullYear();
    // Lowercase hex only: Buffer's hex writer would stop at anything else, and uppercase is not how serials are stored.
    if (octets > 20 || octets < 1 || !(year >= 1950 && year <= 9999) || !lowerHex(hex, skip)) {
      const slow = entry(e);
      if (at + slow.length > out.length) return Buffer.concat([out.subarray(0, at), slow, writeEntries(page.slice(page.indexOf(e) + 1))]);
      slow.copy(out, at);
      at += slow.length;
      continue;
    }
    const high = parseInt(hex[skip]!, 16) >= 8;
    const intLength = octets + (high ? 1 : 0);
    const generalized = year > 2049; // RFC 5280 5.1.2.6: UTCTime through 2049
    const timeLength = generalized ? 15 : 13;
    const unspecified = e.reason === "unspecified";
    out[at] = 0x30;
    out[at + 1] = 2 + intLength + 2 + timeLength + (unspecified ? 2 : REASON_EXTENSION.length);
    out[at + 2] = 0x02;
    out[at + 3] = intLength;
    at += 4;
    if (high) out[at++] = 0;
    at += out.write(hex.slice(skip), at, "hex");
    out[at] = generalized ? 0x18 : 0x17;
    out[at + 1] = timeLength;
    at += 2;
    if (generalized) {
      digits(out, at, (year / 100) | 0);
      at += 2;
    }
    digits(out, at, year % 100);
    digits(out, at + 2, e.revokedAt.getUTCMonth() + 1);
    digits(out, at + 4, e.revokedAt.getUTCDate());
    digits(out, at + 6, e.revokedAt.getUTCHours());
    digits(out, at + 8, e.revokedAt.getUTCMinutes());
    digits(out, at + 10, e.revokedAt.getUTCSeconds());
    out[at + 12] = 0x5a; // Z
    at += 13;
    if (unspecified) {
      out[at] = 0x30;
      out[at + 1] = 0;
      at += 2;
    } else {
      REASON_EXTENSION.copy(out, at);
      out[at + REASON_EXTENSION.length - 1] = REASON_CODES[e.reason];
      at += REASON_EXTENSION.length;
    }
  }
  return out.subarray(0, at);
}

export async function signCrlStreamed(params: StreamedCrlParams): Promise<SignedCrl> {
  const { issuer } = params;
  const algorithm = algorithmIdentifier(issuer.signer.keyType);
  const chunks: Buffer[] = [];
  let entries = 0;
  for await (const page of params.pages) {
    if (page.length === 0) continue;
    chunks.push(writeEntries(page));
    entries += page.length;
  }
  const crlNumber = new x509.Extension(EXTENSION.crlNumber, false, new Uint8Array(unsignedInteger(numberBytes(params.number))));
  const aki = new x509.AuthorityKeyIdentifierExtension(await subjectKeyId(issuer.certificate), false);
  const tbs = tlv(
    SEQUENCE,
    Buffer.from([0x02, 0x01, 0x01]), // Version v2
    algorithm,
    Buffer.from(issuer.certificate.subjectName.toArrayBuffer()),
    derTime(params.thisUpdate),
    derTime(params.nextUpdate),
    ...(entries ? [tlv(SEQUENCE, ...chunks)] : []),
    tlv(0xa0, tlv(SEQUENCE, Buffer.from(aki.rawData), Buffer.from(crlNumber.rawData))), // [0] EXPLICIT Extensions
  );
  chunks.length = 0;
  const raw = await issuer.signer.sign(tbs);
  const signature = issuer.signer.keyType.startsWith("ecdsa") ? ecdsaSigValue(raw) : Buffer.from(raw);
  const der = new Uint8Array(tlv(SEQUENCE, tbs, algorithm, tlv(0x03, Buffer.from([0]), signature)));
  return { der, pem: toPem(der, "X509 CRL"), entries };
}

function numberBytes(n: number): Buffer {
  let hex = n.toString(16);
  if (hex.length % 2) hex = "0" + hex;
  return Buffer.from(hex, "hex");
}

/** An entity tag for a CRL's bytes (RFC 9110 8.8.3): strong, from its content. */
export function crlEtag(der: Uint8Array): string {
  return `"${createHash("sha256").update(der).digest("base64url").slice(0, 27)}"`;
}

/** One DER element's content bounds at `offset`. */
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

const CRL_NUMBER_OID = Buffer.from("0603551d14", "hex");

/**
 * The CRL number of a DER CRL, read by skipping from element to element (the list of revoked
 * certificates is jumped over, not parsed): cheap at any size. Null when it has none.
 */
export function crlNumberOf(der: Uint8Array): number | null {
  const crl = element(der, 0);
  const tbs = element(der, crl.start);
  let last = -1;
  for (let at = tbs.start; at < tbs.end; at = element(der, at).end) last = at;
  if (last < 0 || der[last] !== 0xa0) return null;
  const extensions = element(der, element(der, last).start);
  for (let at = extensions.start; at < extensions.end; at = element(der, at).end) {
    const ext = element(der, at);
    if (!Buffer.from(der.subarray(ext.start, ext.start + CRL_NUMBER_OID.length)).equals(CRL_NUMBER_OID)) continue;
    // extnID, [critical], extnValue OCTET STRING { INTEGER }
    let inner = ext.start + CRL_NUMBER_OID.length;
    if (der[inner] === 0x01) inner = element(der, inner).end;
    const integer = element(der, element(der, inner).start);
    let n = 0;
    for (let i = integer.start; i < integer.end; i++) n = n * 256 + der[i]!;
    return n;
  }
  return null;
}
