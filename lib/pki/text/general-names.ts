import { children, oidOf, readTlv, TAG, type Tlv } from "../der";
import { longName } from "./oids";
import { asciiPrint } from "./dump";
import { ATTRIBUTE_SHORT_NAMES } from "./oids";

/** X509_NAME_oneline: "/C=US/O=Acme/CN=x", the form DirName entries print in. */
export function nameOneline(name: Tlv): string {
  let out = "";
  for (const rdn of children(name)) {
    children(rdn).forEach((atv, i) => {
      const [type, value] = children(atv);
      const oid = oidOf(type!);
      out += (i === 0 ? "/" : "+") + (ATTRIBUTE_SHORT_NAMES[oid] ?? oid) + "=" + onelineValue(value!);
    });
  }
  return out;
}

function onelineValue(v: Tlv): string {
  let bytes = Array.from(v.value);
  if (v.tag === TAG.BMPString || v.tag === TAG.UniversalString) {
    // X509_NAME_oneline keeps the low byte of each character when the others are zero.
    const width = v.tag === TAG.BMPString ? 2 : 4;
    const narrow: number[] = [];
    let ok = true;
    for (let i = 0; i < bytes.length; i += width) {
      for (let j = 0; j < width - 1; j++) if (bytes[i + j]) ok = false;
      narrow.push(bytes[i + width - 1]!);
    }
    if (ok) bytes = narrow;
  }
  return bytes.map((b) => (b < 0x20 || b > 0x7e ? "\\x" + b.toString(16).toUpperCase().padStart(2, "0") : String.fromCharCode(b))).join("");
}

function ipText(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join(".");
  if (bytes.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16).toUpperCase());
    return groups.join(":");
  }
  return "<invalid>";
}

/** One GeneralName as a (name, value) pair, the way i2v_GENERAL_NAME lists it. */
export function generalNameValue(gn: Tlv): [string, string] {
  switch (gn.tagNumber) {
    case 0: {
      const [type, value] = children(gn);
      const oid = oidOf(type!);
      const inner = value ? children(value)[0] : undefined;
      const text = inner ? asciiPrint(inner.value) : "";
      if (oid === "1.3.6.1.4.1.311.20.2.3") return ["othername: UPN:", text];
      return ["othername", `${longName(oid)}:<unsupported>`];
    }
    case 1:
      return ["email", asciiPrint(gn.value)];
    case 2:
      return ["DNS", asciiPrint(gn.value)];
    case 3:
      return ["X400Name", "<unsupported>"];
    case 4:
      return ["DirName", nameOneline(readTlv(gn.value).node)];
    case 5:
      return ["EdiPartyName", "<unsupported>"];
    case 6:
      return ["URI", asciiPrint(gn.value)];
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
