/**
 * A certificate signing request as `openssl req -text -noout` prints it (OpenSSL 3.0,
 * X509_REQ_print_ex), line for line.
 */
import { children, oidOf, parseDer, TAG, type Tlv } from "../der";
import { printExtensionList } from "./extensions";
import { printName } from "./name";
import { longName } from "./oids";
import { printPublicKey } from "./public-key";
import { algorithmName, signatureBlock } from "./signature";

const EXTENSION_REQUEST = "1.2.840.113549.1.9.14";
const PRINTABLE_ATTRIBUTE_TAGS: number[] = [TAG.PrintableString, TAG.T61String, 0x12, TAG.UTF8String, TAG.IA5String];

/**
 * X509_REQ_print_ex's attribute loop: the name padded to 25 columns, then each value; a second
 * value of the same attribute jumps back past the name and gets 25 spaces instead (OpenSSL's goto).
 */
function attributeLines(attribute: Tlv): string {
  const [type, values] = children(attribute);
  const name = longName(oidOf(type!));
  return children(values!)
    .map((v, i) => {
      const value = PRINTABLE_ATTRIBUTE_TAGS.includes(v.tag) ? Buffer.from(v.value).toString("utf8") : "unable to print attribute";
      const head = i === 0 ? `            ${name}${" ".repeat(Math.max(0, 25 - name.length))}` : " ".repeat(25);
      return `${head}:${value}\n`;
    })
    .join("");
}

export function csrText(der: Uint8Array): string {
  const [info, sigAlg, signature] = children(parseDer(der));
  const [version, subject, spki, attributes] = children(info!);
  const v = Number(version!.value[0] ?? 0);
  let out = "Certificate Request:\n    Data:\n";
  out += v === 0 ? "        Version: 1 (0x0)\n" : `        Version: Unknown (${v})\n`;
  out += `        Subject: ${printName(subject!)}\n`;
  out += `        Subject Public Key Info:\n            Public Key Algorithm: ${algorithmName(children(spki!)[0]!)}\n`;
  out += printPublicKey(spki!, 16);
  const attrs = attributes ? children(attributes) : [];
  out += "        Attributes:\n";
  if (attrs.length === 0) out += "            (none)\n";
  let extensions: Tlv[] = [];
  for (const attribute of attrs) {
    const [type, values] = children(attribute);
    if (oidOf(type!) === EXTENSION_REQUEST) extensions = children(children(values!)[0]!);
    else out += attributeLines(attribute);
  }
  out += "            Requested Extensions:\n" + printExtensionList(extensions, 16);
  out += signatureBlock("", sigAlg!, signature!.value.subarray(1));
  return out;
}
