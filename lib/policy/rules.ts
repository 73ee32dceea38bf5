/**
 * The per-CA issuance policy's rules (in the spirit of Vault roles and step-ca's x509 policy):
 * allowed DNS and e-mail name patterns, wildcards, IP ranges, URI prefixes, key types and sizes,
 * profiles and validity. Pure: the rules and the request in, the first refusal out, naming the
 * rule so the requester knows which one to satisfy and an admin which one to change.
 */
import type { San } from "../pki/names";
import { isValidDnsName, isValidMailbox, normalizeHost, subtreeRelation } from "../verify/names";
import { sanAsGeneralName } from "./name-constraints";
import { parseSubtree } from "./subtrees";

export const POLICY_KEY_TYPES = ["ecdsa-p256", "ecdsa-p384", "ecdsa-p521", "rsa", "ed25519"] as const;
export type PolicyKeyType = (typeof POLICY_KEY_TYPES)[number];

type Parsed = { ok: true; value: string } | { ok: false; problem: string };

/**
 * A name pattern: a host ("api.example.com"), "*.example.com" for any name below example.com (at
 * any depth, not example.com itself), a mailbox, or "*@example.com" for any mailbox at that host.
 */
export function parseNamePattern(raw: string): Parsed {
  const at = raw.lastIndexOf("@");
  if (at >= 0) {
    const local = raw.slice(0, at);
    const host = normalizeHost(raw.slice(at + 1));
    const value = `${local}@${host}`;
    if (local === "*" ? isValidDnsName(host, { wildcard: false }) : isValidMailbox(value)) return { ok: true, value };
    return { ok: false, problem: `Allowed name "${raw}" is not a mailbox (ops@example.com) or "*@" and a host (*@example.com).` };
  }
  const wildcard = raw.startsWith("*.");
  const host = normalizeHost(wildcard ? raw.slice(2) : raw);
  if (isValidDnsName(host, { wildcard: false })) return { ok: true, value: (wildcard ? "*." : "") + host };
  return {
    ok: false,
    problem: `Allowed name "${raw}" is not a DNS name (api.example.com), "*." and a domain (*.example.com), or an e-mail pattern (*@example.com).`,
  };
}

export function parseIpRange(raw: string): Parsed {
  const r = parseSubtree("ip", raw);
  return r.ok ? { ok: true, value: r.name.value } : { ok: false, problem: r.problem.replace(/^IP range/, "Allowed IP range") };
}

/** A URI prefix: a scheme and what follows, such as spiffe://prod.example/ or https://svc.example.com/api/. */
export function parseUriPrefix(raw: string): Parsed {
  if (/^[a-z][a-z0-9+.-]*:\S*$/i.test(raw)) return { ok: true, value: raw };
  return {
    ok: false,
    problem: `Allowed URI prefix "${raw}" does not start with a scheme: write it as spiffe://prod.example/ or https://host/path/.`,
  };
}

/** The stored rules (ZIssuancePolicy's output). */
export interface IssuancePolicyRules {
  allowedNames?: string[];
  allowWildcards?: boolean;
  allowedIps?: string[];
  allowedUriPrefixes?: string[];
  keyTypes?: PolicyKeyType[];
  minRsaBits?: number;
  profiles?: string[];
  maxValidityDays?: number;
}

export interface PolicyRefusal {
  code: "NAME_NOT_ALLOWED" | "POLICY_VIOLATION";
  /** The rule that refused: "allowedNames", "keyTypes" ... */
  rule: keyof IssuancePolicyRules;
  message: string;
  field: string;
}

/** A key type as the pipeline records it ("ecdsa-p256", "rsa-3072", or a CSR key's "RSA 3072", "ECDSA P-521", "Ed25519"). */
export function keyFamily(keyType: string): { family: PolicyKeyType | "other"; rsaBits?: number } {
  const k = keyType.toLowerCase();
  const rsa = /^rsa[- ](\d+)$/.exec(k);
  if (rsa) return { family: "rsa", rsaBits: Number(rsa[1]) };
  const ec = /^(?:ecdsa[- ])?p-?(256|384|521)$/.exec(k);
  if (ec) return { family: `ecdsa-p${ec[1]}` as PolicyKeyType };
  if (k === "ed25519") return { family: "ed25519" };
  return { family: "other" };
}

/** Whether a DNS name (or the names a wildcard covers) lies within a host pattern. */
function dnsWithinPattern(name: string, pattern: string): boolean {
  const n = name.toLowerCase();
  if (!pattern.startsWith("*.")) return n === pattern;
  const base = pattern.slice(2);
  // "*.example.com" allows names strictly below example.com; a wildcard SAN "*.x.example.com" covers only such names.
  const covered = n.startsWith("*.") ? n.slice(2) : n;
  return n.startsWith("*.") ? covered === base || covered.endsWith("." + base) : n.endsWith("." + base);
}

function emailAllowed(address: string, patterns: string[]): boolean {
  const at = address.lastIndexOf("@");
  const host = address.slice(at + 1).toLowerCase();
  return patterns.some((p) => {
    if (p.includes("@")) return p.startsWith("*@") ? host === p.slice(2) : address.slice(0, at) + "@" + host === p;
    // A host pattern also allows mailboxes at that host, as Vault's allowed_domains does.
    return dnsWithinPattern(host, p);
  });
}

const list = (values: string[]) => values.map((v) => `"${v}"`).join(", ");

/** The first name rule (allowedNames, allowWildcards, allowedIps, allowedUriPrefixes) a SAN breaks. */
export function namesRefusal(rules: IssuancePolicyRules, sans: San[], caName: string): PolicyRefusal | undefined {
  const name = (rule: keyof IssuancePolicyRules, message: string): PolicyRefusal => ({
    code: "NAME_NOT_ALLOWED",
    rule,
    message: `${message} (the issuance policy of the CA "${caName}", rule ${rule}). Ask for an allowed name, or ask an admin to change the policy on the CA's page.`,
    field: "sans",
  });
  for (const san of sans) {
    if (san.type === "dns") {
      if (rules.allowWildcards === false && san.value.startsWith("*."))
        return name("allowWildcards", `The wildcard DNS name "${san.value}" is not allowed: wildcards are turned off`);
      if (rules.allowedNames && !rules.allowedNames.some((p) => !p.includes("@") && dnsWithinPattern(san.value, p)))
        return name("allowedNames", `The DNS name "${san.value}" is not among the allowed names ${list(rules.allowedNames) || "(none)"}`);
    }
    if (san.type === "email" && rules.allowedNames && !emailAllowed(san.value, rules.allowedNames))
      return name(
        "allowedNames",
        `The e-mail address "${san.value}" is not among the allowed names ${list(rules.allowedNames) || "(none)"}`,
      );
    if (san.type === "ip" && rules.allowedIps) {
      const ip = sanAsGeneralName(san);
      const inside = rules.allowedIps.some((r) => {
        const range = parseSubtree("ip", r);
        return range.ok && subtreeRelation(ip, range.name) === "in";
      });
      if (!inside)
        return name("allowedIps", `The IP address ${san.value} is not in the allowed ranges ${list(rules.allowedIps) || "(none)"}`);
    }
    if (san.type === "uri" && rules.allowedUriPrefixes && !rules.allowedUriPrefixes.some((p) => san.value.startsWith(p)))
      return name(
        "allowedUriPrefixes",
        `The URI "${san.value}" does not start with an allowed prefix ${list(rules.allowedUriPrefixes) || "(none)"}`,
      );
  }
  return undefined;
}

/** The first rule of `rules` that the request breaks, or undefined. */
export function policyRefusal(
  rules: IssuancePolicyRules,
  request: { sans: San[]; keyType: string; profile: string; validityDays: number },
  caName: string,
): PolicyRefusal | undefined {
  const names = namesRefusal(rules, request.sans, caName);
  if (names) return names;
  const violation = (rule: keyof IssuancePolicyRules, message: string, field: string): PolicyRefusal => ({
    code: "POLICY_VIOLATION",
    rule,
    message: `${message} (the issuance policy of the CA "${caName}", rule ${rule}).`,
    field,
  });
  const key = keyFamily(request.keyType);
  if (rules.keyTypes && !rules.keyTypes.includes(key.family as PolicyKeyType))
    return violation("keyTypes", `The key type ${request.keyType} is not allowed: use one of ${rules.keyTypes.join(", ")}`, "keyType");
  if (rules.minRsaBits && key.family === "rsa" && (key.rsaBits ?? 0) < rules.minRsaBits)
    return violation(
      "minRsaBits",
      `An RSA key of ${key.rsaBits} bits is too small: at least ${rules.minRsaBits} bits are required`,
      "keyType",
    );
  if (rules.profiles && !rules.profiles.includes(request.profile))
    return violation(
      "profiles",
      `The profile "${request.profile}" is not allowed: use ${rules.profiles.join(", ") || "(none allowed)"}`,
      "profile",
    );
  if (rules.maxValidityDays && request.validityDays > rules.maxValidityDays)
    return violation(
      "maxValidityDays",
      `${request.validityDays} days is longer than the ${rules.maxValidityDays} days allowed`,
      "validityDays",
    );
  return undefined;
}
