/**
 * Sign-in through the company's OpenID Connect provider. People are identified by the provider's
 * issuer and subject (OpenID Connect Core 5.7), created on their first sign-in, and their role is
 * decided by the role rules at every sign-in: leaving the mapped group at the provider takes the
 * role away at the next one, and someone no rule maps is refused (their sessions end too).
 */
import { randomUUID } from "node:crypto";
import type { User } from "@/generated/prisma/client";
import { assertActing, currentActor, publicActor, type Actor } from "../auth/actor";
import {
  authorizationRequest,
  completeAuthorization,
  endSessionUrl,
  openIdToken,
  openPending,
  sealIdToken,
  sealPending,
  type PendingLogin,
  type ProviderIdentity,
} from "../auth/oidc/client";
import { mapRole } from "../auth/oidc/role-map";
import { effectiveOidcSettings, type EffectiveOidcSettings } from "../auth/oidc/settings";
import type { Role } from "../auth/roles";
import { createSession, endUserSessions, markAuthenticated } from "../auth/sessions";
import { getDb } from "../db";
import { AppError } from "../errors";
import { audit } from "./audit";

interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
}

async function enabledSettings(): Promise<EffectiveOidcSettings> {
  const settings = await effectiveOidcSettings();
  if (!settings.enabled)
    throw new AppError("NOT_FOUND", "Sign-in through an identity provider is not set up: an admin configures it in Settings → Sign-in.");
  return settings;
}

/** Leaving for the provider to sign in: the URL to send the browser to, and the sealed pending login for its cookie. */
export async function startOidcSignIn(next: string): Promise<{ url: string; sealed: string }> {
  assertActing("sign in");
  const settings = await enabledSettings();
  const { url, pending } = await authorizationRequest(settings, { next, purpose: "sign-in" });
  return { url: url.href, sealed: sealPending(pending) };
}

/** The signed-in OpenID Connect user behind the current request, with their row. */
async function signedInOidcUser(): Promise<{ actor: Actor; user: User }> {
  const actor = currentActor("confirm who you are");
  if (actor.type !== "user" || !actor.userId || !actor.sessionId) throw new AppError("UNAUTHORIZED", "Sign in first.");
  const user = await getDb().user.findUnique({ where: { id: actor.userId } });
  if (!user) throw new AppError("UNAUTHORIZED", "Sign in first.");
  if (!user.oidcSubject)
    throw new AppError("INVALID_INPUT", "You sign in with a password: confirm with your password instead.", "password");
  return { actor, user };
}

/**
 * Re-authentication for someone who signs in through the provider (they have no cadesk password):
 * a fresh login there (prompt=login, max_age=0), checked to be the same person at the callback.
 */
export async function startOidcReauth(next: string): Promise<{ url: string; sealed: string }> {
  const { user } = await signedInOidcUser();
  const settings = await enabledSettings();
  const { url, pending } = await authorizationRequest(settings, {
    next,
    purpose: "reauth",
    ...(user.email.includes("@") ? { loginHint: user.email } : {}),
  });
  return { url: url.href, sealed: sealPending(pending) };
}

/** How the callback went: a new session, or the current session confirmed. */
export type OidcOutcome = { kind: "signed-in"; token: string; user: User; next: string } | { kind: "reauthenticated"; next: string };

const NO_PENDING =
  "This sign-in was not started in this browser, or took longer than 10 minutes, so it was refused. Start again from the sign-in page.";

/**
 * The browser is back from the provider. Options are for tests: `skewSeconds` moves the clock the
 * ID token is checked against (an expired token without waiting for one).
 */
export async function completeOidcSignIn(
  sealedPending: string | undefined,
  params: URLSearchParams,
  meta: RequestMeta,
  { skewSeconds = 0, now = new Date() }: { skewSeconds?: number; now?: Date } = {},
): Promise<OidcOutcome> {
  const actor = assertActing("sign in");
  const anonymous = actor.type === "user" ? actor : publicActor(meta.ip);
  const refuse = async (reason: string, message: string, label?: string): Promise<never> => {
    await audit({
      action: "auth.sign_in",
      outcome: "failure",
      actor: label ? { ...anonymous, label } : anonymous,
      detail: { method: "oidc", reason },
    });
    throw new AppError("UNAUTHORIZED", message);
  };
  const pending = openPending(sealedPending, Math.floor(now.getTime() / 1000));
  if (!pending) return refuse("no pending sign-in", NO_PENDING);
  // The state binds the response to this browser's request (RFC 6749 10.12, login CSRF);
  // openid-client checks it again, this says it plainly.
  if (params.get("state") !== pending.state)
    return refuse(
      "state mismatch",
      "This sign-in response does not belong to the sign-in this browser started (its state differs), so it was refused. Start again from the sign-in page.",
    );
  const settings = await enabledSettings();
  let identity: ProviderIdentity;
  try {
    identity = await completeAuthorization(settings, pending, params, { skewSeconds });
  } catch (error) {
    if (error instanceof AppError) return refuse(error.message.slice(0, 200), error.message);
    throw error;
  }
  if (pending.purpose === "reauth") return confirmIdentity(identity, pending, now);
  return signInIdentity(settings, identity, pending, meta, now, refuse);
}

/** Re-authentication: the same person as the session's, just authenticated at the provider. */
async function confirmIdentity(identity: ProviderIdentity, pending: PendingLogin, now: Date): Promise<OidcOutcome> {
  const { actor, user } = await signedInOidcUser();
  if (user.oidcIssuer !== identity.issuer || user.oidcSubject !== identity.subject) {
    await audit({ action: "auth.confirm_password", outcome: "failure", detail: { method: "oidc", reason: "another account signed in" } });
    throw new AppError(
      "UNAUTHORIZED",
      `The provider signed in another account (${identity.email ?? identity.subject}), not ${user.email}: confirm as yourself.`,
    );
  }
  await markAuthenticated(actor.sessionId!, now, sealIdToken(identity.idToken));
  await audit({ action: "auth.confirm_password", detail: { method: "oidc" } });
  return { kind: "reauthenticated", next: pending.next };
}

/** A label for a person without an e-mail claim: their subject at the provider's host. */
function labelFor(identity: ProviderIdentity): string {
  return identity.email ?? `${identity.subject}@${new URL(identity.issuer).host}`;
}

async function signInIdentity(
  settings: EffectiveOidcSettings,
  identity: ProviderIdentity,
  pending: PendingLogin,
  meta: RequestMeta,
  now: Date,
  refuse: (reason: string, message: string, label?: string) => Promise<never>,
): Promise<OidcOutcome> {
  const db = getDb();
  const label = labelFor(identity);
  let user = await db.user.findUnique({
    where: { oidcIssuer_oidcSubject: { oidcIssuer: identity.issuer, oidcSubject: identity.subject } },
  });
  const granted = mapRole(settings.rules, identity.roleValues);
  if (!granted) {
    // Whoever lost every mapped group loses the sessions they still have, not only the next one.
    if (user) await endUserSessions(user.id);
    const mapped = [...new Set(settings.rules.map((r) => r.value))].join(", ");
    const claim = settings.roleClaim;
    return refuse(
      `no mapped ${claim}`,
      settings.rules.length === 0
        ? `${settings.displayName} signed you in, but cadesk has no role rules yet, so nobody gets a role. Ask an admin to set the role mapping in Settings → Sign-in.`
        : `${settings.displayName} signed you in as ${label}, but you are in none of the ${claim} cadesk gives a role to (${mapped}). Ask an admin to add you to one of them.`,
      label,
    );
  }
  const role: Role = granted.role;
  if (!user) {
    const taken = await db.user.findUnique({ where: { email: label } });
    if (taken)
      return refuse(
        "e-mail taken",
        taken.oidcSubject
          ? `Another ${settings.displayName} account already uses ${label} in cadesk. Ask an admin to remove that user first.`
          : // Accounts are never merged on an e-mail alone: the provider could assert anyone's address.
            `cadesk has a local (password) user ${label}. Ask an admin to remove that user, then sign in through ${settings.displayName} again.`,
        label,
      );
    user = await db.user.create({
      data: {
        id: randomUUID(),
        email: label,
        passwordHash: "",
        role,
        oidcIssuer: identity.issuer,
        oidcSubject: identity.subject,
        name: identity.name,
        lastSignInAt: now,
      },
    });
    const userActor: Actor = { type: "user", id: user.id, label, role, userId: user.id, ip: meta.ip };
    await audit({
      action: "user.create",
      actor: userActor,
      objectType: "user",
      objectId: user.id,
      objectLabel: label,
      detail: { role, from: "oidc", issuer: identity.issuer, matched: granted.matched.join(", ") },
    });
  } else {
    const before = user.role;
    // A changed e-mail at the provider follows, unless another cadesk user holds it.
    const emailFree = label === user.email || !(await db.user.findUnique({ where: { email: label } }));
    user = await db.user.update({
      where: { id: user.id },
      data: { role, name: identity.name, lastSignInAt: now, ...(emailFree ? { email: label } : {}) },
    });
    if (before !== role) {
      await endUserSessions(user.id);
      await audit({
        action: "user.role",
        actor: { type: "user", id: user.id, label: user.email, role, userId: user.id, ip: meta.ip },
        objectType: "user",
        objectId: user.id,
        objectLabel: user.email,
        detail: { from: before, to: role, by: `${settings.roleClaim} claim at sign-in`, matched: granted.matched.join(", ") },
      });
    }
  }
  const { token } = await createSession(user.id, meta, now, sealIdToken(identity.idToken));
  await audit({
    action: "auth.sign_in",
    actor: { type: "user", id: user.id, label: user.email, role, userId: user.id, ip: meta.ip },
    detail: { method: "oidc", role },
  });
  return { kind: "signed-in", token, user, next: pending.next };
}

/**
 * The provider's sign-out page to send the browser to after cadesk's own sign-out, when it
 * advertises one: with the signed-out session's ID token as id_token_hint (sealed, as
 * endSession returned it) when there is one.
 */
export async function oidcSignOutUrl(sealedIdToken?: string | null): Promise<string | null> {
  assertActing("sign out");
  return endSessionUrl(await effectiveOidcSettings(), openIdToken(sealedIdToken) ?? undefined);
}
