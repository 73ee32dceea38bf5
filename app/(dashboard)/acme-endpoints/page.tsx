import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "@/lib/auth/request";
import { listAcmeEndpoints } from "@/lib/data/acme";
import { CopyButton } from "../../ui/copy-button";
import { PageHeader } from "../../ui/page-header";
import { formatDate } from "../../ui/status-badge";

export const metadata: Metadata = { title: "ACME" };

export default async function AcmePage({ searchParams }: { searchParams: Promise<{ deleted?: string }> }) {
  await requireUser("manage_cas");
  const [{ deleted }, endpoints] = await Promise.all([searchParams, listAcmeEndpoints()]);
  return (
    <div className="space-y-6">
      <PageHeader title="ACME" actions={[{ href: "/acme-endpoints/new", label: "New endpoint", primary: true }]} />
      <p className="max-w-3xl text-sm text-slate-600 dark:text-slate-400">
        ACME endpoints let certbot, lego, acme.sh, Caddy, Traefik and cert-manager obtain and renew certificates from a cadesk CA on their
        own (RFC 8555). Each endpoint has its directory URL, its CA, its policy for names, and optionally External Account Binding keys you
        hand out.
      </p>
      {deleted && (
        <p role="status" className="text-sm text-emerald-700 dark:text-emerald-400">
          Endpoint deleted.
        </p>
      )}
      <section className="card" aria-label="Endpoints">
        {endpoints.length === 0 ? (
          <div className="space-y-3 text-sm">
            <p>No ACME endpoint yet.</p>
            <Link className="btn btn-primary" href="/acme-endpoints/new">
              Create the first endpoint
            </Link>
          </div>
        ) : (
          <div className="table-wrap relative">
            <table className="table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Directory URL</th>
                  <th className="col-md">CA</th>
                  <th className="col-lg">Challenges</th>
                  <th className="col-md">EAB</th>
                  <th>Accounts</th>
                  <th className="col-md">Orders</th>
                  <th>Failed (24 h)</th>
                  <th className="col-lg">Last order</th>
                </tr>
              </thead>
              <tbody>
                {endpoints.map((e) => (
                  <tr key={e.id}>
                    <td className="font-medium">
                      <Link href={`/acme-endpoints/${e.id}`}>{e.name}</Link>
                    </td>
                    <td>
                      <div className="flex items-center gap-2">
                        <code className="text-xs break-all">{e.directoryUrl}</code>
                        <CopyButton text={e.directoryUrl} label="Copy" />
                      </div>
                    </td>
                    <td className="col-md">
                      <Link href={`/authorities/${e.caId}`}>{e.caName}</Link>
                      {e.caRevoked && <span className="ml-1 text-xs text-red-700 dark:text-red-400">(revoked)</span>}
                    </td>
                    <td className="col-lg text-xs">{e.challenges.join(", ")}</td>
                    <td className="col-md">{e.requireEab ? "required" : "no"}</td>
                    <td>{e.accountCount}</td>
                    <td className="col-md">{e.orderCount}</td>
                    <td className={e.failed24h ? "font-medium text-red-700 dark:text-red-400" : ""}>{e.failed24h}</td>
                    <td className="col-lg text-xs whitespace-nowrap">{e.lastOrderAt ? formatDate(e.lastOrderAt) : "none yet"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
