/**
 * Name-constraint subtrees as people type them, checked and normalised to what RFC 5280 4.2.1.10
 * puts into the extension: a DNS subtree is a host name (".internal" and "internal" both mean
 * internal and every name below it), an IP subtree an address with a CIDR mask, an e-mail subtree a
 * mailbox, a host or a domain (".example.com"), and a URI subtree the host part of a URI, never a
 * path. The values come out as the GeneralName shape lib/verify matches names with, so issuance and
 * path validation use one matcher.
 */
import { isIP } from "node:net";
import { canonicalIp, ipBytes, isValidDnsName, isValidMailbox, normalizeHost, type GeneralName } from "../verify/names";

export const SUBTREE_FORMS = ["dns", "ip", "email", "uri"] as const;
export type SubtreeForm = (typeof SUBTREE_FORMS)[number];

/** Subtrees of each form, as text ("internal", "10.0.0.0/8", ".example.com", "prod.example"). */
export type Subtrees = Partial<Record<SubtreeForm, string[]>>;

/** The API's and the form's `nameConstraints`: absent lists mean no constraint of that form. */
export interface NameConstraintsSpec {
  permitted?: Subtrees;
  excluded?: Subtrees;
}

export const FORM_LABELS: Record<SubtreeForm, string> = { dns: "DNS", ip: "IP", email: "e-mail", uri: "URI" };

export type SubtreeResult = { ok: true; name: GeneralName } | { ok: false; problem: string };

const fail = (problem: string): SubtreeResult => ({ ok: false, problem });

function dnsSubtree(raw: string): SubtreeResult {
  if (raw.includes("*")) {
    const domain = raw.replace(/^[*.]+/, "");
    return fail(`DNS subtree "${raw}" has a wildcard: write "${domain}", which covers it and every name below it.`);
  }
  // RFC 5280: "any DNS name that can be constructed by simply adding zero or more labels to the
  // left-hand side" matches, so the leading dot people write (as in OpenSSL configs) adds nothing.
  const host = normalizeHost(raw.replace(/^\./, ""));
  if (isIP(host)) return fail(`DNS subtree "${raw}" is an IP address: put it under IP ranges as ${host}/${isIP(host) === 4 ? 32 : 128}.`);
  if (!isValidDnsName(host, { wildcard: false }))
    return fail(`DNS subtree "${raw}" is not a domain name (letters, digits and hyphens between dots).`);
  return { ok: true, name: { type: "dns", value: host, wellFormed: true } };
}

function ipSubtree(raw: string): SubtreeResult {
  const [addr = "", prefixText, extra] = raw.split("/");
  const address = addr.replace(/^\[|\]$/g, "");
  const bytes = ipBytes(address);
  if (!bytes || extra !== undefined)
    return fail(`IP range "${raw}" is not an address with a prefix length, such as 10.0.0.0/8 or fd00::/8.`);
  const bits = bytes.length * 8;
  const prefix = prefixText === undefined ? bits : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= bits)) return fail(`IP range "${raw}" has a prefix length outside 0-${bits}.`);
  const mask = new Uint8Array(bytes.length).map((_, i) =>
    prefix >= (i + 1) * 8 ? 0xff : prefix <= i * 8 ? 0 : (0xff << (8 - (prefix - i * 8))) & 0xff,
  );
  const network = bytes.map((b, i) => b & mask[i]!);
  const text = `${canonicalIp(network)}/${prefix}`;
  if (network.some((b, i) => b !== bytes[i])) return fail(`IP range "${raw}" has host bits set: did you mean ${text}?`);
  const encoded = new Uint8Array(bytes.length * 2);
  encoded.set(network);
  encoded.set(mask, bytes.length);
  return { ok: true, name: { type: "ip", value: text, bytes: encoded, wellFormed: true } };
}

function emailSubtree(raw: string): SubtreeResult {
  if (raw.includes("@")) {
    const at = raw.lastIndexOf("@");
    const value = `${raw.slice(0, at)}@${raw.slice(at + 1).toLowerCase()}`;
    return isValidMailbox(value)
      ? { ok: true, name: { type: "email", value, wellFormed: true } }
      : fail(`E-mail subtree "${raw}" is not a mailbox.`);
  }
  const dot = raw.startsWith(".") ? "." : "";
  const host = normalizeHost(raw.slice(dot.length));
  if (!isValidDnsName(host, { wildcard: false }))
    return fail(`E-mail subtree "${raw}" is neither a mailbox (ops@example.com), a host (example.com) nor a domain (.example.com).`);
  return { ok: true, name: { type: "email", value: dot + host, wellFormed: true } };
}

function uriSubtree(raw: string): SubtreeResult {
  let text = raw;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)(.*)$/i.exec(raw);
  if (scheme) {
    const [, authority = "", rest = ""] = scheme;
    if (rest !== "" && rest !== "/")
      return fail(
        `URI subtree "${raw}" has a path: RFC 5280 4.2.1.10 constrains URIs by host only, so write "${authority}" here and limit paths with the CA's issuance policy (allowed URI prefixes).`,
      );
    text = authority.replace(/^[^@]*@/, "").replace(/:\d+$/, "");
  }
  const dot = text.startsWith(".") ? "." : "";
  const host = normalizeHost(text.slice(dot.length));
  if (isIP(host)) return fail(`URI subtree "${raw}" is an IP address: RFC 5280 4.2.1.10 takes a host name or a domain for URIs.`);
  if (!isValidDnsName(host, { wildcard: false }))
    return fail(`URI subtree "${raw}" is not a host (prod.example), a domain (.example.com) or a URI such as spiffe://prod.example/.`);
  return { ok: true, name: { type: "uri", value: dot + host, wellFormed: true } };
}

/** One typed subtree, checked and normalised; the problem names the entry and says how to write it. */
export function parseSubtree(form: SubtreeForm, raw: string): SubtreeResult {
  const entry = raw.trim();
  if (entry === "") return fail(`An empty ${FORM_LABELS[form]} subtree would match every name: remove it.`);
  switch (form) {
    case "dns":
      return dnsSubtree(entry);
    case "ip":
      return ipSubtree(entry);
    case "email":
      return emailSubtree(entry);
    case "uri":
      return uriSubtree(entry);
  }
}

/** Parses subtrees already checked by the schema (stored or sent on by cadesk itself). */
export function subtreeNames(subtrees: Subtrees | undefined): GeneralName[] {
  const out: GeneralName[] = [];
  for (const form of SUBTREE_FORMS)
    for (const raw of subtrees?.[form] ?? []) {
      const parsed = parseSubtree(form, raw);
      if (!parsed.ok) throw new Error(parsed.problem);
      out.push(parsed.name);
    }
  return out;
}

/** A subtree as people write it: IP ranges in CIDR with RFC 5952 IPv6 ("fd00::/8"), the rest as encoded. */
export function subtreeText(n: GeneralName): string {
  if (n.type !== "ip" || !n.bytes || (n.bytes.length !== 8 && n.bytes.length !== 32)) return n.value;
  const half = n.bytes.length / 2;
  return `${canonicalIp(n.bytes.subarray(0, half))}/${n.value.split("/")[1]}`;
}

/** GeneralNames back to the API's text lists (for a CA's page and GET /cas/{id}). */
export function subtreesOf(names: GeneralName[]): Subtrees & { dn?: string[] } {
  const out: Subtrees & { dn?: string[] } = {};
  for (const n of names) {
    if (n.type !== "dns" && n.type !== "ip" && n.type !== "email" && n.type !== "uri" && n.type !== "dn") continue;
    (out[n.type] ??= []).push(subtreeText(n));
  }
  return out;
}

export const isEmptySpec = (spec: NameConstraintsSpec | undefined): boolean =>
  !spec || SUBTREE_FORMS.every((f) => !spec.permitted?.[f]?.length && !spec.excluded?.[f]?.length);
