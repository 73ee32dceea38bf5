import { isIP } from "node:net";
import { domainToASCII } from "node:url";
import { AppError } from "../errors";
import { x509 } from "./crypto-provider";
import type { San, SanType } from "./names-format";
import { nameFromJson } from "./subject-name";

export { formatSans, type San, type SanType } from "./names-format";

export interface SubjectInput {
  commonName: string;
  organization?: string;
  organizationalUnit?: string;
  country?: string;
  state?: string;
  locality?: string;
}

/**
 * Builds a distinguished name in the conventional order (C, ST, L, O, OU, CN) that OpenSSL and
 * browsers display. Empty attributes are left out rather than encoded as empty strings.
 */
export function buildName(subject: SubjectInput): x509.Name {
  const rdns: Record<string, string[]>[] = [];
  const add = (type: string, value: string | undefined) => {
    const v = value?.trim();
    if (v) rdns.push({ [type]: [v] });
  };
  add("C", subject.country?.toUpperCase());
  add("ST", subject.state);
  add("L", subject.locality);
  add("O", subject.organization);
  add("OU", subject.organizationalUnit);
  add("CN", subject.commonName);
  // The same Name x509.Name builds, encoded without its ASN.1 objects (subject-name.ts).
  return nameFromJson(rdns);
}

export interface SanLists {
  dns?: string[];
  ip?: string[];
  email?: string[];
  uri?: string[];
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const CONTROL_OR_SPACE = /[\s\u0000-\u001f\u007f]/;

/**
 * Validates and normalises one DNS name: lowercase, IDN converted to punycode, a trailing dot
 * dropped. A wildcard may only be the whole leftmost label over at least two more labels
 * (`*.example.com`), which is all that RFC 6125 clients match.
 */
export function normaliseDnsName(input: string): string {
  const raw = input.trim();
  if (raw.length === 0) throw sanError("dns", input, "it is empty");
  if (CONTROL_OR_SPACE.test(raw)) throw sanError("dns", input, "it contains a space or control character");
  const withoutDot = raw.endsWith(".") ? raw.slice(0, -1) : raw;
  const wildcard = withoutDot.startsWith("*.");
  const rest = wildcard ? withoutDot.slice(2) : withoutDot;
  if (rest.includes("*")) {
    throw sanError("dns", input, "a wildcard may only be the whole leftmost label, as in *.example.com");
  }
  if (rest.includes("_")) throw sanError("dns", input, "underscores are not allowed in host names");
  const ascii = domainToASCII(rest.toLowerCase());
  if (!ascii) throw sanError("dns", input, "it is not a valid host name");
  const labels = ascii.split(".");
  if (ascii.length > 253) throw sanError("dns", input, "it is longer than 253 characters");
  const bad = labels.find((l) => !LABEL.test(l));
  if (bad !== undefined) {
    throw sanError(
      "dns",
      input,
      bad === "" ? "it has an empty label (two dots in a row)" : `the label "${bad}" is not valid (letters, digits and inner hyphens only)`,
    );
  }
  if (wildcard && labels.length < 2) {
    throw sanError("dns", input, "a wildcard needs at least two labels after it (*.example.com, not *.com)");
  }
  return wildcard ? `*.${ascii}` : ascii;
}

function normaliseIp(input: string): string {
  const raw = input.trim().replace(/^\[(.*)\]$/, "$1");
  const version = isIP(raw);
  if (version === 0) throw sanError("ip", input, "it is not an IPv4 or IPv6 address");
  // Canonical form, so search and comparison find "::1" however it was typed.
  return version === 6 ? new URL(`http://[${raw}]/`).hostname.slice(1, -1) : raw;
}

function normaliseEmail(input: string): string {
  const raw = input.trim();
  if (CONTROL_OR_SPACE.test(raw)) throw sanError("email", input, "it contains a space or control character");
  const at = raw.lastIndexOf("@");
  if (at < 1 || at === raw.length - 1) throw sanError("email", input, "it needs the form name@example.com");
  const local = raw.slice(0, at);
  if (!/^[\x21-\x7e]+$/.test(local) || local.includes("@")) throw sanError("email", input, "the part before @ must be plain ASCII");
  let domain: string;
  try {
    domain = normaliseDnsName(raw.slice(at + 1));
  } catch {
    throw sanError("email", input, "the part after @ is not a valid domain");
  }
  if (domain.startsWith("*")) throw sanError("email", input, "the domain cannot be a wildcard");
  return `${local}@${domain}`;
}

function normaliseUri(input: string): string {
  const raw = input.trim();
  if (CONTROL_OR_SPACE.test(raw)) throw sanError("uri", input, "it contains a space or control character");
  if (!/^[a-z][a-z0-9+.-]*:/i.test(raw))
    throw sanError("uri", input, "it needs a scheme, as in spiffe://example.org/service or https://example.com");
  try {
    new URL(raw);
  } catch {
    throw sanError("uri", input, "it is not a valid URI");
  }
  return raw;
}

const NORMALISERS: Record<SanType, (v: string) => string> = {
  dns: normaliseDnsName,
  ip: normaliseIp,
  email: normaliseEmail,
  uri: normaliseUri,
};

const TYPE_NAMES: Record<SanType, string> = { dns: "DNS name", ip: "IP address", email: "e-mail address", uri: "URI" };

function sanError(type: SanType, value: string, reason: string): AppError {
  const shown = JSON.stringify(value.length > 80 ? value.slice(0, 80) + "…" : value);
  return new AppError("INVALID_INPUT", `The ${TYPE_NAMES[type]} ${shown} is not valid: ${reason}.`, "sans");
}

/** Validates typed SAN lists (the API's shape) into one deduplicated list. */
export function normaliseSans(lists: SanLists): San[] {
  const out: San[] = [];
  for (const type of ["dns", "ip", "email", "uri"] as const) {
    for (const value of lists[type] ?? []) addUnique(out, { type, value: NORMALISERS[type](value) });
  }
  return out;
}

/**
 * Reads the form's free-text SAN field: entries separated by commas or new lines, as the field's
 * help says, each typed by its shape the way mkcert does (an IP, an e-mail with @, a URI with a
 * scheme, else DNS). A space inside an entry is an error naming it, never a separator: no SAN
 * type may hold one (RFC 5280 4.2.1.6 with RFC 3986 for URIs), and splitting "http://x y" into a
 * URI and a DNS name would issue a name nobody asked for.
 */
export function parseSanText(text: string): San[] {
  const out: San[] = [];
  for (const entry of text
    .split(/[,\r\n]+/)
    .map((e) => e.trim())
    .filter(Boolean)) {
    if (/\s/.test(entry)) {
      const shown = JSON.stringify(entry.length > 80 ? entry.slice(0, 80) + "…" : entry);
      throw new AppError(
        "INVALID_INPUT",
        `The entry ${shown} contains a space, which no Subject Alternative Name may hold. Put one name per line or separate names with commas.`,
        "sans",
      );
    }
    const type = guessSanType(entry);
    addUnique(out, { type, value: NORMALISERS[type](entry) });
  }
  return out;
}

export function guessSanType(entry: string): SanType {
  const bare = entry.replace(/^\[(.*)\]$/, "$1");
  if (isIP(bare)) return "ip";
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry) || /^urn:/i.test(entry)) return "uri";
  if (entry.includes("@")) return "email";
  return "dns";
}

/** Whether a Common Name can also stand as a SAN entry (a host name, IP, e-mail or URI). */
export function sanFromCommonName(commonName: string): San | null {
  const type = guessSanType(commonName.trim());
  try {
    return { type, value: NORMALISERS[type](commonName) };
  } catch {
    return null;
  }
}

function addUnique(list: San[], san: San): void {
  if (!list.some((s) => s.type === san.type && s.value === san.value)) list.push(san);
}

export function sansToLists(sans: San[]): Required<SanLists> {
  const lists: Required<SanLists> = { dns: [], ip: [], email: [], uri: [] };
  for (const s of sans) lists[s.type].push(s.value);
  return lists;
}
