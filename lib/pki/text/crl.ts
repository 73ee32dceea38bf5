/**
 * A certificate revocation list as `openssl crl -text -noout` prints it (OpenSSL 3.0,
 * X509_CRL_print_ex), line for line.
 */
import { children, parseDer, TAG, type Tlv } from "../der";
import { printExtensionList } from "./extensions";
import { printName } from "./name";
import { signatureBlock } from "./signature";
import { printTime } from "./time";

/** i2a_ASN1_INTEGER: uppercase hex of the magnitude, "-" for negatives, a "\\" break every 35 octets. */
export function integerHex(node: Tlv): string {
  let bytes = node.value;
  let sign = "";
  if (bytes.length && bytes[0]! & 0x80) {
    let n = 0n;
    for (const b of bytes) n = (n << 8n) | BigInt(b);
    n = (1n << BigInt(bytes.length * 8)) - n;
    const hex = n.toString(16);
    bytes = new Uint8Array(Buffer.from(hex.length % 2 ? "0" + hex : hex, "hex"));
    sign = "-";
  }
  while (bytes.length > 1 && bytes[0] === 0) bytes = bytes.subarray(1);
  if (bytes.length === 0) return sign + "00";
  let out = sign;
  bytes.forEach((b, i) => {
    if (i !== 0 && i % 35 === 0) out += "\\\n";
    out += b.toString(16).toUpperCase().padStart(2, "0");
  });
  return out;
}

export interface CrlFields {
  version: number;
  /** The outer signature algorithm and value (OpenSSL prints these, not the inner copy). */
  signatureAlgorithm: Tlv;
  signature: Tlv;
  issuer: Tlv;
  thisUpdate: Tlv;
  nextUpdate?: Tlv;
  /** The revokedCertificates entries: SEQUENCE { serial, date, extensions? }. */
  revoked: Tlv[];
  /** The [0] crlExtensions wrapper, if any. */
  extensions?: Tlv;
}

/** The parts of a CertificateList (RFC 5280 5.1), optional fields resolved. */
export function crlFields(der: Uint8Array): CrlFields {
  const [tbs, signatureAlgorithm, signature] = children(parseDer(der));
  const fields = children(tbs!);
  let i = 0;
  const version = fields[0]?.tag === TAG.INTEGER ? Number(fields[i++]!.value[0] ?? 0) : 0;
  i++; // the inner signature algorithm
  const issuer = fields[i++]!;
  const thisUpdate = fields[i++]!;
  const nextUpdate = fields[i]?.tag === TAG.UTCTime || fields[i]?.tag === TAG.GeneralizedTime ? fields[i++] : undefined;
  const revoked = fields[i]?.tag === TAG.SEQUENCE ? children(fields[i++]!) : [];
  const extensions = fields.slice(i).find((f) => f.cls === "context" && f.tagNumber === 0);
  return { version, signatureAlgorithm: signatureAlgorithm!, signature: signature!, issuer, thisUpdate, nextUpdate, revoked, extensions };
}

export function crlText(der: Uint8Array): string {
  const { version, signatureAlgorithm: sigAlg, signature, issuer, thisUpdate, nextUpdate, revoked, extensions } = crlFields(der);

  let out = "Certificate Revocation List (CRL):\n";
  out += version <= 1 ? `        Version ${version + 1} (0x${version.toString(16)})\n` : `        Version unknown (${version})\n`;
  out += signatureBlock("    ", sigAlg);
  out += `        Issuer: ${printName(issuer)}\n`;
  out += `        Last Update: ${printTime(thisUpdate)}\n`;
  out += `        Next Update: ${nextUpdate ? printTime(nextUpdate) : "NONE"}\n`;
  if (extensions) {
    const list = children(children(extensions)[0]!);
    if (list.length) out += "        CRL extensions:\n" + printExtensionList(list, 12);
  }
  out += revoked.length ? "Revoked Certificates:\n" : "No Revoked Certificates.\n";
  for (const entry of revoked) {
    const [serial, date, entryExtensions] = children(entry);
    out += `    Serial Number: ${integerHex(serial!)}\n        Revocation Date: ${printTime(date!)}\n`;
    const list = entryExtensions ? children(entryExtensions) : [];
    if (list.length) out += "        CRL entry extensions:\n" + printExtensionList(list, 12);
  }
  out += signatureBlock("", sigAlg, signature.value.subarray(1));
  return out;
}
