import type { CertificateDetail } from "@/lib/data/certificates";
import { fileBaseName, FORMAT_FILES } from "@/lib/services/export-certificate";
import { DownloadForm, DownloadLink } from "../../../ui/reauth";
import { RevokedBanner } from "./revoked-banner";

const DOWNLOADS = ["fullchain", "key", "pem", "crt", "der", "chain"] as const;

/** The files, each with what it is for; the key and PKCS#12 only when cadesk holds the key and the role may export it. */
export function Downloads({ cert, mayExportKey }: { cert: CertificateDetail; mayExportKey: boolean }) {
  const base = fileBaseName(cert.commonName, cert.serialHex);
  return (
    <section className="card space-y-4">
      <div>
        <h2>Downloads</h2>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Which file do I need? Most servers want the <strong>fullchain</strong> and the <strong>key</strong>; clients that must trust this
          certificate want the <strong>chain</strong>.
        </p>
      </div>
      <RevokedBanner revokedAt={cert.revokedAt} reason={cert.revocationReason} authorityId={cert.authorityId} variant="downloads" />
      <table className="table table-stack">
        <tbody>
          {DOWNLOADS.filter((f) => f !== "key" || (cert.hasKey && mayExportKey)).map((f) => (
            <tr key={f}>
              <td className="lg:whitespace-nowrap">
                <DownloadLink href={`/download/certificates/${cert.id}?format=${f}`} className="btn btn-sm wrap-anywhere text-left">
                  {base}
                  {FORMAT_FILES[f].suffix}
                </DownloadLink>
              </td>
              <td className="text-slate-600 dark:text-slate-400">{FORMAT_FILES[f].explains}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <KeyDownloads cert={cert} base={base} mayExportKey={mayExportKey} />
    </section>
  );
}

/** The PKCS#12 form, or why there is no key to download. */
function KeyDownloads({ cert, base, mayExportKey }: { cert: CertificateDetail; base: string; mayExportKey: boolean }) {
  if (cert.hasKey && !mayExportKey) {
    return (
      <p className="text-sm text-slate-500">
        cadesk holds this certificate&apos;s private key; only an admin can download it (key or PKCS#12).
      </p>
    );
  }
  if (!cert.hasKey) {
    return (
      <p className="text-sm text-slate-500">
        cadesk does not hold this certificate&apos;s private key (
        {cert.source === "csr" ? "it stayed with whoever made the CSR" : "it was issued without keeping the key"}), so there is no key or
        PKCS#12 download.
      </p>
    );
  }
  return (
    <DownloadForm
      action={`/download/certificates/${cert.id}/pkcs12`}
      fallbackName={`${base}.p12`}
      submitLabel={`Download ${base}.p12`}
      className="flex flex-wrap items-end gap-3 border-t border-slate-100 pt-4 dark:border-slate-800"
      footer={
        <p className="hint basis-full" id="p12-password-hint">
          {FORMAT_FILES.p12.explains} Opens with <code>openssl pkcs12</code> and <code>keytool</code>.
        </p>
      }
    >
      <div>
        <label className="label" htmlFor="p12-password">
          PKCS#12 password
        </label>
        <input
          id="p12-password"
          name="password"
          type="password"
          minLength={4}
          required
          autoComplete="new-password"
          aria-describedby="p12-password-hint"
          className="input w-64 max-w-full"
        />
      </div>
    </DownloadForm>
  );
}
