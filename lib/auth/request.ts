/**
 * The browser side of sign-in for pages, server actions and download routes: reads the session
 * cookie, and runs work as the signed-in user. Everything here depends on Next's request scope.
 */
import { cookies, headers } from "next/headers";
import { cache } from "react";
import { redirect } from "next/navigation";
import { clientIp, requestId } from "../api/auth";
import { AppError } from "../errors";
import { publicActor, runAs, type Actor } from "./actor";
import { can, isRole, type Permission } from "./roles";
import { ABSOLUTE_MS, findSession, SESSION_COOKIE } from "./sessions";
import { hasUsers } from "./setup";

export async function requestMeta(): Promise<{ ip: string | null; userAgent: string | null; requestId: string | null }> {
  const h = await headers();
  return { ip: clientIp(h), userAgent: h.get("user-agent"), requestId: requestId(h) };
}

/** The signed-in user as an actor, or null, read now (actions that change the session use this). */
export async function readSessionActor(): Promise<Actor | null> {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  const found = await findSession(token);
  if (!found || !isRole(found.user.role)) return null;
  const { ip, requestId } = await requestMeta();
  return {
    type: "user",
    id: found.user.id,
    label: found.user.email,
    role: found.user.role,
    userId: found.user.id,
    ip,
    authenticatedAt: found.session.authenticatedAt,
    sessionId: found.session.id,
    requestId,
  };
}

/**
 * The same for rendering, cached for the request: the layout and the page both ask, and one
 * session look-up (and touch) is enough.
 */
export const sessionActor = cache(readSessionActor);

/** For pages: the signed-in user allowed `permission`; otherwise off to sign-in, setup or "not allowed". */
export async function requireUser(permission: Permission = "view"): Promise<Actor> {
  const actor = await sessionActor();
  if (!actor) redirect((await hasUsers()) ? "/sign-in" : "/setup");
  if (!can(actor.role!, permission)) redirect("/forbidden");
  return actor;
}

/** For server actions and download routes: runs `fn` as the signed-in user, or refuses. */
export async function actAs<T>(permission: Permission, fn: () => Promise<T>): Promise<T> {
  const actor = await readSessionActor();
  if (!actor)
    throw new AppError("UNAUTHORIZED", "Your session has ended: sign in again in another tab, then submit again (your input stays here).");
  if (!can(actor.role!, permission)) throw new AppError("FORBIDDEN", `Your role (${actor.role}) may not do this. Ask an admin.`);
  return runAs(actor, fn);
}

/** For the sign-in and setup actions: runs `fn` as the anonymous visitor (with its address), who has no permission. */
export async function actPublicly<T>(fn: () => Promise<T>): Promise<T> {
  const { ip, requestId } = await requestMeta();
  return runAs({ ...publicActor(ip), requestId }, fn);
}

/** Whether the browser reached cadesk over HTTPS (the HTTPS front or a proxy says so): cookies are Secure then. */
export function servedOverHttps(h: Headers): boolean {
  return (h.get("x-forwarded-proto") ?? "").split(",")[0]!.trim() === "https";
}

/** The session cookie's attributes: httpOnly, SameSite=Lax, Secure when the dashboard is served over HTTPS. */
export function sessionCookieOptions(secure: boolean) {
  return { httpOnly: true, sameSite: "lax" as const, secure, path: "/", maxAge: ABSOLUTE_MS / 1000 };
}

/** Sets the session cookie (see sessionCookieOptions). */
export async function setSessionCookie(token: string): Promise<void> {
  (await cookies()).set(SESSION_COOKIE, token, sessionCookieOptions(servedOverHttps(await headers())));
}

export async function clearSessionCookie(): Promise<string | undefined> {
  const jar = await cookies();
  const token = jar.get(SESSION_COOKIE)?.value;
  jar.delete(SESSION_COOKIE);
  return token;
}
