/**
 * Name constraints for a new CA and the per-CA issuance policy: one schema each, shared by the
 * forms (which post text with one entry per line or comma) and the JSON API (which sends arrays).
 * Every entry is checked and normalised here, so a refusal names the entry that is wrong.
 */
import { z } from "zod";
import { LEAF_PROFILES, MAX_LEAF_DAYS } from "../pki/profiles";
import { isEmptySpec, parseSubtree, type NameConstraintsSpec, type SubtreeForm } from "../policy/subtrees";
import { parseIpRange, parseNamePattern, parseUriPrefix, POLICY_KEY_TYPES } from "../policy/rules";
import { optionalInt } from "./common";

/** A list as JSON (array) or as form text (one entry per line or comma); empty entries are dropped. */
const listInput = z.union([z.array(z.string().max(1024)).max(200, "At most 200 entries."), z.string().max(64 * 1024)]);
const entries = (v: string | string[]) => (Array.isArray(v) ? v : v.split(/[\n,]/)).map((e) => e.trim()).filter((e) => e !== "");

/** A checked list: each entry through `parse`, which returns the normalised entry or a problem naming it. */
function checkedList(parse: (entry: string) => { ok: true; value: string } | { ok: false; problem: string }) {
  return listInput.optional().transform((v, ctx) => {
    if (v === undefined) return undefined;
    const out: string[] = [];
    for (const entry of entries(v)) {
      const parsed = parse(entry);
      if (parsed.ok) {
        if (!out.includes(parsed.value)) out.push(parsed.value);
      } else ctx.issues.push({ code: "custom", message: parsed.problem, input: v });
    }
    return out;
  });
}

const subtreeList = (form: SubtreeForm) =>
  checkedList((entry) => {
    const r = parseSubtree(form, entry);
    return r.ok ? { ok: true, value: r.name.value } : r;
  }).transform((v) => (v?.length ? v : undefined));

export const ZSubtrees = z.object({
  dns: subtreeList("dns").describe('DNS subtrees: "internal" or ".internal" (the domain and every name below it)'),
  ip: subtreeList("ip").describe("IP ranges in CIDR notation, IPv4 or IPv6: 10.0.0.0/8, fd00::/8"),
  email: subtreeList("email").describe('Mailboxes (ops@example.com), hosts (example.com) or domains (".example.com")'),
  uri: subtreeList("uri").describe('URI hosts: "prod.example", ".example.com" or spiffe://prod.example/ (host only, RFC 5280 4.2.1.10)'),
});

/**
 * RFC 5280 4.2.1.10 subtrees, written as a critical Name Constraints extension on the new CA: names
 * of a form with permitted subtrees must lie inside one; names in an excluded subtree are refused.
 */
export const ZNameConstraints = z
  .object({ permitted: ZSubtrees.optional(), excluded: ZSubtrees.optional() })
  .optional()
  .transform((v): NameConstraintsSpec | undefined => (isEmptySpec(v) ? undefined : v));
export type TNameConstraints = NonNullable<z.infer<typeof ZNameConstraints>>;

/** A form's "on"/"true"/"false" or JSON's boolean; empty means absent. */
const optionalBoolean = z.preprocess(
  (v) => (v === "" || v === null ? undefined : v === "on" || v === "true" ? true : v === "false" || v === "off" ? false : v),
  z.boolean({ error: "Must be true or false." }).optional(),
);
const enumList = <T extends readonly [string, ...string[]]>(values: T, label: string) =>
  z.preprocess(
    (v) => (typeof v === "string" ? entries(v) : v),
    z.array(z.enum(values, { error: `${label} must be among ${values.join(", ")}.` })).optional(),
  );

/**
 * A CA's issuance policy, on top of its name constraints (Vault roles, step-ca policies). Every rule
 * is optional: absent means no limit; an empty list allows nothing of that kind.
 */
export const ZIssuancePolicy = z.object({
  allowedNames: checkedList(parseNamePattern).describe(
    'DNS names and e-mail addresses allowed: "api.example.com", "*.example.com" (any name below example.com), "*@example.com", "ops@example.com"',
  ),
  allowWildcards: optionalBoolean.describe("false refuses wildcard DNS names (*.example.com); absent or true allows them"),
  allowedIps: checkedList(parseIpRange).describe("IP ranges (CIDR) that IP addresses must lie in"),
  allowedUriPrefixes: checkedList(parseUriPrefix).describe("Prefixes URI names must start with, such as spiffe://prod.example/"),
  keyTypes: enumList(POLICY_KEY_TYPES, "Key types").describe("Key types allowed for the certificate's key"),
  minRsaBits: optionalInt(2048, 8192, "Minimum RSA size").describe("Smallest RSA modulus allowed, in bits"),
  profiles: enumList(LEAF_PROFILES, "Profiles").describe("Profiles allowed"),
  maxValidityDays: optionalInt(1, MAX_LEAF_DAYS, "Maximum validity").describe("Longest validity allowed, in days"),
});
export type TIssuancePolicy = z.infer<typeof ZIssuancePolicy>;
