import type { CertificateStatus } from "../validations/certificate";
import { DAY } from "../time";

/** CAs are flagged this long before they expire: everything they issued stops working with them. */
export const CA_WARNING_DAYS = 180;

/** Expiring means under 30 days left: the window in which renewal should already be under way. */
export const EXPIRING_WINDOW_DAYS = 30;
/**
 * The default notification rule's thresholds (days before expiry). "Expiring" uses the same rule
 * as the notices (lib/services/expiry-notices.ts): only thresholds shorter than the lifetime
 * count, so a 30-day certificate is not expiring from the moment it is issued, it is from 7 days
 * before its end; a 24-hour one from automation never is.
 */
export const EXPIRY_THRESHOLD_DAYS = [EXPIRING_WINDOW_DAYS, 7, 1] as const;
/**
 * Issuers backdate notBefore against clock skew (cadesk 5 minutes, others up to an hour), so a
 * "30-day" certificate lives 30 days and a few minutes: that slack does not make a threshold of
 * 30 days shorter than its lifetime.
 */
const BACKDATE_SLACK_MS = 3_600_000;

/** Whether a notice threshold of `days` is shorter than the certificate's lifetime (so it counts). */
export function thresholdWithinLifetime(days: number, notBefore: Date, notAfter: Date): boolean {
  return days * DAY < notAfter.getTime() - notBefore.getTime() - BACKDATE_SLACK_MS;
}

/** The longest threshold shorter than the lifetime, in days; 0 when none is. */
export function expiringWindowDays(notBefore: Date, notAfter: Date): number {
  return EXPIRY_THRESHOLD_DAYS.find((d) => thresholdWithinLifetime(d, notBefore, notAfter)) ?? 0;
}

/** The moment a certificate starts to count as expiring (stored as Certificate.expiringFrom). */
export function expiringFrom(notBefore: Date, notAfter: Date): Date {
  return new Date(notAfter.getTime() - expiringWindowDays(notBefore, notAfter) * DAY);
}

export function certificateStatus(c: { status: string; notBefore: Date; notAfter: Date }, now: Date): CertificateStatus {
  if (c.status === "revoked") return "revoked";
  if (c.notAfter <= now) return "expired";
  if (expiringFrom(c.notBefore, c.notAfter) <= now) return "expiring";
  return "valid";
}

/** Whole days until a date: positive ahead, negative past. */
export function daysUntil(date: Date, now: Date): number {
  return Math.floor((date.getTime() - now.getTime()) / DAY);
}

/** A Prisma filter selecting one status, from notAfter and expiringFrom so it can use the indexes. */
export function statusWhere(status: CertificateStatus, now: Date) {
  switch (status) {
    case "revoked":
      return { status: "revoked" };
    case "expired":
      return { status: { not: "revoked" }, notAfter: { lte: now } };
    case "expiring":
      return { status: { not: "revoked" }, notAfter: { gt: now }, expiringFrom: { lte: now } };
    case "valid":
      return { status: { not: "revoked" }, notAfter: { gt: now }, expiringFrom: { gt: now } };
  }
}
