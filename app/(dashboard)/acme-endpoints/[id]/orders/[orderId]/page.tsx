import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireUser } from "@/lib/auth/request";
import { getAcmeOrder } from "@/lib/data/acme";
import { formatDate } from "../../../../../ui/status-badge";
import { AcmeStatus } from "../../../status";

export const metadata: Metadata = { title: "ACME order" };

/** "2026-12-01 09:14:02": attempts are seconds apart, so the transcript shows seconds. */
const formatTime = (iso: string) => iso.slice(0, 19).replace("T", " ");

export default async function AcmeOrderPage({ params }: { params: Promise<{ id: string; orderId: string }> }) {
  await requireUser("manage_cas");
  const { id, orderId } = await params;
  const o = await getAcmeOrder(id, orderId);
  if (!o) notFound();
  const names = o.identifiers.map((i) => i.value).join(", ");
  const failed = o.status === "invalid";
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm">
          <Link href="/acme-endpoints">ACME</Link> / <Link href={`/acme-endpoints/${o.endpoint.id}`}>{o.endpoint.name}</Link> /
        </p>
        <h1 className="flex flex-wrap items-center gap-3 break-all">
          Order for {names} <AcmeStatus status={o.status} />
        </h1>
      </div>
      <p
        role="status"
        className={`rounded-md border px-3 py-2 text-sm ${
          failed
            ? "border-red-300 bg-red-50 text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-200"
            : "border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900"
        }`}
      >
        {o.summary}
      </p>

      <section className="card" aria-labelledby="order-heading">
        <h2 id="order-heading" className="mb-3">
          Order
        </h2>
        <dl className="dl">
          <dt>Account</dt>
          <dd>
            <Link href={`/acme-endpoints/${o.endpoint.id}#account-${o.accountId}`}>{o.accountLabel}</Link>
          </dd>
          <dt>Profile</dt>
          <dd>{o.profile}</dd>
          <dt>Created</dt>
          <dd>{formatDate(o.createdAt)}</dd>
          <dt>Last change</dt>
          <dd>{formatDate(o.updatedAt)}</dd>
          <dt>Expires</dt>
          <dd>{formatDate(o.expires)}</dd>
          {o.certificate && (
            <>
              <dt>Certificate</dt>
              <dd>
                <Link href={`/certificates/${o.certificate.id}`}>{o.certificate.commonName || o.certificate.serialHex}</Link>, valid until{" "}
                {formatDate(o.certificate.notAfter)}
              </dd>
            </>
          )}
          {o.replacesCertificateId && (
            <>
              <dt>Renews</dt>
              <dd>
                <Link href={`/certificates/${o.replacesCertificateId}`}>the certificate it replaces</Link> (ARI, RFC 9773)
              </dd>
            </>
          )}
          {o.error && (
            <>
              <dt>Error</dt>
              <dd>
                <strong>{o.error.title}.</strong> {o.error.detail}
                <div className="font-mono text-xs text-slate-500">{o.error.type}</div>
              </dd>
            </>
          )}
        </dl>
      </section>

      {o.authorizations.map((a) => (
        <section key={a.id} className="card space-y-4" aria-label={`Authorization for ${a.identifier.value}`}>
          <div className="flex flex-wrap items-center gap-3">
            <h2 className="break-all">
              {a.identifier.type === "ip" ? "Address" : "Name"} {a.identifier.value}
            </h2>
            <AcmeStatus status={a.status} />
          </div>
          {a.challenges.map((c) => (
            <div key={c.id} className="space-y-2 border-t border-slate-100 pt-3 dark:border-slate-800">
              <div className="flex flex-wrap items-center gap-2 text-sm">
                <code className="font-medium">{c.type}</code> <AcmeStatus status={c.status} />
                {c.validated && <span className="text-slate-500">validated {formatDate(c.validated)}</span>}
                {c.attempts > 0 && (
                  <span className="text-slate-500">
                    {c.attempts} attempt{c.attempts === 1 ? "" : "s"}
                  </span>
                )}
              </div>
              {c.error && (
                <p className="text-sm text-red-800 dark:text-red-300">
                  <strong>{c.error.title}:</strong> {c.error.detail}
                </p>
              )}
              {c.transcript.length > 0 ? (
                <ol className="space-y-1 text-sm" aria-label={`What cadesk tried for ${c.type}`}>
                  {c.transcript.map((t, i) => (
                    <li key={i} className="rounded bg-slate-50 px-2 py-1 dark:bg-slate-950">
                      <span className="text-xs text-slate-500">{t.at ? formatTime(t.at) : ""}</span>{" "}
                      {t.target && <code className="text-xs break-all">{t.target}</code>} {t.outcome && <strong>{t.outcome}</strong>}
                      {t.detail && <span>: {t.detail}</span>}
                    </li>
                  ))}
                </ol>
              ) : (
                c.status === "pending" && (
                  <p className="text-sm text-slate-500">
                    {a.status === "pending"
                      ? "Not tried yet: the client has not asked cadesk to validate this challenge."
                      : "Not used: the client answered another challenge type."}
                  </p>
                )
              )}
            </div>
          ))}
        </section>
      ))}
    </div>
  );
}
