/**
 * Which cadesk role a person gets from their identity provider's claims. Pure (no Next, no
 * Prisma): lib/config.ts parses CADESK_OIDC_ROLE_MAP with it, the settings page validates the
 * rules with it, and every OpenID Connect sign-in decides the role with it again, so that leaving
 * a group at the provider takes the role away at the next sign-in.
 */
import { ROLES, type Role } from "../roles";

/** One rule: people whose claim contains `value` get `role` (`*`: anyone the provider signs in). */
export interface RoleRule {
  value: string;
  role: Role;
}

/** The strongest role first: someone in several mapped groups gets the most their groups grant. */
const RANK: Record<Role, number> = { admin: 3, operator: 2, viewer: 1 };

/**
 * Parses rules written as `value=role`, separated by commas or new lines, e.g.
 * `cadesk-admins=admin,cadesk-ops=operator`. The value is everything before the last `=`, so
 * group names that contain `=` (LDAP DNs such as `cn=ca-admins,ou=groups`) need a new line per
 * rule rather than commas. Returns the rules, or the problems, each naming the rule.
 */
export function parseRoleMap(text: string): { rules: RoleRule[]; problems: string[] } {
  const lines = text.includes("\n") ? text.split(/\r?\n/) : text.split(",");
  const rules: RoleRule[] = [];
  const problems: string[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const at = line.lastIndexOf("=");
    const value = at > 0 ? line.slice(0, at).trim() : "";
    const role =
      at > 0
        ? line
            .slice(at + 1)
            .trim()
            .toLowerCase()
        : "";
    if (!value) {
      problems.push(`"${line.slice(0, 80)}" is not value=role (e.g. cadesk-admins=admin)`);
    } else if (!(ROLES as readonly string[]).includes(role)) {
      problems.push(`"${line.slice(0, 80)}": the role must be one of ${ROLES.join(", ")}`);
    } else if (value.length > 500) {
      problems.push(`"${value.slice(0, 40)}...": a value has at most 500 characters`);
    } else {
      rules.push({ value, role: role as Role });
    }
  }
  return { rules, problems };
}

/** The rules written back as text, one per line (the settings form shows them so). */
export function formatRoleMap(rules: readonly RoleRule[]): string {
  return rules.map((r) => `${r.value}=${r.role}`).join("\n");
}

/**
 * The values of `claim` in `claims`: a string array (Keycloak, Okta, Entra `groups`), a single
 * string (split on spaces and commas, as some providers send roles), or a dotted path into nested
 * objects (Keycloak's `realm_access.roles`). Anything else gives no values.
 */
export function claimValues(claims: Record<string, unknown>, claim: string): string[] {
  let node: unknown = claims;
  // A claim whose own name contains dots (e.g. "https://example.com/groups" namespaced claims of
  // Auth0) is looked up whole first; the dotted path only when there is no such claim.
  if (claim in claims) node = claims[claim];
  else
    for (const part of claim.split(".")) {
      node = node && typeof node === "object" && !Array.isArray(node) ? (node as Record<string, unknown>)[part] : undefined;
    }
  if (typeof node === "string") return node.split(/[\s,]+/).filter(Boolean);
  if (Array.isArray(node)) return node.filter((v): v is string => typeof v === "string");
  return [];
}

/**
 * The role the rules grant for these claim values: the strongest among the rules that match, or
 * null when none does (the sign-in is then refused). Values compare exactly, case included, as
 * providers' group names and ids do.
 */
export function mapRole(rules: readonly RoleRule[], values: readonly string[]): { role: Role; matched: string[] } | null {
  const have = new Set(values);
  const matching = rules.filter((r) => r.value === "*" || have.has(r.value));
  if (matching.length === 0) return null;
  const role = matching.reduce<Role>((best, r) => (RANK[r.role] > RANK[best] ? r.role : best), matching[0]!.role);
  return { role, matched: matching.filter((r) => r.role === role).map((r) => r.value) };
}
