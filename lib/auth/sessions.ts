import type { Session, User } from "@/generated/prisma/client";
import { getDb } from "../db";
import { newToken, tokenHash } from "./secrets";

export const SESSION_COOKIE = "cadesk_session";
/** A session ends after 12 idle hours, and after 7 days whatever happens. */
export const IDLE_MS = 12 * 3600_000;
export const ABSOLUTE_MS = 7 * 24 * 3600_000;
const TOUCH_MS = 60_000;

/** `oidcIdToken`: the sealed ID token of an OpenID Connect sign-in, the id_token_hint of its sign-out. */
export async function createSession(
  userId: string,
  meta: { ip: string | null; userAgent: string | null },
  now = new Date(),
  oidcIdToken?: string,
): Promise<{ token: string; session: Session }> {
  const token = newToken("s_");
  const session = await getDb().session.create({
    data: {
      id: tokenHash(token),
      userId,
      createdAt: now,
      authenticatedAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + IDLE_MS),
      ip: meta.ip?.slice(0, 100) ?? null,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
      oidcIdToken: oidcIdToken ?? null,
    },
  });
  return { token, session };
}

/** The live session behind a cookie value, its idle expiry slid forward; null when gone or expired. */
export async function findSession(token: string | undefined, now = new Date()): Promise<{ session: Session; user: User } | null> {
  if (!token || token.length > 200) return null;
  const db = getDb();
  const found = await db.session.findUnique({ where: { id: tokenHash(token) }, include: { user: true } });
  if (!found) return null;
  const { user, ...session } = found;
  if (session.expiresAt <= now || now.getTime() - session.createdAt.getTime() > ABSOLUTE_MS) {
    await db.session.deleteMany({ where: { id: session.id } });
    return null;
  }
  if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_MS) {
    const expiresAt = new Date(Math.min(now.getTime() + IDLE_MS, session.createdAt.getTime() + ABSOLUTE_MS));
    await db.session.update({ where: { id: session.id }, data: { lastSeenAt: now, expiresAt } });
  }
  return { session, user };
}

/** Ends a session; returns its sealed OpenID Connect ID token, if it had one (for the provider's sign-out). */
export async function endSession(token: string | undefined): Promise<string | null> {
  if (!token) return null;
  const [gone] = await getDb().session.findMany({ where: { id: tokenHash(token) }, select: { oidcIdToken: true } });
  await getDb().session.deleteMany({ where: { id: tokenHash(token) } });
  return gone?.oidcIdToken ?? null;
}

/** Signs a user out everywhere (password change, role change, removal), optionally keeping one session. */
export async function endUserSessions(userId: string, keepSessionId?: string): Promise<void> {
  await getDb().session.deleteMany({ where: { userId, ...(keepSessionId ? { id: { not: keepSessionId } } : {}) } });
}

/** A fresh sign-in confirmed this session; an OpenID Connect one also brings a newer ID token to keep. */
export async function markAuthenticated(sessionId: string, now = new Date(), oidcIdToken?: string): Promise<void> {
  await getDb().session.update({ where: { id: sessionId }, data: { authenticatedAt: now, ...(oidcIdToken ? { oidcIdToken } : {}) } });
}
