import { children, oidOf, readTlv, TAG, type Tlv } from "../der";
import { asciiPrint } from "./dump";
import { printName } from "./name";
import { ATTRIBUTE_SHORT_NAMES, longName } from "./oids";

/**
 * X509_NAME_oneline into OpenSSL's 256-byte buffer, as i2v_GENERAL_NAME calls it for DirName:
 * "/C=US/O=Acme/CN=x", bytes outside printable ASCII as \\xHH, "/" and "+" escaped. The entries
 * that do not fit whole in the buffer are left out.
 */
export function nameOneline(name: Tlv, limit = 255): string {
  let out = "";
  for (const rdn of children(name)) {
    for (const [i, atv] of children(rdn).entries()) {
      const [type, value] = children(atv);
      const oid = oidOf(type!);
      const entry = (i === 0 ? "/" : "+") + (ATTRIBUTE_SHORT_NAMES[oid] ?? longName(oid)) + "=" + onelineValue(value!);
      if (out.length + entry.length > limit) return out;
      out += entry;
    }
  }
  return out;
}

function onelineValue(v: Tlv): string {
  let bytes = Array.from(v.value);
  if (v.tag === 0x1b && bytes.length % 4 === 0) {
    // GeneralString in four-octet groups: the last octet of each when the others are all zero
    const wide = bytes.some((b, i) => b !== 0 && i % 4 !== 3);
    if (!wide) bytes = bytes.filter((_, i) => i % 4 === 3);
  }
  return bytes
    .map((b) =>
      b < 0x20 || b > 0x7e
        ? "\\x" + b.toString(16).toUpperCase().padStart(2, "0")
        : b === 0x2f || b === 0x2b
          ? "\\" + String.fromCharCode(b)
          : String.fromCharCode(b),
    )
    .join("");
}

/** ossl_ipaddr_to_asc: dotted IPv4, IPv6 as eight uppercase groups (no "::"), else the length. */
export function ipText(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join(".");
  if (bytes.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16).toUpperCase());
    return groups.join(":");
  }
  return `<invalid length=${bytes.length}>`;
}

/** The OpenSSL output of raw string bytes, read as UTF-8 the way a terminal or page shows it. */
export const rawBytes = (bytes: Uint8Array) => Buffer.from(bytes).toString("utf8");

/** i2v failures: OpenSSL then prints the extension's raw octets instead. */
class Unprintable extends Error {}

/** x509v3_add_len_value refuses a value with a NUL in it (and so the whole extension). */
function lenValue(bytes: Uint8Array): string {
  if (bytes.includes(0)) throw new Unprintable("embedded NUL");
  return rawBytes(bytes);
}

const OTHER_NAMES: Record<string, [label: string, tag: number]> = {
  "1.3.6.1.5.5.7.8.9": ["SmtpUTF8Mailbox", TAG.UTF8String],
  "1.3.6.1.5.5.7.8.5": ["XmppAddr", TAG.UTF8String],
  "1.3.6.1.5.5.7.8.7": ["SRVName", TAG.IA5String],
  "1.3.6.1.4.1.311.20.2.3": ["UPN", TAG.UTF8String],
  "1.3.6.1.5.5.7.8.8": ["NAIRealm", TAG.UTF8String],
};

function otherName(gn: Tlv): { oid: string; value: Tlv | undefined } {
  const [type, wrapper] = children(gn);
  return { oid: oidOf(type!), value: wrapper ? children(wrapper)[0] : undefined };
}

/**
 * One GeneralName as a (name, value) pair, the way i2v_GENERAL_NAME lists it (SAN, IAN, AIA, AKI,
 * certificate issuer). Throws when OpenSSL's i2v fails, so the extension prints as raw octets.
 */
export function generalNameValue(gn: Tlv): [string, string] {
  switch (gn.tagNumber) {
    case 0: {
      const { oid, value } = otherName(gn);
      const known = OTHER_NAMES[oid];
      if (known) {
        if (value?.tag !== known[1]) throw new Unprintable("otherName of the wrong type");
        return [`othername: ${known[0]}:`, lenValue(value.value)];
      }
      const label = `othername: ${longName(oid)}:`;
      if (value?.tag === TAG.IA5String || value?.tag === TAG.UTF8String) {
        try {
          return [label, lenValue(value.value)];
        } catch {
          // falls through to <unsupported>, as OpenSSL does when the value cannot be added
        }
      }
      return [label, "<unsupported>"];
    }
    case 1:
      return ["email", lenValue(gn.value)];
    case 2:
      return ["DNS", lenValue(gn.value)];
    case 3:
      return ["X400Name", "<unsupported>"];
    case 4:
      return ["DirName", nameOneline(readTlv(gn.value).node)];
    case 5:
      return ["EdiPartyName", "<unsupported>"];
    case 6:
      return ["URI", lenValue(gn.value)];
    case 7:
      return ["IP Address", ipText(gn.value)];
    case 8:
      return ["Registered ID", longName(oidOf({ ...gn, tag: TAG.OID }))];
    default:
      return ["<unknown>", ""];
  }
}

export function generalNames(seq: Tlv): [string, string][] {
  return children(seq).map(generalNameValue);
}

/** Up to the first NUL, as "%.*s" prints. */
const cString = (bytes: Uint8Array) => {
  const nul = bytes.indexOf(0);
  return rawBytes(nul < 0 ? bytes : bytes.subarray(0, nul));
};

/** GENERAL_NAME_print (CRL distribution points, name constraints, IDP): one name, on one line. */
export function generalNamePrint(gn: Tlv): string {
  switch (gn.tagNumber) {
    case 0: {
      const { oid, value } = otherName(gn);
      const known = OTHER_NAMES[oid];
      const expected = oid === "1.3.6.1.5.5.7.8.7" ? TAG.IA5String : TAG.UTF8String;
      if (!known || value?.tag !== expected) return "othername:<unsupported>";
      return `othername:${known[0]}:${cString(value.value)}`;
    }
    case 1:
      return `email:${asciiPrint(gn.value)}`;
    case 2:
      return `DNS:${asciiPrint(gn.value)}`;
    case 3:
      return "X400Name:<unsupported>";
    case 4:
      return `DirName:${printName(readTlv(gn.value).node)}`;
    case 5:
      return "EdiPartyName:<unsupported>";
    case 6:
      return `URI:${asciiPrint(gn.value)}`;
    case 7:
      return `IP Address:${ipText(gn.value)}`;
    case 8:
      return `Registered ID:${longName(oidOf({ ...gn, tag: TAG.OID }))}`;
    default:
      return "";
  }
}
