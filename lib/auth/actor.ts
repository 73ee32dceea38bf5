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
  /** The HTTP request's id (X-Request-Id, set by scripts/serve.mjs), recorded with audit events. */
  requestId?: string | null;
}

/**
 * cadesk itself: the scheduler, start-up tasks, scripts and tests. Nothing acts as the system by
 * default; code that does says so with `runAs(SYSTEM_ACTOR, ...)`.
 */
export const SYSTEM_ACTOR: Actor = Object.freeze({ type: "system", id: null, label: "cadesk", role: "admin", userId: null, ip: null });

/**
 * Someone on the network without credentials: the public PKI endpoints (CRL, OCSP, CA
 * certificates, later ACME before the account is known) and sign-in. Holds no permission.
 */
export function publicActor(ip: string | null = null, label = "public"): Actor {
  return { type: "anonymous", id: null, label, role: null, userId: null, ip };
}

const storage = new AsyncLocalStorage<Actor>();

/** Runs `fn` as `actor`: services read it for permissions, audit records and per-CA limits. */
export function runAs<T>(actor: Actor, fn: () => Promise<T>): Promise<T> {
  return storage.run(actor, fn);
}

/** The message of a refusal for want of an actor: a programming error, so it says how to fix the code. */
function noActor(what: string): AppError {
  return new AppError(
    "FORBIDDEN",
    `Refused to ${what}: no one is acting. This code ran outside a request and did not say who it acts for; ` +
      "wrap it in apiRoute, publicRoute, actAs or sessionRoute (requests), or runAs(SYSTEM_ACTOR, ...) (scheduler, start-up, scripts, tests).",
  );
}

/**
 * The actor of the current request or job. Fails closed: outside `runAs` there is none, and this
 * throws rather than guessing (a forgotten wrapper must not run with every permission).
 */
export function currentActor(what = "act"): Actor {
  const actor = storage.getStore();
  if (!actor) throw noActor(what);
  return actor;
}

/** The current actor, or null outside of any (for code that only records who acted when someone did). */
export function actorOrNull(): Actor | null {
  return storage.getStore() ?? null;
}

/** Refuses unless someone, perhaps anonymous, acts: the entry points of the public PKI endpoints. */
export function assertActing(what: string): Actor {
  return currentActor(what);
}

/** Refuses the current actor unless its role grants `permission` (cadesk itself may do anything; nobody may do nothing). */
export function assertCan(permission: Permission, what: string): void {
  const actor = currentActor(what);
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
