import { requireUser } from "@/lib/auth/request";
import { can } from "@/lib/auth/roles";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { Metadata } from "next";
import { getCertificate } from "@/lib/data/certificates";
import { PROFILE_SPECS, LONG_LEAF_WARNING_DAYS, type LeafProfile } from "@/lib/pki/profiles-data";
import { fileBaseName, FORMAT_FILES } from "@/lib/services/export-certificate";
import { CertificateFacts } from "../../../ui/certificate-facts";
import { PemAndText } from "../../../ui/pem-and-text";
import { Lifecycle } from "./lifecycle";
import { AcmeOrigin } from "../../acme-endpoints/certificate-origin";
import { RevokedBanner } from "./revoked-banner";
import { StatusBadge } from "../../../ui/status-badge";
import { UsageSnippets } from "../../../ui/usage-snippets";
import { DownloadForm, DownloadLink } from "../../../ui/reauth";
import { DAY } from "@/lib/time";

export const metadata: Metadata = { title: "Certificate" };

const DOWNLOADS = ["fullchain", "key", "pem", "crt", "der", "chain"] as const;

export default async function CertificatePage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ issued?: string }>;
}) {
  const [{ id }, { issued }] = await Promise.all([params, searchParams]);
  const [user, cert] = await Promise.all([requireUser(), getCertificate(id)]);
  if (!cert) notFound();
  const mayExportKey = can(user.role!, "export_keys");
  const mayChange = can(user.role!, "issue");
  const { summary } = cert;
  const base = fileBaseName(cert.commonName, cert.serialHex);
  const profile = PROFILE_SPECS[cert.profile as LeafProfile];
  const host =
    summary.sans
      .find((s) => s.startsWith("DNS:"))
      ?.slice(4)
      .replace(/^\*\./, "www.") ??
    summary.sans.find((s) => s.startsWith("IP:"))?.slice(3) ??
    (cert.commonName || "service.internal");
  const lifetimeDays = Math.round((summary.notAfter.getTime() - summary.notBefore.getTime()) / DAY);
  const issuer = cert.chain[0];
  const cappedByIssuer = issuer && issuer.notAfter.getTime() === summary.notAfter.getTime();

  return (
    <div className="space-y-6">
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
      <RevokedBanner revokedAt={cert.revokedAt} reason={cert.revocationReason} authorityId={cert.authorityId} />
      {(cert.renewedFrom || cert.renewals.length > 0) && (
        <p className="text-sm">
          {cert.renewedFrom && (
            <>
              Renews <a href={`/certificates/${cert.renewedFrom.id}`}>the previous certificate</a>.{" "}
            </>
          )}
          {cert.renewals.map((r) => (
            <span key={r.id}>
              Renewed on {r.createdAt.toISOString().slice(0, 10)}: <a href={`/certificates/${r.id}`}>the new certificate</a>.{" "}
            </span>
          ))}
        </p>
      )}
      <AcmeOrigin certificateId={cert.id} mayManage={can(user.role!, "manage_cas")} />
      {(lifetimeDays > LONG_LEAF_WARNING_DAYS || cappedByIssuer) && (
        <ul className="space-y-1 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-900 dark:bg-amber-950 dark:text-amber-200">
          {lifetimeDays > LONG_LEAF_WARNING_DAYS && (
            <li>
              Valid for {lifetimeDays} days, longer than the {LONG_LEAF_WARNING_DAYS}-day limit public CAs apply since March 2026.
            </li>
          )}
          {cappedByIssuer && (
            <li>Its validity ends with its issuing CA&apos;s: renew the CA before this certificate can be renewed for longer.</li>
          )}
        </ul>
      )}

      <div className="grid gap-6 lg:grid-cols-3">
        <section className="card lg:col-span-2">
          <h2 className="mb-3">Summary</h2>
          <CertificateFacts summary={summary} daysLeft={cert.daysLeft} />
        </section>
        <div className="space-y-6">
          <section className="card">
            <h2 className="mb-2">Chain</h2>
            <ol className="space-y-1 text-sm wrap-anywhere">
              {[...cert.chain].reverse().map((c, i) => (
                <li key={c.id} style={{ paddingLeft: `${i}rem` }}>
                  <Link href={`/authorities/${c.id}`}>{c.commonName}</Link>
                </li>
              ))}
              <li style={{ paddingLeft: `${cert.chain.length}rem` }}>
                <strong>{cert.commonName || summary.serial}</strong>
              </li>
            </ol>
          </section>
          {mayChange && <Lifecycle id={cert.id} revoked={cert.status === "revoked"} onHold={cert.revocationReason === "certificateHold"} />}
        </div>
      </div>

      <section className="card space-y-4">
        <div>
          <h2>Downloads</h2>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            Which file do I need? Most servers want the <strong>fullchain</strong> and the <strong>key</strong>; clients that must trust
            this certificate want the <strong>chain</strong>.
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
        {cert.hasKey && !mayExportKey ? (
          <p className="text-sm text-slate-500">
            cadesk holds this certificate&apos;s private key; only an admin can download it (key or PKCS#12).
          </p>
        ) : cert.hasKey ? (
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
        ) : (
          <p className="text-sm text-slate-500">
            cadesk does not hold this certificate&apos;s private key (
            {cert.source === "csr" ? "it stayed with whoever made the CSR" : "it was issued without keeping the key"}), so there is no key
            or PKCS#12 download.
          </p>
        )}
      </section>

      {/* The long parts (set-ups, text view, PEM) as tabs below what people come for. */}
      <PemAndText
        pem={cert.certificatePem}
        text={cert.text}
        label="Use it, text view and PEM"
        before={[
          {
            id: "use",
            label: "Use it",
            content: (
              <UsageSnippets
                base={base}
                host={host}
                isServer={profile?.needsHostName ?? true}
                isClient={cert.profile !== "server"}
                secretName={
                  base
                    .replace(/[^a-z0-9-]/gi, "-")
                    .toLowerCase()
                    .replace(/^-+|-+$/g, "")
                    .slice(0, 50) + "-tls"
                }
              />
            ),
          },
        ]}
      />
    </div>
  );
}
