/**
 * Who may do what. Client-safe (no server imports): the sidebar and pages hide what a role
 * cannot do, and every server entry point checks the same table.
 */
export const ROLES = ["admin", "operator", "viewer"] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  admin: "Admin: everything",
  operator: "Operator: issue, renew, revoke",
  viewer: "Viewer: read-only",
};

export type Permission =
  /** Read inventory, CAs, text views; inspect pasted input; public certificate downloads. */
  | "view"
  /** Issue, sign CSRs, renew, revoke and lift holds on certificates; run the connection doctor. */
  | "issue"
  /** Create, import and revoke CAs; choose which operators may use a CA. */
  | "manage_cas"
  /** Download stored private keys and PKCS#12 files. */
  | "export_keys"
  /** Echo server and notification settings. */
  | "settings"
  /** Users and API tokens. */
  | "users"
  /** Read and export the audit log. */
  | "audit";

const GRANTS: Record<Role, readonly Permission[]> = {
  admin: ["view", "issue", "manage_cas", "export_keys", "settings", "users", "audit"],
  operator: ["view", "issue"],
  viewer: ["view"],
};

export function can(role: string, permission: Permission): boolean {
  return (GRANTS[role as Role] ?? []).includes(permission);
}

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/**
 * Whether an actor may use a CA whose operator list is `operatorIds` (null: every operator).
 * Admins always may; operators (people by user id, API tokens by token id) only when listed.
 */
export function mayUseAuthority(
  actor: { type: string; role: string | null; id: string | null; userId: string | null },
  operatorIds: string[] | null,
): boolean {
  if (actor.role !== "operator" || operatorIds === null) return true;
  return operatorIds.includes((actor.type === "token" ? actor.id : actor.userId) ?? "");
}
