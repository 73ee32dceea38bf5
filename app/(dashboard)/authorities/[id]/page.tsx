import { requireUser } from "@/lib/auth/request";
import { can, mayUseAuthority } from "@/lib/auth/roles";
import { AuthorityOperators } from "./operators";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { Metadata } from "next";
import { getAuthority } from "@/lib/data/authorities";
import { formatSans } from "@/lib/pki/names-format";
import { fileBaseName } from "@/lib/services/export-certificate";
import { relativeDays, StatusBadge } from "../../../ui/status-badge";
import { PemAndText } from "../../../ui/pem-and-text";
import { RevokeAuthority } from "./revoke-authority";
import { KeyLocation } from "./key-location";
import { CertificateFacts } from "../../../ui/certificate-facts";
import { TrustInstructions } from "../../../ui/trust-instructions";
import { authorityNameRules } from "@/lib/data/authority-name-rules";
import { NameRules } from "./name-rules";

export const metadata: Metadata = { title: "Authority" };

export default async function AuthorityPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ created?: string }>;
}) {
  const [{ id }, { created }] = await Promise.all([params, searchParams]);
  const [user, ca, nameRules] = await Promise.all([requireUser(), getAuthority(id), authorityNameRules(id)]);
  if (!ca || !nameRules) notFound();
  const mayManage = can(user.role!, "manage_cas");
  // An operator limited away from this CA is not offered to issue from it (the server refuses it too).
  const mayIssue = can(user.role!, "issue") && mayUseAuthority(user, ca.operatorIds);
  const base = fileBaseName(ca.commonName, ca.summary.serial);
  const isRoot = ca.chain.length === 1 && ca.summary.subject === ca.summary.issuer;
  return (
    <div className="space-y-6">
      {created && (
        <div
          role="status"
          className="rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-900 dark:border-emerald-900 dark:bg-emerald-950 dark:text-emerald-200"
        >
          The CA “{ca.commonName}” is ready.
        </div>
      )}
      {ca.revokedAt && (
        <div
          role="status"
          className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-200"
        >
          Revoked on {ca.revokedAt.toISOString().slice(0, 16).replace("T", " ")} UTC ({ca.revocationReason}). It cannot issue; its
          parent&apos;s CRL lists it.
        </div>
      )}
      {/* As for leaves: a CA cannot outlive its parent, and a shortened life is said, not silent. */}
      {ca.chain[1] && ca.chain[1].notAfter.getTime() === ca.summary.notAfter.getTime() && (
        <p className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-900 dark:bg-amber-950 dark:text-amber-200">
          Its validity was shortened to end with its parent CA &ldquo;{ca.chain[1].commonName}&rdquo; on{" "}
          {ca.summary.notAfter.toISOString().slice(0, 10)}: a CA cannot outlive the CA that signed it. Renew the parent first to give it
          longer.
        </p>
      )}
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <p className="text-xs uppercase tracking-wide text-slate-500">
            {isRoot ? "Root CA" : "Intermediate CA"}
            {ca.imported ? " · imported" : ""}
          </p>
          <h1>{ca.commonName}</h1>
        </div>
        <div className="flex flex-wrap gap-2">
          {/* A root should only sign intermediates (its key stays offline otherwise), so on a root
              "New intermediate" is the primary action and issuing from it the secondary one. */}
          {mayManage && ca.pathLength !== 0 && (
            <Link className={isRoot ? "btn btn-primary" : "btn"} href={`/authorities/new?type=intermediate&parentId=${ca.id}`}>
              New intermediate under it
            </Link>
          )}
          {mayIssue && (
            <Link
              className={isRoot && mayManage && ca.pathLength !== 0 ? "btn" : "btn btn-primary"}
              href={`/certificates/new?caId=${ca.id}`}
            >
              Issue from this CA
            </Link>
          )}
        </div>
      </div>

      <div className="grid gap-6 lg:grid-cols-3">
        <section className="card lg:col-span-2">
          <h2 className="mb-3">Certificate</h2>
          <CertificateFacts
            summary={ca.summary}
            daysLeft={ca.daysLeft}
            extra={[["Path length", ca.pathLength === null ? "unlimited" : String(ca.pathLength)]]}
          />
        </section>
        <section className="card space-y-4">
          <div>
            <h2 className="mb-2">Chain to the root</h2>
            <ol className="space-y-1 text-sm">
              {[...ca.chain].reverse().map((c, i) => (
                <li key={c.id} style={{ paddingLeft: `${i}rem` }}>
                  {c.id === ca.id ? <strong>{c.commonName}</strong> : <Link href={`/authorities/${c.id}`}>{c.commonName}</Link>}
                </li>
              ))}
            </ol>
          </div>
          <div>
            <h2 className="mb-2">Beneath it</h2>
            {ca.children.length === 0 ? (
              <p className="text-sm text-slate-500">No intermediate CAs.</p>
            ) : (
              <ul className="space-y-1 text-sm">
                {ca.children.map((c) => (
                  <li key={c.id}>
                    <Link href={`/authorities/${c.id}`}>{c.commonName}</Link>
                  </li>
                ))}
              </ul>
            )}
            <p className="mt-2 text-sm">
              <Link href={`/certificates?caId=${ca.id}`}>
                {ca.issuedCount} certificate{ca.issuedCount === 1 ? "" : "s"} issued
              </Link>
            </p>
          </div>
          <KeyLocation location={ca.key} />
          <div>
            <h2 className="mb-2">Download</h2>
            <div className="flex flex-wrap gap-2">
              <a className="btn btn-sm" href={`/download/authorities/${ca.id}?format=pem`} download>
                {base}.crt (PEM)
              </a>
              <a className="btn btn-sm" href={`/download/authorities/${ca.id}?format=der`} download>
                {base}.cer (DER)
              </a>
            </div>
            <p className="hint">
              Certificates only:{" "}
              {ca.key.storage === "pkcs11" ? "the private key cannot leave the HSM." : "the private key stays on the server, encrypted."}
            </p>
            <p className="mt-2 text-sm">
              Revocation list: <a href={`/crl/${ca.id}`}>CRL (DER)</a> · <a href={`/crl/${ca.id}?format=pem`}>PEM</a>
            </p>
          </div>
        </section>
      </div>

      <section className="card">
        <div className="mb-3 flex items-center justify-between">
          <h2>Recently issued</h2>
          {ca.issuedCount > ca.recent.length && <Link href={`/certificates?caId=${ca.id}`}>All {ca.issuedCount} →</Link>}
        </div>
        {ca.recent.length === 0 ? (
          <p className="text-sm text-slate-500">
            Nothing issued yet.
            {mayIssue && (
              <>
                {" "}
                <Link href={`/certificates/new?caId=${ca.id}`}>Issue a certificate</Link> from this CA.
              </>
            )}
          </p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>Common Name</th>
                <th className="col-lg">SANs</th>
                <th className="col-sm">Issued</th>
                <th>Expires</th>
                <th>Status</th>
              </tr>
            </thead>
            <tbody>
              {ca.recent.map((c) => (
                <tr key={c.id}>
                  <td className="wrap-anywhere">
                    <Link href={`/certificates/${c.id}`}>{c.commonName || c.serialHex}</Link>
                  </td>
                  <td className="col-lg font-mono text-xs" title={formatSans(c.sans)}>
                    <span className="block max-w-xs truncate">{formatSans(c.sans)}</span>
                  </td>
                  <td className="col-sm">{c.createdAt.toISOString().slice(0, 10)}</td>
                  <td>{relativeDays(c.daysLeft)}</td>
                  <td>
                    <StatusBadge status={c.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <NameRules id={ca.id} rules={nameRules} mayManage={mayManage} />

      <PemAndText pem={ca.certificatePem} text={ca.text} />

      {mayManage && <AuthorityOperators id={ca.id} operators={ca.operators} allowedIds={ca.operatorIds} />}

      {mayManage && !ca.isRoot && !ca.revokedAt && (
        <RevokeAuthority id={ca.id} authorities={ca.beneath.authorities} certificates={ca.beneath.certificates} />
      )}

      <section className="card">
        <h2 className="mb-1">Trust this CA</h2>
        <p className="mb-4 text-sm text-slate-600 dark:text-slate-400">
          Clients accept certificates from this CA once it is in their trust store.{" "}
          {isRoot ? "Install this root." : "Usually you install the root CA, not an intermediate:"}{" "}
          {!isRoot && ca.chain.length > 1 && <Link href={`/authorities/${ca.chain[ca.chain.length - 1]!.id}`}>go to the root</Link>}
        </p>
        <TrustInstructions file={`${base}.crt`} derFile={`${base}.cer`} name={base} />
      </section>
    </div>
  );
}
