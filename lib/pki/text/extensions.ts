/**
 * X.509 extensions as OpenSSL 3.0 prints them (crypto/x509/v3_*.c): each returns the text under
 * the extension's name line, without its final newline, or null where OpenSSL would fall back to
 * printing the raw octets.
 */
import { children, integerOf, oidOf, parseDer, TAG, type Tlv } from "../der";
import { asciiPrint, upperHex } from "./dump";
import { generalNamePrint, generalNames, generalNameValue, ipText } from "./general-names";
import { longName } from "./oids";
import { printRdn } from "./name";
import { printSctList } from "./sct";
import { printTime } from "./time";

type Pair = [string | null, string | null];

/**
 * X509V3_EXT_val_prn: one line joined by ", ", or one value a line. Most i2v functions return
 * NULL for an empty list, which makes X509V3_EXT_print fail and the raw octets print instead
 * (null here); AIA and SIA return an empty list, printed as "<EMPTY>".
 */
function valPrint(values: Pair[], indent: number, multiline: boolean, emptyList = false): string | null {
  const pad = " ".repeat(indent);
  const text = (v: Pair) => (v[0] === null ? v[1]! : v[1] === null ? v[0] : `${v[0]}:${v[1]}`);
  if (values.length === 0) return emptyList ? `${pad}<EMPTY>\n` : null;
  if (!multiline) return pad + values.map(text).join(", ");
  return values.map((v) => pad + text(v)).join("\n");
}

function bits(node: Tlv): number[] {
  const unused = node.value[0] ?? 0;
  const out: number[] = [];
  const bytes = node.value.subarray(1);
  bytes.forEach((byte, i) => {
    for (let b = 0; b < 8; b++) {
      const index = i * 8 + b;
      if (i === bytes.length - 1 && b >= 8 - unused) break;
      if (byte & (0x80 >> b)) out.push(index);
    }
  });
  return out;
}

const CRL_REASONS = [
  "Unspecified",
  "Key Compromise",
  "CA Compromise",
  "Affiliation Changed",
  "Superseded",
  "Cessation Of Operation",
  "Certificate Hold",
  "",
  "Remove From CRL",
  "Privilege Withdrawn",
  "AA Compromise",
];

/** i2s_ASN1_INTEGER: decimal up to 128 bits, then 0x-prefixed hex in whole octets (BN_bn2hex). */
function integerText(v: Tlv): string {
  const n = integerOf(v);
  const abs = n < 0n ? -n : n;
  if (abs.toString(2).length <= 128) return n.toString();
  const hex = abs.toString(16).toUpperCase();
  return (n < 0n ? "-0x" : "0x") + (hex.length % 2 ? "0" + hex : hex);
}

const TLS_FEATURES: Record<number, string> = { 5: "status_request", 17: "status_request_v2" };
const KEY_USAGE = [
  "Digital Signature",
  "Non Repudiation",
  "Key Encipherment",
  "Data Encipherment",
  "Key Agreement",
  "Certificate Sign",
  "CRL Sign",
  "Encipher Only",
  "Decipher Only",
];
const NS_CERT_TYPE = ["SSL Client", "SSL Server", "S/MIME", "Object Signing", "Unused", "SSL CA", "S/MIME CA", "Object Signing CA"];

/** The names of the bits set in a BIT STRING, in bit order; bits past the list are left out, as OpenSSL does. */
const bitNames = (v: Tlv, names: readonly string[]): Pair[] =>
  bits(v)
    .filter((b) => b < names.length)
    .map((b) => [names[b]!, null]);

const PRINTERS: Record<string, (value: Tlv, indent: number) => string | null> = {
  "2.5.29.19": (v, indent) => {
    const [first, second] = children(v);
    const ca = first?.tag === TAG.BOOLEAN ? first.value[0] !== 0 : false;
    const len = first?.tag === TAG.INTEGER ? first : second;
    const values: Pair[] = [["CA", ca ? "TRUE" : "FALSE"]];
    if (len) values.push(["pathlen", String(integerOf(len))]);
    return valPrint(values, indent, false);
  },
  "2.5.29.15": (v, indent) => valPrint(bitNames(v, KEY_USAGE), indent, false),
  "2.16.840.1.113730.1.1": (v, indent) => valPrint(bitNames(v, NS_CERT_TYPE), indent, false),
  "2.5.29.37": (v, indent) =>
    valPrint(
      children(v).map((o) => [longName(oidOf(o)), null]),
      indent,
      false,
    ),
  "2.5.29.14": (v, indent) => " ".repeat(indent) + upperHex(v.value),
  "2.5.29.17": (v, indent) => valPrint(generalNames(v), indent, false, true),
  "2.5.29.18": (v, indent) => valPrint(generalNames(v), indent, false, true),
  "2.5.29.35": (v, indent) => {
    const parts = children(v);
    const keyId = parts.find((p) => p.tagNumber === 0 && p.cls === "context");
    const issuer = parts.find((p) => p.tagNumber === 1 && p.cls === "context");
    const serial = parts.find((p) => p.tagNumber === 2 && p.cls === "context");
    const values: Pair[] = [];
    if (keyId) values.push([issuer || serial ? "keyid" : null, upperHex(keyId.value)]);
    if (issuer) values.push(...generalNames(issuer));
    if (serial) values.push(["serial", upperHex(withoutLeadingZeros(serial.value))]);
    return valPrint(values, indent, true);
  },
  "2.5.29.54": (v, indent) => " ".repeat(indent) + String(integerOf(v)),
  // i2s_ASN1_IA5STRING, printed with "%s": the raw octets up to a NUL; another type does not decode
  "2.16.840.1.113730.1.13": (v, indent) => (v.tag === TAG.IA5String && v.value.length ? " ".repeat(indent) + rawText(v.value) : null),
  "1.3.6.1.5.5.7.1.1": (v, indent) => accessDescriptions(v, indent),
  "1.3.6.1.5.5.7.1.11": (v, indent) => accessDescriptions(v, indent),
  "2.5.29.31": (v, indent) => distributionPoints(v, indent),
  "2.5.29.46": (v, indent) => distributionPoints(v, indent),
  "2.5.29.32": (v, indent) => certificatePolicies(v, indent),
  "2.5.29.36": (v, indent) => {
    const values: Pair[] = [];
    for (const c of children(v)) {
      // X509V3_add_value_int: i2s_ASN1_INTEGER, as the value is an INTEGER under its [0]/[1] tag
      const n = integerText(c);
      values.push([c.tagNumber === 0 ? "Require Explicit Policy" : "Inhibit Policy Mapping", n]);
    }
    return valPrint(values, indent, false);
  },
  "2.5.29.30": (v, indent) => nameConstraints(v, indent),
  "1.3.6.1.4.1.11129.2.4.2": (v, indent) => printSctList(v.value, indent),
  "2.5.29.20": (v, indent) => " ".repeat(indent) + integerText(v),
  "2.5.29.27": (v, indent) => " ".repeat(indent) + integerText(v),
  "2.5.29.21": (v, indent) => " ".repeat(indent) + (CRL_REASONS[Number(integerOf(v))] ?? String(integerOf(v))),
  "2.5.29.24": (v, indent) => " ".repeat(indent) + printTime(v),
  "1.3.6.1.5.5.7.1.24": (v, indent) =>
    valPrint(
      children(v).map((n) => {
        const id = Number(integerOf(n));
        return [null, TLS_FEATURES[id] ?? String(id)];
      }),
      indent,
      false,
    ),
  "2.5.29.33": (v, indent) =>
    valPrint(
      children(v).map((m) => {
        const [a, b] = children(m);
        return [longName(oidOf(a!)), longName(oidOf(b!))];
      }),
      indent,
      false,
    ),
  "2.5.29.16": (v, indent) => {
    const parts = children(v).map(
      (p) => `${p.tagNumber === 0 ? "Not Before" : "Not After"}: ${printTime({ ...p, tag: TAG.GeneralizedTime })}`,
    );
    return " ".repeat(indent) + parts.join(", ");
  },
};

/**
 * OpenSSL prints policy texts with "%.*s": the raw bytes up to the first NUL, so a BMPString
 * notice (which starts with a zero byte) prints as nothing.
 */
function rawText(bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  return Buffer.from(nul < 0 ? bytes : bytes.subarray(0, nul)).toString("utf8");
}

function withoutLeadingZeros(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  return bytes.subarray(start);
}

function accessDescriptions(v: Tlv, indent: number): string | null {
  const values: Pair[] = children(v).map((ad) => {
    const [method, location] = children(ad);
    const [name, value] = generalNameValue(location!);
    return [`${longName(oidOf(method!))} - ${name}`, value];
  });
  return valPrint(values, indent, true, true);
}

const REASON_FLAGS = [
  "Unused",
  "Key Compromise",
  "CA Compromise",
  "Affiliation Changed",
  "Superseded",
  "Cessation Of Operation",
  "Certificate Hold",
  "Privilege Withdrawn",
  "AA Compromise",
];

/** print_gens (v3_crld.c): each name on its own line, no newline after the last. */
const printGens = (names: Tlv[], indent: number) => names.map((gn) => " ".repeat(indent + 2) + generalNamePrint(gn)).join("\n");

/** i2r_crldp, with its quirks: nothing ends the names' line, so "Reasons:" or the next point follow on it. */
function distributionPoints(v: Tlv, indent: number): string {
  const pad = " ".repeat(indent);
  return children(v)
    .map((dp) => {
      let out = "";
      for (const part of children(dp)) {
        if (part.tagNumber === 0) {
          const name = children(part)[0]!;
          if (name.tagNumber === 0) out += `${pad}Full Name:\n` + printGens(children(name), indent);
          else out += `${pad}Relative Name:\n${pad}  ` + printRdn(children(name));
        } else if (part.tagNumber === 1) {
          const names = bits(part)
            .filter((b) => b < REASON_FLAGS.length)
            .map((b) => REASON_FLAGS[b]);
          out += `${pad}Reasons:\n${pad}  ${names.length ? names.join(", ") : "<EMPTY>"}\n`;
        } else if (part.tagNumber === 2) {
          out += `${pad}CRL Issuer:\n` + printGens(children(part), indent);
        }
      }
      return out;
    })
    .join("\n");
}

/** i2r_certpol, print_qualifiers and print_notice (v3_cpols.c), newlines exactly where OpenSSL writes them. */
function certificatePolicies(v: Tlv, indent: number): string {
  const pad = (n: number) => " ".repeat(n);
  const notice = (parts: Tlv[], at: number) => {
    let out = "";
    const ref = parts.find((p) => p.tag === TAG.SEQUENCE);
    const text = parts.find((p) => p.tag !== TAG.SEQUENCE);
    if (ref) {
      const [org, numbers] = children(ref);
      const list = children(numbers!);
      out += `${pad(at)}Organization: ${rawText(org!.value)}\n`;
      out += `${pad(at)}${list.length > 1 ? "Numbers" : "Number"}: ${list.map((n) => integerText(n)).join(", ")}`;
      if (text) out += "\n";
    }
    if (text) out += `${pad(at)}Explicit Text: ${rawText(text.value)}`;
    return out;
  };
  const qualifiers = (list: Tlv[], at: number) =>
    list
      .map((q) => {
        const [qid, qv] = children(q);
        const qoid = oidOf(qid!);
        if (qoid === "1.3.6.1.5.5.7.2.1") return `${pad(at)}CPS: ${rawText(qv!.value)}`;
        if (qoid === "1.3.6.1.5.5.7.2.2") return `${pad(at)}User Notice:\n` + notice(qv ? children(qv) : [], at + 2);
        return `${pad(at + 2)}Unknown Qualifier: ${longName(qoid)}`;
      })
      .join("\n");
  return children(v)
    .map((info) => {
      const [id, list] = children(info);
      return `${pad(indent)}Policy: ${longName(oidOf(id!))}` + (list ? "\n" + qualifiers(children(list), indent + 2) : "");
    })
    .join("\n");
}

/** do_i2r_name_constraints: IP entries as print_nc_ipadd splits them, the rest by GENERAL_NAME_print. */
function nameConstraints(v: Tlv, indent: number): string {
  const pad = (n: number) => " ".repeat(n);
  const out: string[] = [];
  for (const subtrees of children(v)) {
    out.push(`${pad(indent)}${subtrees.tagNumber === 0 ? "Permitted" : "Excluded"}:`);
    for (const subtree of children(subtrees)) {
      const gn = children(subtree)[0]!;
      if (gn.tagNumber === 7) {
        const len1 = gn.value.length >= 16 ? 16 : gn.value.length >= 4 ? 4 : gn.value.length;
        out.push(`${pad(indent + 2)}IP:${ipText(gn.value.subarray(0, len1))}/${ipText(gn.value.subarray(len1))}`);
      } else out.push(pad(indent + 2) + generalNamePrint(gn));
    }
  }
  return out.join("\n");
}

/** The lines under an extension's name (no trailing newline), or null: print raw octets. */
export function printExtensionValue(oid: string, octets: Uint8Array, indent: number): string | null {
  const printer = PRINTERS[oid];
  if (!printer) return null;
  try {
    return printer(parseDer(octets), indent);
  } catch {
    return null;
  }
}

/**
 * The extensions themselves: a "Name: critical" line at `indent`, the value 4 deeper, as
 * X509V3_extensions_print (certificates) and X509_REQ_print_ex (requested extensions) write them.
 */
export function printExtensionList(extensions: Tlv[], indent: number): string {
  let out = "";
  for (const ext of extensions) {
    const parts = children(ext);
    const oid = oidOf(parts[0]!);
    const critical = parts[1]?.tag === TAG.BOOLEAN && parts[1].value[0] !== 0;
    const octets = parts[parts.length - 1]!.value;
    out += `${" ".repeat(indent)}${longName(oid)}: ${critical ? "critical" : ""}\n`;
    out += (printExtensionValue(oid, octets, indent + 4) ?? " ".repeat(indent + 4) + asciiPrint(octets)) + "\n";
  }
  return out;
}
