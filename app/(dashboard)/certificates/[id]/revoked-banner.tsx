import { REVOCATION_REASON_OPTIONS } from "@/lib/pki/revocation-reasons";
import { formatDate } from "../../../ui/status-badge";

interface Props {
  revokedAt: Date | null;
  reason: string | null;
  authorityId: string;
  /** "downloads": the short form above the files, saying why not to deploy them. */
  variant?: "page" | "downloads";
}

const reasonLabel = (reason: string | null) =>
  REVOCATION_REASON_OPTIONS.find((o) => o.value === reason)?.label.replace(/ \(can be lifted\)$/, "") ?? reason ?? "unspecified";

/**
 * A revoked certificate says so where nobody can miss it: when, why, and that clients checking the
 * CRL or OCSP refuse it. Its files stay downloadable (records, forensics, re-reading what was
 * deployed), with the reason not to deploy them beside the buttons.
 */
export function RevokedBanner({ revokedAt, reason, authorityId, variant = "page" }: Props) {
  if (!revokedAt) return null;
  const onHold = reason === "certificateHold";
  if (variant === "downloads") {
    return (
      <p className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-200">
        <strong>Do not deploy these files:</strong> this certificate is {onHold ? "on hold" : "revoked"}, and clients that check revocation
        refuse it. They stay available for your records;{" "}
        {onHold ? "lift the hold to use the certificate again." : "to serve TLS again, renew it or issue a new certificate."}
      </p>
    );
  }
  return (
    <div
      role="alert"
      aria-label="Revoked"
      className="rounded-lg border-2 border-red-600 bg-red-50 px-4 py-3 text-sm text-red-900 dark:border-red-500 dark:bg-red-950 dark:text-red-100"
    >
      <p className="text-base font-semibold">{onHold ? "On hold: not to be used" : "Revoked: not to be used"}</p>
      <p className="mt-1">
        Revoked on {formatDate(revokedAt)} for <strong>{reasonLabel(reason)}</strong> ({reason ?? "unspecified"}). Clients that check
        revocation (the CRL or OCSP) refuse it. It is listed in <a href={`/crl/${authorityId}?format=pem`}>its CA&apos;s CRL</a>.
        {onHold ? " A hold can be lifted below." : ""}
      </p>
    </div>
  );
}
