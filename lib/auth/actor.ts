import { AsyncLocalStorage } from "node:async_hooks";
import { readConfig } from "../config";
import { AppError } from "../errors";
import { can, type Permission, type Role } from "./roles";

/** Who is acting: a signed-in user, an API token, cadesk itself (scheduler, start-up), or an ACME account. */
export interface Actor {
  type: "user" | "token" | "system" | "anonymous" | "acme";
  id: string | null;
  /** E-mail or token name, as the audit log shows it. */
  label: string;
  role: Role | null;
  /** The user behind the action (a user, or the token's creator is not used for limits). */
  userId: string | null;
  ip: string | null;
  /** A session's last password entry; sensitive actions need it recent. */
  authenticatedAt?: Date;
  sessionId?: string;
}

export const SYSTEM_ACTOR: Actor = { type: "system", id: null, label: "cadesk", role: "admin", userId: null, ip: null };

const storage = new AsyncLocalStorage<Actor>();

/** Runs `fn` as `actor`: services read it for audit records and per-CA limits. */
export function runAs<T>(actor: Actor, fn: () => Promise<T>): Promise<T> {
  return storage.run(actor, fn);
}

/** The actor of the current request; cadesk itself outside of one (scheduler, tests, scripts). */
export function currentActor(): Actor {
  return storage.getStore() ?? SYSTEM_ACTOR;
}

/** Refuses the current actor unless its role grants `permission` (cadesk itself may do anything). */
export function assertCan(permission: Permission, what: string): void {
  const actor = currentActor();
  if (actor.type === "system") return;
  if (!actor.role || !can(actor.role, permission)) {
    throw new AppError("FORBIDDEN", `Your role (${actor.role ?? "none"}) may not ${what}. Ask an admin.`);
  }
}

/** Sensitive actions need the password entered within this window (CADESK_REAUTH_MINUTES, 5). */
export function reauthMs(): number {
  return readConfig().CADESK_REAUTH_MINUTES * 60_000;
}

/**
 * Sensitive actions (CAs, revocation, key export, users and tokens) need a recent password entry
 * from a browser session; API tokens are their own proof.
 */
export function assertRecentAuth(now = new Date()): void {
  const actor = currentActor();
  if (actor.type !== "user") return;
  if (!actor.authenticatedAt || now.getTime() - actor.authenticatedAt.getTime() > reauthMs()) {
    throw new AppError(
      "REAUTH_REQUIRED",
      `This action needs your password again: you last entered it more than ${reauthMs() / 60_000} minutes ago.`,
    );
  }
}
