import type { CertificateDetail } from "@/lib/data/certificates";
import { PROFILE_SPECS, type LeafProfile } from "@/lib/pki/profiles-data";
import { StatusBadge } from "../../../ui/status-badge";

/** What the certificate is (profile, where its key came from), its name and status; "issued" after a redirect from issuing. */
export function CertificateHeader({ cert, issued }: { cert: CertificateDetail; issued: boolean }) {
  const profile = PROFILE_SPECS[cert.profile as LeafProfile];
  return (
    <>
      {issued && (
        <div
          role="status"
          className="rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-900 dark:border-emerald-900 dark:bg-emerald-950 dark:text-emerald-200"
        >
          Certificate issued and stored.
        </div>
      )}
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <p className="text-xs uppercase tracking-wide text-slate-500">
            {profile?.label ?? cert.profile} certificate ·{" "}
            {cert.source === "csr" ? "signed from a CSR" : `key generated here (${cert.keyType})`}
          </p>
          <h1 className="flex flex-wrap items-center gap-x-3 gap-y-1 wrap-anywhere">
            {cert.commonName || "(no Common Name)"} <StatusBadge status={cert.status} />
          </h1>
        </div>
      </div>
    </>
  );
}
