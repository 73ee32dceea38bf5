import type { CertificateStatus } from "../validations/certificate";
import { DAY } from "../time";

/** Expiring means under 30 days left: the window in which renewal should already be under way. */
export const EXPIRING_WINDOW_DAYS = 30;
export function certificateStatus(c: { status: string; notAfter: Date }, now: Date): CertificateStatus {
  if (c.status === "revoked") return "revoked";
  if (c.notAfter <= now) return "expired";
  if (c.notAfter.getTime() - now.getTime() < EXPIRING_WINDOW_DAYS * DAY) return "expiring";
  return "valid";
}

/** Whole days until a date: positive ahead, negative past. */
export function daysUntil(date: Date, now: Date): number {
  return Math.floor((date.getTime() - now.getTime()) / DAY);
}

/** A Prisma filter selecting one status, computed from notAfter so it can use the index. */
export function statusWhere(status: CertificateStatus, now: Date) {
  const soon = new Date(now.getTime() + EXPIRING_WINDOW_DAYS * DAY);
  switch (status) {
    case "revoked":
      return { status: "revoked" };
    case "expired":
      return { status: { not: "revoked" }, notAfter: { lte: now } };
    case "expiring":
      return { status: { not: "revoked" }, notAfter: { gt: now, lt: soon } };
    case "valid":
      return { status: { not: "revoked" }, notAfter: { gte: soon } };
  }
}
