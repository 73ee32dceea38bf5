import type { CertificateDetail } from "@/lib/data/certificates";
import { LONG_LEAF_WARNING_DAYS } from "@/lib/pki/profiles-data";
import { DAY } from "@/lib/time";

/** Warnings about the lifetime: longer than public CAs allow, or cut short by the issuing CA's own end. */
export function LifetimeNotices({ cert }: { cert: CertificateDetail }) {
  const { notBefore, notAfter } = cert.summary;
  const lifetimeDays = Math.round((notAfter.getTime() - notBefore.getTime()) / DAY);
  const issuer = cert.chain[0];
  const cappedByIssuer = issuer && issuer.notAfter.getTime() === notAfter.getTime();
  const tooLong = lifetimeDays > LONG_LEAF_WARNING_DAYS;
  if (!tooLong && !cappedByIssuer) return null;
  return (
    <ul className="space-y-1 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-900 dark:bg-amber-950 dark:text-amber-200">
      {tooLong && (
        <li>
          Valid for {lifetimeDays} days, longer than the {LONG_LEAF_WARNING_DAYS}-day limit public CAs apply since March 2026.
        </li>
      )}
      {cappedByIssuer && (
        <li>Its validity ends with its issuing CA&apos;s: renew the CA before this certificate can be renewed for longer.</li>
      )}
    </ul>
  );
}
