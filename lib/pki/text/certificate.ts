/**
 * A certificate as `openssl x509 -text -noout` prints it (OpenSSL 3.0, X509_print_ex with the
 * oneline name format), line for line. Pure: DER in, text out.
 */
import { children, oidOf, parseDer, TAG, type Tlv } from "../der";
import { asciiPrint, signatureDump } from "./dump";
import { printExtensionValue } from "./extensions";
import { printName } from "./name";
import { longName } from "./oids";
import { printPublicKey } from "./public-key";
import { pssSignatureParams } from "./pss";
import { printTime } from "./time";

function serialLine(serial: Tlv): string {
  const negative = serial.value.length > 0 && (serial.value[0]! & 0x80) !== 0;
  let magnitude = serial.value;
  if (negative) {
    // two's complement -> magnitude
    let n = 0n;
    for (const b of serial.value) n = (n << 8n) | BigInt(b);
    n = (1n << BigInt(serial.value.length * 8)) - n;
    magnitude = new Uint8Array(Buffer.from(n.toString(16).padStart(2, "0").replace(/^(.(..)*)$/, "0$1"), "hex"));
  }
  while (magnitude.length > 1 && magnitude[0] === 0) magnitude = magnitude.subarray(1);
  const value = BigInt("0x" + (Buffer.from(magnitude).toString("hex") || "0"));
  // ASN1_INTEGER_get succeeds for up to 8 octets that fit a signed long (and is not -1).
  if (magnitude.length <= 8 && value <= 0x7fffffffffffffffn && !(negative && value === 1n)) {
    const sign = negative ? "-" : "";
    return `        Serial Number: ${sign}${value} (${sign}0x${value.toString(16)})\n`;
  }
  const hex = Array.from(magnitude, (b) => b.toString(16).padStart(2, "0")).join(":");
  return `        Serial Number:\n            ${negative ? " (Negative)" : ""}${hex}\n`;
}

function algorithmName(alg: Tlv): string {
  return longName(oidOf(children(alg)[0]!));
}

/**
 * X509_signature_print: the algorithm, PSS parameters when present, then (for the outer
 * signature) the value dumped 18 bytes a line.
 */
function signatureBlock(prefix: string, alg: Tlv, value?: Uint8Array): string {
  const [oid, params] = children(alg);
  const pss = oidOf(oid!) === "1.2.840.113549.1.1.10";
  let out = `${prefix}    Signature Algorithm: ${algorithmName(alg)}`;
  if (value) out += "\n    Signature Value:";
  out += pss ? pssSignatureParams(params, 8) : "\n";
  if (value) out += signatureDump(value, 8);
  return out;
}

function printExtensions(extensions: Tlv): string {
  let out = "        X509v3 extensions:\n";
  for (const ext of children(extensions)) {
    const parts = children(ext);
    const oid = oidOf(parts[0]!);
    const critical = parts[1]?.tag === TAG.BOOLEAN && parts[1].value[0] !== 0;
    const octets = parts[parts.length - 1]!.value;
    out += `            ${longName(oid)}: ${critical ? "critical" : ""}\n`;
    const body = printExtensionValue(oid, octets, 16);
    out += (body ?? "                " + asciiPrint(octets)) + "\n";
  }
  return out;
}

export function certificateText(der: Uint8Array): string {
  const [tbs, sigAlg, signature] = children(parseDer(der));
  const fields = children(tbs!);
  let i = 0;
  let version = 0;
  if (fields[0]?.cls === "context" && fields[0].tagNumber === 0) {
    version = Number(children(fields[0])[0]!.value[0] ?? 0);
    i++;
  }
  const serial = fields[i++]!;
  const tbsSig = fields[i++]!;
  const issuer = fields[i++]!;
  const [notBefore, notAfter] = children(fields[i++]!);
  const subject = fields[i++]!;
  const spki = fields[i++]!;
  const extensions = fields.slice(i).find((f) => f.cls === "context" && f.tagNumber === 3);

  let out = "Certificate:\n    Data:\n";
  out += version >= 0 && version <= 2 ? `        Version: ${version + 1} (0x${version.toString(16)})\n` : `        Version: Unknown (${version})\n`;
  out += serialLine(serial);
  out += signatureBlock("    ", tbsSig);
  out += `        Issuer: ${printName(issuer)}\n`;
  out += `        Validity\n            Not Before: ${printTime(notBefore!)}\n            Not After : ${printTime(notAfter!)}\n`;
  out += `        Subject: ${printName(subject)}\n`;
  out += `        Subject Public Key Info:\n            Public Key Algorithm: ${algorithmName(children(spki)[0]!)}\n`;
  out += printPublicKey(spki, 16);
  if (extensions) out += printExtensions(children(extensions)[0]!);
  out += signatureBlock("", sigAlg!, signature!.value.subarray(1));
  return out;
}
