import { getDb } from "../db";

/** Every user with their latest session's last activity, for Settings → Users. */
export function listUsers() {
  return getDb().user.findMany({
    orderBy: { email: "asc" },
    include: { sessions: { select: { lastSeenAt: true }, orderBy: { lastSeenAt: "desc" }, take: 1 } },
  });
}

/** A user's sessions, most recently used first, for the account page. */
export function listSessions(userId: string) {
  return getDb().session.findMany({ where: { userId }, orderBy: { lastSeenAt: "desc" } });
}

/** Every API token (never the secret: only its digest is stored), newest first. */
export function listApiTokens() {
  return getDb().apiToken.findMany({ orderBy: { createdAt: "desc" } });
}
