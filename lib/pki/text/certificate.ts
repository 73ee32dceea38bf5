/**
 * A certificate as `openssl x509 -text -noout` prints it (OpenSSL 3.0, X509_print_ex with the
 * oneline name format), line for line. Pure: DER in, text out.
 */
import { children, parseDer, type Tlv } from "../der";
import { signatureDump } from "./dump";
import { printExtensionList } from "./extensions";
import { printName } from "./name";
import { printPublicKey } from "./public-key";
import { algorithmName, signatureBlock } from "./signature";
import { printTime } from "./time";

function serialLine(serial: Tlv): string {
  const negative = serial.value.length > 0 && (serial.value[0]! & 0x80) !== 0;
  let magnitude = serial.value;
  if (negative) {
    // two's complement -> magnitude
    let n = 0n;
    for (const b of serial.value) n = (n << 8n) | BigInt(b);
    n = (1n << BigInt(serial.value.length * 8)) - n;
    magnitude = new Uint8Array(
      Buffer.from(
        n
          .toString(16)
          .padStart(2, "0")
          .replace(/^(.(..)*)$/, "0$1"),
        "hex",
      ),
    );
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
  out +=
    version >= 0 && version <= 2
      ? `        Version: ${version + 1} (0x${version.toString(16)})\n`
      : `        Version: Unknown (${version})\n`;
  out += serialLine(serial);
  out += signatureBlock("    ", tbsSig);
  out += `        Issuer: ${printName(issuer)}\n`;
  out += `        Validity\n            Not Before: ${printTime(notBefore!)}\n            Not After : ${printTime(notAfter!)}\n`;
  out += `        Subject: ${printName(subject)}\n`;
  out += `        Subject Public Key Info:\n            Public Key Algorithm: ${algorithmName(children(spki)[0]!)}\n`;
  out += printPublicKey(spki, 16);
  // X509_print_ex: the unique IDs (X.509 v2) as signature-style dumps after a 12-space indent
  for (const [tag, label] of [
    [0x81, "Issuer"],
    [0x82, "Subject"],
  ] as const) {
    const uid = fields.slice(i).find((f) => f.tag === tag);
    if (uid) out += `        ${label} Unique ID: ` + signatureDump(uid.value.subarray(1), 12);
  }
  if (extensions) out += "        X509v3 extensions:\n" + printExtensionList(children(children(extensions)[0]!), 12);
  out += signatureBlock("", sigAlg!, signature!.value.subarray(1));
  return out;
}
