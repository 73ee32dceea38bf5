/**
 * When a certificate should be renewed: the ACME Renewal Information window (RFC 9773 4.2). One
 * rule for every certificate, ACME or not: the renewalInfo endpoint answers it and the
 * certificate page shows it, so what a client is told and what a person sees cannot differ.
 * Pure: dates in, dates out.
 */

export interface RenewalWindow {
  start: Date;
  end: Date;
  /** Why the window was moved to now (RFC 9773 4.2: "renew immediately"), or null for the default window. */
  renewNow: "certificate revoked" | "CA revoked" | null;
}

/** How long before `now` a "renew now" window starts: already open when the client asks. */
const RENEW_NOW_LEAD_MS = 60_000;

/**
 * The last third of the lifetime (the usual "renew at two thirds": a 90-day certificate from day
 * 60), or a window that has already begun when the certificate or its issuing CA is revoked (a
 * certificateHold counts: clients refuse it until the hold is lifted).
 */
export function renewalWindow(
  cert: { notBefore: Date; notAfter: Date; status: string; authorityStatus: string },
  now = new Date(),
): RenewalWindow {
  const renewNow = cert.status === "revoked" ? "certificate revoked" : cert.authorityStatus === "revoked" ? "CA revoked" : null;
  if (renewNow) return { start: new Date(now.getTime() - RENEW_NOW_LEAD_MS), end: now, renewNow };
  const lifetime = cert.notAfter.getTime() - cert.notBefore.getTime();
  return { start: new Date(cert.notBefore.getTime() + (lifetime * 2) / 3), end: cert.notAfter, renewNow: null };
}
