/**
 * Distinguished names as `openssl x509 -text` prints them (X509_NAME_print_ex with
 * XN_FLAG_ONELINE: "C = US, O = \"Acme, Inc.\", CN = x"), following OpenSSL's a_strex.c.
 */
import { children, oidOf, TAG, type Tlv } from "../der";
import { ATTRIBUTE_SHORT_NAMES } from "./oids";

// OpenSSL's char_type bits (crypto/asn1/charmap.h) and the ESC flags oneline uses.
const ESC_2253 = 1;
const ESC_CTRL = 2;
const ESC_MSB = 4;
const ESC_QUOTE = 8;
const FIRST_ESC_2253 = 32;
const LAST_ESC_2253 = 64;
const BS_ESC = ESC_2253 | FIRST_ESC_2253 | LAST_ESC_2253;
const ONELINE = ESC_2253 | ESC_CTRL | ESC_MSB | ESC_QUOTE;

function charType(c: number): number {
  if (c < 32) return c === 0 ? 1026 : 2;
  if (c === 127) return 2;
  switch (String.fromCharCode(c)) {
    case " ":
      return 120;
    case '"':
      return 1;
    case "#":
      return 40;
    case "+":
    case ",":
      return 25;
    case ";":
    case "<":
    case ">":
      return 9;
    case "\\":
      return 1025;
    default:
      return 0;
  }
}

/** Escapes one byte of the (UTF-8 converted) value; returns the text and whether quotes are needed. */
function escapeByte(c: number, flags: number): { text: string; quote: boolean } {
  const chflags = c > 0x7f ? flags & ESC_MSB : charType(c) & flags;
  if (chflags & BS_ESC) {
    if (chflags & ESC_QUOTE) return { text: String.fromCharCode(c), quote: true };
    return { text: "\\" + String.fromCharCode(c), quote: false };
  }
  if (chflags & (ESC_CTRL | ESC_MSB)) return { text: "\\" + c.toString(16).toUpperCase().padStart(2, "0"), quote: false };
  if (c === 0x5c) return { text: "\\\\", quote: false };
  return { text: String.fromCharCode(c), quote: false };
}

/** Code points of a string value per its ASN.1 type, as OpenSSL reads them. */
function codePoints(node: Tlv): number[] | null {
  const v = node.value;
  switch (node.tag) {
    case TAG.UTF8String: // read byte by byte: already UTF-8
      return Array.from(v);
    case TAG.BMPString: {
      const out: number[] = [];
      for (let i = 0; i + 1 < v.length; i += 2) out.push((v[i]! << 8) | v[i + 1]!);
      return out;
    }
    case TAG.UniversalString: {
      const out: number[] = [];
      for (let i = 0; i + 3 < v.length; i += 4) out.push(((v[i]! << 24) | (v[i + 1]! << 16) | (v[i + 2]! << 8) | v[i + 3]!) >>> 0);
      return out;
    }
    case 0x12:
    case TAG.PrintableString:
    case TAG.T61String:
    case TAG.IA5String:
    case TAG.UTCTime:
    case TAG.GeneralizedTime:
    case TAG.VisibleString:
      return Array.from(v);
    default:
      return null;
  }
}

function utf8Bytes(cp: number): number[] {
  return Array.from(Buffer.from(String.fromCodePoint(cp), "utf8"));
}

/** One attribute value with OpenSSL's oneline escaping (ASN1_STRFLGS_RFC2253 | ESC_QUOTE). */
export function printValue(node: Tlv): string {
  const points = codePoints(node);
  if (points === null) return "#" + Buffer.from(node.der).toString("hex").toUpperCase();
  const bytes = node.tag === TAG.UTF8String ? points.map((b) => [b]) : points.map(utf8Bytes);
  let quote = false;
  let text = "";
  bytes.forEach((group, i) => {
    let flags = ONELINE;
    if (i === 0) flags |= FIRST_ESC_2253;
    if (i === bytes.length - 1) flags = (flags & ~FIRST_ESC_2253) | LAST_ESC_2253;
    for (const b of group) {
      const r = escapeByte(b, flags);
      text += r.text;
      quote ||= r.quote;
    }
  });
  return quote ? `"${text}"` : text;
}

/** One RDN's attributes joined with " + " (XN_FLAG_SEP_CPLUS_SPC). */
export function printRdn(atvs: Tlv[]): string {
  return atvs
    .map((atv) => {
      const [type, value] = children(atv);
      const oid = oidOf(type!);
      return `${ATTRIBUTE_SHORT_NAMES[oid] ?? oid} = ${printValue(value!)}`;
    })
    .join(" + ");
}

/** The whole name: "C = US, O = Acme, CN = Root", multi-valued RDNs joined with " + ". */
export function printName(name: Tlv): string {
  return children(name)
    .map((rdn) => printRdn(children(rdn)))
    .join(", ");
}
