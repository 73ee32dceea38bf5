/**
 * Names as a validator compares them: distinguished names (RFC 5280 7.1: case-insensitive,
 * whitespace-folded string matching), general names (SANs and name-constraint subtrees), host
 * names (RFC 6125 6.4 with wildcards only as the whole left-most label), and the name-constraint
 * matching rules of RFC 5280 4.2.1.10 for DNS names, IP ranges, mailboxes, URIs and DNs.
 */
import { isIP } from "node:net";
import { domainToASCII } from "node:url";
import { children, oidOf, type Tlv } from "../pki/der";
import { OID } from "./oids";

export interface NameValue {
  der: Uint8Array;
  /** RDNs, each a sorted list of "oid=normalized value". */
  rdns: string[][];
  /** One string that is equal for names that match under RFC 5280 7.1. */
  key: string;
  empty: boolean;
  /** "CN=foo, O=bar", for messages. */
  text: string;
  commonNames: string[];
  emails: string[];
}

export type GeneralNameType = "dns" | "ip" | "email" | "uri" | "dn" | "other" | "x400" | "edi" | "rid";

export interface GeneralName {
  type: GeneralNameType;
  /** Text form: the name, an IP address (with /prefix for a constraint), or a DN. */
  value: string;
  /** iPAddress octets. */
  bytes?: Uint8Array;
  dn?: NameValue;
  /** False when the encoding breaks the type's syntax (non-ASCII IA5String, odd IP length). */
  wellFormed: boolean;
}

const SHORT: Record<string, string> = {
  "2.5.4.3": "CN",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "2.5.4.5": "serialNumber",
  "0.9.2342.19200300.100.1.25": "DC",
  [OID.emailAddress]: "emailAddress",
};

/** The text of a directory string, or undefined for types that are not strings. */
export function stringValue(node: Tlv): string | undefined {
  const v = Buffer.from(node.value);
  switch (node.tag) {
    case 0x0c: // UTF8String
      return v.toString("utf8");
    case 0x13: // PrintableString
    case 0x16: // IA5String
    case 0x1a: // VisibleString
    case 0x14: // TeletexString, read as Latin-1 as most software does
      return v.toString("latin1");
    case 0x1e: // BMPString (UCS-2 big-endian)
      return v.swap16().toString("utf16le");
    case 0x1c: {
      // UniversalString (UCS-4 big-endian)
      let s = "";
      for (let i = 0; i + 3 < v.length; i += 4) s += String.fromCodePoint(v.readUInt32BE(i));
      return s;
    }
    default:
      return undefined;
  }
}

/** RFC 5280 7.1 (after RFC 4518): case-fold and fold inner whitespace; leading and trailing dropped. */
const normalize = (s: string) => s.normalize("NFKC").toLowerCase().trim().replace(/\s+/g, " ");

export function parseName(node: Tlv): NameValue {
  const rdns: string[][] = [];
  const text: string[] = [];
  const commonNames: string[] = [];
  const emails: string[] = [];
  for (const rdn of children(node)) {
    const atvs = children(rdn).map((atv) => {
      const [type, value] = children(atv);
      const oid = oidOf(type!);
      const s = stringValue(value!);
      if (oid === OID.commonName && s !== undefined) commonNames.push(s);
      if (oid === OID.emailAddress && s !== undefined) emails.push(s);
      text.push(`${SHORT[oid] ?? oid}=${s ?? "#" + Buffer.from(value!.der).toString("hex")}`);
      return `${oid}=${s === undefined ? "#" + Buffer.from(value!.der).toString("hex") : normalize(s)}`;
    });
    rdns.push(atvs.sort());
  }
  return {
    der: node.der,
    rdns,
    key: rdns.map((r) => r.join("+")).join(","),
    empty: rdns.length === 0,
    text: text.join(", ") || "(empty name)",
    commonNames,
    emails,
  };
}

const ascii = (bytes: Uint8Array) => bytes.every((b) => b >= 0x20 && b < 0x7f);

/** One GeneralName (RFC 5280 4.2.1.6). */
export function parseGeneralName(node: Tlv): GeneralName {
  const text = Buffer.from(node.value).toString("latin1");
  switch (node.tag) {
    case 0x81:
      return { type: "email", value: text, wellFormed: ascii(node.value) };
    case 0x82:
      return { type: "dns", value: text, wellFormed: ascii(node.value) };
    case 0x86:
      return { type: "uri", value: text, wellFormed: ascii(node.value) };
    case 0x87: {
      const b = node.value;
      return { type: "ip", value: ipText(b), bytes: b, wellFormed: [4, 8, 16, 32].includes(b.length) };
    }
    case 0xa4: {
      const dn = parseName(children(node)[0]!);
      return { type: "dn", value: dn.text, dn, wellFormed: true };
    }
    case 0xa0:
      return { type: "other", value: "otherName", wellFormed: true };
    case 0xa3:
      return { type: "x400", value: "x400Address", wellFormed: true };
    case 0xa5:
      return { type: "edi", value: "ediPartyName", wellFormed: true };
    case 0x88:
      return { type: "rid", value: "registeredID", wellFormed: true };
    default:
      return { type: "other", value: `[${node.tag.toString(16)}]`, wellFormed: false };
  }
}

/** The GeneralNames inside a SEQUENCE. */
export function parseGeneralNames(node: Tlv): GeneralName[] {
  return children(node).map(parseGeneralName);
}

function ipText(b: Uint8Array): string {
  const addr = (x: Uint8Array) =>
    x.length === 4
      ? Array.from(x).join(".")
      : Array.from({ length: x.length / 2 }, (_, i) => ((x[2 * i]! << 8) | x[2 * i + 1]!).toString(16)).join(":");
  if (b.length === 4 || b.length === 16) return addr(b);
  if (b.length === 8 || b.length === 32) {
    const half = b.length / 2;
    const mask = b.subarray(half);
    const prefix = Array.from(mask).reduce((n, m) => n + popcount(m), 0);
    return `${addr(b.subarray(0, half))}/${prefix}`;
  }
  return Buffer.from(b).toString("hex");
}

const popcount = (m: number) => {
  let n = 0;
  for (; m; m &= m - 1) n++;
  return n;
};

/** Octets of a textual IP address, or undefined. */
export function ipBytes(text: string): Uint8Array | undefined {
  const kind = isIP(text);
  if (kind === 4) return Uint8Array.from(text.split(".").map(Number));
  if (kind !== 6) return undefined;
  let [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const last = (tail ?? head!).split(":").pop() ?? "";
  let v4: number[] = [];
  if (last.includes(".")) {
    v4 = last.split(".").map(Number);
    if (tail !== undefined) tail = tail.split(":").slice(0, -1).join(":");
    else head = head!.split(":").slice(0, -1).join(":");
  }
  const words = (s: string | undefined) => (s ? s.split(":").map((w) => parseInt(w, 16)) : []);
  const h = words(head);
  const t = words(tail);
  const fill = 8 - v4.length / 2 - h.length - t.length;
  const all = [...h, ...Array<number>(tail === undefined ? 0 : fill).fill(0), ...t];
  const out = new Uint8Array(16);
  all.forEach((w, i) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  });
  v4.forEach((b, i) => (out[12 + i] = b));
  return out;
}

/** RFC 5952 text of an IPv6 address, dotted quad for IPv4: the form CABF BR 7.1.4.3 wants in a CN. */
export function canonicalIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join(".");
  const words = Array.from({ length: 8 }, (_, i) => (bytes[2 * i]! << 8) | bytes[2 * i + 1]!);
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (best < 0) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`;
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/**
 * A dNSName in RFC 1034 preferred syntax (RFC 5280 4.2.1.6), optionally with "*" as the whole
 * left-most label (RFC 6125 6.4.3). Underscores, empty labels and non-ASCII are refused.
 */
export function isValidDnsName(name: string, { wildcard }: { wildcard: boolean }): boolean {
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split(".");
  return labels.every((l, i) => LABEL.test(l) || (wildcard && i === 0 && l === "*" && labels.length > 1));
}

/** A mailbox (RFC 5280 4.2.1.6 via RFC 5321 4.1.2): one unquoted "@", a local part, a host name. */
export function isValidMailbox(address: string): boolean {
  const at = address.lastIndexOf("@");
  if (at <= 0) return false;
  const local = address.slice(0, at);
  const host = address.slice(at + 1);
  const dotAtom = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
  const quoted = /^"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"$/;
  return (dotAtom.test(local) || quoted.test(local)) && isValidDnsName(host, { wildcard: false });
}

/** A host name as typed: lower case, no trailing dot, IDNs as A-labels. */
export function normalizeHost(host: string): string {
  const h = host.trim().replace(/\.$/, "");
  if (isIP(h.replace(/^\[|\]$/g, ""))) return h.replace(/^\[|\]$/g, "").toLowerCase();
  return (domainToASCII(h) || h).toLowerCase();
}

/** RFC 6125 6.4: does a dNSName SAN (possibly "*.rest") match a host name? */
export function dnsMatches(san: string, host: string): boolean {
  const s = san.toLowerCase().replace(/\.$/, "");
  if (!isValidDnsName(s, { wildcard: true })) return false;
  if (!s.startsWith("*.")) return s === host;
  const rest = s.slice(2);
  // A wildcard needs at least two labels after it ("*.com" and "*" match nothing) and covers one label.
  if (!rest.includes(".")) return false;
  const dot = host.indexOf(".");
  return dot > 0 && host.slice(dot + 1) === rest;
}

/** Whether `name` is `base` or below it in the DNS tree. */
const within = (name: string, base: string) => base === "" || name === base || name.endsWith("." + base);

/** Syntax of a name-constraint subtree base, per form (RFC 5280 4.2.1.10). */
export function constraintProblem(c: GeneralName): string | undefined {
  if (!c.wellFormed) return `${c.type} constraint "${c.value}" is not encoded as RFC 5280 4.2.1.10 requires`;
  switch (c.type) {
    case "dns":
      // A DNS constraint is a host name; "" permits or excludes every name. No wildcard, no leading dot.
      return c.value === "" || isValidDnsName(c.value, { wildcard: false })
        ? undefined
        : `DNS constraint "${c.value}" is not a host name (no wildcards or leading dots: "example.com" already covers every subdomain)`;
    case "ip": {
      if (c.bytes!.length !== 8 && c.bytes!.length !== 32) return `IP constraint ${c.value} is not an address with a mask`;
      const mask = c.bytes!.subarray(c.bytes!.length / 2);
      let seenZero = false;
      for (const byte of mask)
        for (let bit = 7; bit >= 0; bit--) {
          if (byte & (1 << bit)) {
            if (seenZero) return `IP constraint ${c.value} has a mask that is not a CIDR prefix`;
          } else seenZero = true;
        }
      return undefined;
    }
    case "email": {
      const v = c.value;
      if (v.includes("@")) return isValidMailbox(v) ? undefined : `e-mail constraint "${v}" is not a mailbox`;
      return isValidDnsName(v.replace(/^\./, ""), { wildcard: false }) ? undefined : `e-mail constraint "${v}" is not a host or domain`;
    }
    case "uri":
      return isValidDnsName(c.value.replace(/^\./, ""), { wildcard: false })
        ? undefined
        : `URI constraint "${c.value}" is not a host or domain`;
    default:
      return undefined;
  }
}

function ipWithin(addr: Uint8Array, c: Uint8Array): boolean {
  const half = c.length / 2;
  if (addr.length !== half) return false;
  for (let i = 0; i < half; i++) if ((addr[i]! & c[half + i]!) !== (c[i]! & c[half + i]!)) return false;
  return true;
}

function mailboxWithin(address: string, c: string): boolean {
  const at = address.lastIndexOf("@");
  const local = address.slice(0, at);
  const host = address.slice(at + 1).toLowerCase();
  if (c.includes("@")) {
    const cat = c.lastIndexOf("@");
    // The local part is compared exactly (RFC 5321 2.4: it may be case-sensitive), literally, "*" included.
    return local === c.slice(0, cat) && host === c.slice(cat + 1).toLowerCase();
  }
  const lc = c.toLowerCase();
  return lc.startsWith(".") ? host.endsWith(lc) : host === lc;
}

/** The host of a URI (RFC 3986 authority), or undefined when it has none. */
function uriHost(uri: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/i.exec(uri);
  return m?.[1] ? m[1].toLowerCase() : undefined;
}

const dnWithin = (name: NameValue, base: NameValue) =>
  base.rdns.length <= name.rdns.length && base.rdns.every((rdn, i) => rdn.join("+") === name.rdns[i]!.join("+"));

/**
 * How a name relates to one subtree of its own form: "in" (inside it), "out", or "overlap" (a
 * wildcard SAN that covers some names inside, which counts against excluded subtrees and for
 * none of the permitted ones: CVE-2025-61727).
 */
export function subtreeRelation(name: GeneralName, c: GeneralName): "in" | "out" | "overlap" {
  switch (name.type) {
    case "dns": {
      const n = name.value.toLowerCase();
      const base = c.value.toLowerCase();
      if (n.startsWith("*.")) {
        const rest = n.slice(2);
        if (within(rest, base)) return "in";
        // "*.example.com" covers "bar.example.com" when the subtree is exactly one label below.
        if (base.endsWith("." + rest) && !base.slice(0, -rest.length - 1).includes(".")) return "overlap";
        return "out";
      }
      return within(n, base) ? "in" : "out";
    }
    case "ip":
      return ipWithin(name.bytes!, c.bytes!) ? "in" : "out";
    case "email":
      return mailboxWithin(name.value, c.value) ? "in" : "out";
    case "uri": {
      const host = uriHost(name.value);
      if (!host) return "out";
      const base = c.value.toLowerCase();
      return (base.startsWith(".") ? host.endsWith(base) : host === base) ? "in" : "out";
    }
    case "dn":
      return dnWithin(name.dn!, c.dn!) ? "in" : "out";
    default:
      return "out";
  }
}
