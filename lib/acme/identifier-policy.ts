/**
 * Which identifiers an ACME endpoint may issue for. Rules are data an admin types:
 * ".internal" (that name and every name below it), "db.example.internal" (exactly that name),
 * or a CIDR range "10.0.0.0/8" / "fd00::/8" for IP identifiers (RFC 8738). No rules: any name.
 * Pure: no Prisma, no network.
 */
import { isIP } from "node:net";

export type IdentifierRule =
  | { kind: "suffix"; text: string; suffix: string }
  | { kind: "exact"; text: string; name: string }
  | { kind: "cidr"; text: string; family: 4 | 6; network: bigint; prefix: number };

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** Whether `name` is a syntactically valid lowercase DNS name (RFC 1035 2.3.1, with LDH labels). */
export function isDnsName(name: string): boolean {
  if (name.length === 0 || name.length > 253 || name.endsWith(".")) return false;
  return name.split(".").every((label) => LABEL.test(label));
}

/** Parses one rule, or returns why it is not one, in words for the form. */
export function parseIdentifierRule(raw: string): IdentifierRule | string {
  const text = raw.trim().toLowerCase();
  if (text.includes("/")) {
    const [address = "", bits = ""] = text.split("/");
    const family = isIP(address);
    if (!family || !/^\d{1,3}$/.test(bits)) return `"${raw}" is not a CIDR range: write it like 10.0.0.0/8 or fd00::/8.`;
    const prefix = Number(bits);
    const width = family === 4 ? 32 : 128;
    if (prefix > width) return `"${raw}": an IPv${family} prefix is at most /${width}.`;
    const value = ipToBigInt(address);
    const mask = prefixMask(prefix, width);
    if ((value & ~mask & ((1n << BigInt(width)) - 1n)) !== 0n) {
      return `"${raw}" has host bits set: did you mean ${bigIntToIp(value & mask, family)}/${prefix}?`;
    }
    return { kind: "cidr", text, family: family as 4 | 6, network: value, prefix };
  }
  if (isIP(text)) return `"${raw}" is an address: write it as a range, e.g. ${text}/${isIP(text) === 4 ? 32 : 128}.`;
  if (text.startsWith(".")) {
    const suffix = text.slice(1);
    if (!isDnsName(suffix)) return `"${raw}" is not a DNS suffix: write a leading dot and a name, e.g. .internal.`;
    return { kind: "suffix", text, suffix };
  }
  if (text.startsWith("*.")) return `"${raw}": write a suffix as .${text.slice(2)} (it allows the wildcard too).`;
  if (!isDnsName(text)) return `"${raw}" is neither a DNS name, a suffix like .internal, nor a CIDR range like 10.0.0.0/8.`;
  return { kind: "exact", text, name: text };
}

/** Parses every rule, throwing the first problem as an Error (callers turn it into their error type). */
export function parseIdentifierRules(raw: readonly string[]): IdentifierRule[] {
  return raw.map((r) => {
    const rule = parseIdentifierRule(r);
    if (typeof rule === "string") throw new Error(rule);
    return rule;
  });
}

/**
 * The rule that allows an identifier, or null when none does. A wildcard `*.a.b` is matched as
 * the names it stands for: a suffix rule must cover `a.b`'s children, an exact rule never does.
 */
export function allowingRule(rules: readonly IdentifierRule[], identifier: { type: "dns" | "ip"; value: string }): IdentifierRule | null {
  if (identifier.type === "ip") {
    const family = isIP(identifier.value);
    if (!family) return null;
    const value = ipToBigInt(identifier.value);
    const width = family === 4 ? 32 : 128;
    return rules.find((r) => r.kind === "cidr" && r.family === family && (value & prefixMask(r.prefix, width)) === r.network) ?? null;
  }
  const wildcard = identifier.value.startsWith("*.");
  const name = wildcard ? identifier.value.slice(2) : identifier.value;
  return (
    rules.find((r) => {
      if (r.kind === "exact") return !wildcard && r.name === name;
      if (r.kind === "suffix") return name === r.suffix || name.endsWith("." + r.suffix);
      return false;
    }) ?? null
  );
}

function prefixMask(prefix: number, width: number): bigint {
  if (prefix === 0) return 0n;
  return ((1n << BigInt(prefix)) - 1n) << BigInt(width - prefix);
}

/** An IPv4 or IPv6 address as an integer (IPv4-mapped forms are not expected here). */
export function ipToBigInt(address: string): bigint {
  if (isIP(address) === 4) return address.split(".").reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
  const [head = "", tail] = address.split("::");
  const parse = (s: string) => (s ? s.split(":") : []);
  let groups = parse(head);
  let rest = tail === undefined ? [] : parse(tail);
  // An embedded IPv4 tail (::ffff:1.2.3.4) is two groups.
  const fix = (list: string[]) =>
    list.flatMap((g) => {
      if (!g.includes(".")) return [g];
      const v = Number(ipToBigInt(g));
      return [(v >>> 16).toString(16), (v & 0xffff).toString(16)];
    });
  groups = fix(groups);
  rest = fix(rest);
  const missing = 8 - groups.length - rest.length;
  const all = [...groups, ...Array<string>(tail === undefined ? 0 : missing).fill("0"), ...rest];
  return all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

function bigIntToIp(value: bigint, family: number): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 255n)).join(".");
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((value >> BigInt(i * 16)) & 0xffffn).toString(16));
  return groups.join(":").replace(/(^|:)0(:0)+(:|$)/, "::");
}
