import { randomUUID } from "node:crypto";
import type { User } from "@/generated/prisma/client";
import { assertActing, assertCan, assertRecentAuth, currentActor, publicActor, type Actor } from "../auth/actor";
import { decoyHash, hashPassword, passwordProblem, verifyPassword } from "../auth/password";
import { isRole } from "../auth/roles";
import { createSession, endSession, endUserSessions, markAuthenticated } from "../auth/sessions";
import { forgetSetupToken, hasUsers, setupTokenMatches } from "../auth/setup";
import { clearFailures, recordFailure, throttleWait, type ThrottleKey } from "../auth/throttle";
import { effectiveOidcSettings } from "../auth/oidc/settings";
import { readConfig, type Config } from "../config";
import { getDb } from "../db";
import { AppError } from "../errors";
import { parseInput } from "../validations/parse";
import { ZChangePasswordInput, ZCreateUserInput, ZRole, ZSetupInput, ZSignInInput } from "../validations/users";
import { audit, checkSensitive } from "./audit";

interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
}

function assertPassword(password: string, email: string, field = "password"): void {
  const problem = passwordProblem(password, email);
  if (problem) throw new AppError("INVALID_INPUT", problem, field);
}

async function insertUser(email: string, role: string, password: string): Promise<User> {
  const db = getDb();
  if (await db.user.findUnique({ where: { email } }))
    throw new AppError("CONFLICT", `There is already a user with the e-mail ${email}.`, "email");
  return db.user.create({ data: { id: randomUUID(), email, role, passwordHash: await hashPassword(password) } });
}

/** The first admin, through the setup page: only with the setup token, and only while nobody exists. */
export async function completeSetup(raw: unknown, meta: RequestMeta): Promise<{ user: User; token: string }> {
  assertActing("complete the setup");
  const input = parseInput(ZSetupInput, raw);
  if (await hasUsers()) throw new AppError("CONFLICT", "Setup is already done: sign in instead.");
  if (!setupTokenMatches(input.setupToken)) {
    await audit({
      action: "auth.setup",
      outcome: "failure",
      actor: publicActor(meta.ip, input.email),
      detail: { reason: "wrong setup token" },
    });
    throw new AppError(
      "UNAUTHORIZED",
      'That setup token is not right: copy it from the server log line "First run: ... setup token" (or the data dir\'s setup-token file).',
      "setupToken",
    );
  }
  assertPassword(input.password, input.email);
  const user = await insertUser(input.email, "admin", input.password);
  forgetSetupToken();
  const actor: Actor = { type: "user", id: user.id, label: user.email, role: "admin", userId: user.id, ip: meta.ip };
  await audit({ action: "auth.setup", actor, objectType: "user", objectId: user.id, objectLabel: user.email });
  const { token } = await createSession(user.id, meta);
  return { user, token };
}

/** CADESK_ADMIN_EMAIL + CADESK_ADMIN_PASSWORD create the first admin at start, for automated deployments. */
export async function bootstrapAdminFromEnv(config: Config = readConfig()): Promise<User | null> {
  assertCan("users", "create the first admin");
  if (!config.CADESK_ADMIN_EMAIL || !config.CADESK_ADMIN_PASSWORD || (await hasUsers())) return null;
  const { email, password } = parseInput(ZSignInInput, { email: config.CADESK_ADMIN_EMAIL, password: config.CADESK_ADMIN_PASSWORD });
  const problem = passwordProblem(password, email);
  if (problem) throw new Error(`CADESK_ADMIN_PASSWORD is refused: ${problem}`);
  const user = await insertUser(email, "admin", password);
  forgetSetupToken();
  await audit({
    action: "user.create",
    objectType: "user",
    objectId: user.id,
    objectLabel: email,
    detail: { role: "admin", from: "CADESK_ADMIN_EMAIL" },
  });
  return user;
}

/** The signed-in person behind the current request. */
function signedInUser(): Actor & { userId: string } {
  const actor = currentActor();
  if (actor.type !== "user" || !actor.userId) throw new AppError("UNAUTHORIZED", "Sign in first.");
  return actor as Actor & { userId: string };
}

async function findUser(userId: string): Promise<User> {
  const user = await getDb().user.findUnique({ where: { id: userId } });
  if (!user) throw new AppError("NOT_FOUND", "There is no such user.", "id");
  return user;
}

/** Sets a new password and signs the user out everywhere but `keepSessionId`. */
async function replacePassword(user: User, password: string, keepSessionId: string | undefined): Promise<void> {
  await getDb().user.update({
    where: { id: user.id },
    data: { passwordHash: await hashPassword(password), passwordChangedAt: new Date() },
  });
  await endUserSessions(user.id, keepSessionId);
}

const SIGN_IN_REFUSED = "That e-mail and password do not match an account.";

/**
 * Signs in with e-mail and password. The message is the same for an unknown e-mail and a wrong
 * password (and both cost one scrypt), and repeated failures per e-mail and per address are made
 * to wait, longer each time.
 */
export async function signIn(raw: unknown, meta: RequestMeta, now = new Date()): Promise<{ user: User; token: string }> {
  assertActing("sign in");
  const input = parseInput(ZSignInInput, raw);
  const keys: ThrottleKey[] = [{ kind: "email", value: input.email }, ...(meta.ip ? [{ kind: "ip" as const, value: meta.ip }] : [])];
  const wait = await throttleWait(keys, now);
  const anonymous = publicActor(meta.ip, input.email);
  if (wait > 0) {
    await audit({ action: "auth.sign_in", outcome: "failure", actor: anonymous, detail: { reason: "throttled", waitSeconds: wait } });
    throw new AppError("TOO_MANY_REQUESTS", `Too many failed sign-ins. Wait ${wait} second${wait === 1 ? "" : "s"} and try again.`);
  }
  await assertLocalLoginAllowed(input.email, anonymous);
  const user = await getDb().user.findUnique({ where: { email: input.email } });
  const ok = await verifyPassword(input.password, user?.passwordHash ?? (await decoyHash()));
  if (!user || !ok) {
    await recordFailure(keys, now);
    await audit({
      action: "auth.sign_in",
      outcome: "failure",
      actor: anonymous,
      detail: { reason: user ? "wrong password" : "unknown e-mail" },
    });
    throw new AppError("UNAUTHORIZED", SIGN_IN_REFUSED);
  }
  await clearFailures(keys[0]!);
  const { token } = await createSession(user.id, meta, now);
  await audit({
    action: "auth.sign_in",
    actor: { type: "user", id: user.id, label: user.email, role: isRole(user.role) ? user.role : null, userId: user.id, ip: meta.ip },
  });
  return { user, token };
}

/**
 * With local passwords turned off (CADESK_LOCAL_LOGIN=off or Settings → Sign-in) only the
 * break-glass admin may use one: the way back in when the identity provider is down or
 * misconfigured. Everyone else is sent to the provider, before any password is checked.
 */
async function assertLocalLoginAllowed(email: string, anonymous: Actor): Promise<void> {
  const settings = await effectiveOidcSettings();
  if (settings.localLogin || (settings.breakGlassEmail && email === settings.breakGlassEmail)) return;
  await audit({ action: "auth.sign_in", outcome: "failure", actor: anonymous, detail: { reason: "local passwords are off" } });
  throw new AppError(
    "UNAUTHORIZED",
    settings.enabled
      ? `Passwords are turned off here: sign in with ${settings.displayName}.`
      : "Passwords are turned off here, and no identity provider is set up: only the break-glass admin can sign in.",
  );
}

/**
 * Ends this session. `viaProvider`: the user signs in through the identity provider (whose own
 * sign-out the page then offers), with `sealedIdToken`, the session's sealed ID token, for that
 * sign-out's id_token_hint.
 */
export async function signOut(token: string | undefined): Promise<{ viaProvider: boolean; sealedIdToken: string | null }> {
  const actor = currentActor("sign out");
  const sealedIdToken = await endSession(token);
  if (actor.type !== "user") return { viaProvider: false, sealedIdToken: null };
  await audit({ action: "auth.sign_out" });
  const user = actor.userId ? await getDb().user.findUnique({ where: { id: actor.userId }, select: { oidcSubject: true } }) : null;
  return { viaProvider: Boolean(user?.oidcSubject), sealedIdToken: user?.oidcSubject ? sealedIdToken : null };
}

/** "Confirm your password" before a sensitive action: refreshes the session's sign-in time. */
export async function confirmPassword(password: unknown, now = new Date()): Promise<void> {
  const actor = signedInUser();
  if (!actor.sessionId) throw new AppError("UNAUTHORIZED", "Sign in first.");
  const user = await getDb().user.findUniqueOrThrow({ where: { id: actor.userId } });
  if (user.oidcSubject)
    throw new AppError(
      "INVALID_INPUT",
      "You sign in through your identity provider and have no cadesk password: confirm there instead.",
      "password",
    );
  const keys: ThrottleKey[] = [{ kind: "email", value: user.email }];
  const wait = await throttleWait(keys, now);
  if (wait > 0) throw new AppError("TOO_MANY_REQUESTS", `Too many wrong passwords. Wait ${wait} seconds and try again.`, "password");
  if (typeof password !== "string" || !(await verifyPassword(password, user.passwordHash))) {
    await recordFailure(keys, now);
    await audit({ action: "auth.confirm_password", outcome: "failure" });
    throw new AppError("UNAUTHORIZED", "That is not your password.", "password");
  }
  await markAuthenticated(actor.sessionId, now);
  await audit({ action: "auth.confirm_password" });
}

/** Changes the signed-in user's password and signs every other session out. */
export async function changeOwnPassword(raw: unknown): Promise<void> {
  const actor = signedInUser();
  const input = parseInput(ZChangePasswordInput, raw);
  const user = await getDb().user.findUniqueOrThrow({ where: { id: actor.userId } });
  if (!(await verifyPassword(input.currentPassword, user.passwordHash)))
    throw new AppError("UNAUTHORIZED", "The current password is not right.", "currentPassword");
  assertPassword(input.newPassword, user.email, "newPassword");
  await replacePassword(user, input.newPassword, actor.sessionId);
  await audit({ action: "user.password", objectType: "user", objectId: user.id, objectLabel: user.email });
}

export async function createUser(raw: unknown): Promise<User> {
  await checkSensitive(
    { action: "user.create", objectType: "user" },
    () => assertCan("users", "manage users"),
    () => assertRecentAuth(),
  );
  const input = parseInput(ZCreateUserInput, raw);
  assertPassword(input.password, input.email);
  const user = await insertUser(input.email, input.role, input.password);
  await audit({ action: "user.create", objectType: "user", objectId: user.id, objectLabel: user.email, detail: { role: user.role } });
  return user;
}

async function otherAdmins(userId: string): Promise<number> {
  return getDb().user.count({ where: { role: "admin", id: { not: userId } } });
}

export async function changeRole(userId: string, rawRole: unknown): Promise<User> {
  await checkSensitive(
    { action: "user.role", objectType: "user", objectId: userId },
    () => assertCan("users", "manage users"),
    () => assertRecentAuth(),
  );
  const role = parseInput(ZRole, rawRole);
  const user = await findUser(userId);
  if (user.role === "admin" && role !== "admin" && (await otherAdmins(userId)) === 0) {
    throw new AppError("CONFLICT", "This is the only admin: make someone else admin first, or nobody could manage users.", "role");
  }
  const updated = await getDb().user.update({ where: { id: userId }, data: { role } });
  // A changed role takes effect now: existing sessions carry no role, but sign them out to be plain.
  if (role !== user.role) await endUserSessions(userId, currentActor().userId === userId ? currentActor().sessionId : undefined);
  await audit({
    action: "user.role",
    objectType: "user",
    objectId: userId,
    objectLabel: user.email,
    detail: { from: user.role, to: role },
  });
  return updated;
}

export async function deleteUser(userId: string): Promise<void> {
  await checkSensitive(
    { action: "user.delete", objectType: "user", objectId: userId },
    () => assertCan("users", "manage users"),
    () => assertRecentAuth(),
  );
  if (currentActor().userId === userId) throw new AppError("CONFLICT", "You cannot remove yourself; another admin can.", "id");
  const user = await findUser(userId);
  if (user.role === "admin" && (await otherAdmins(userId)) === 0) throw new AppError("CONFLICT", "This is the only admin.", "id");
  await getDb().user.delete({ where: { id: userId } });
  await audit({ action: "user.delete", objectType: "user", objectId: userId, objectLabel: user.email });
}

/** An admin sets a new password for someone who lost theirs; their sessions end. */
export async function resetPassword(userId: string, password: unknown): Promise<void> {
  await checkSensitive(
    { action: "user.password_reset", objectType: "user", objectId: userId },
    () => assertCan("users", "manage users"),
    () => assertRecentAuth(),
  );
  const user = await findUser(userId);
  if (typeof password !== "string" || !password) throw new AppError("INVALID_INPUT", "Enter the new password.", "password");
  assertPassword(password, user.email);
  await replacePassword(user, password, currentActor().userId === userId ? currentActor().sessionId : undefined);
  await audit({ action: "user.password_reset", objectType: "user", objectId: userId, objectLabel: user.email });
}

/** "Sign out everywhere else": ends the signed-in user's other sessions. */
export async function endOtherSessions(): Promise<void> {
  const actor = signedInUser();
  await endUserSessions(actor.userId, actor.sessionId);
  await audit({ action: "auth.sign_out_others" });
}
