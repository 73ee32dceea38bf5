import { requireUser } from "@/lib/auth/request";
import { can } from "@/lib/auth/roles";
import Link from "next/link";
import type { Metadata } from "next";
import { listAuthorities } from "@/lib/data/authorities";
import { KEY_TYPE_LABELS, type KeyType } from "@/lib/pki/key-types";
import { PageHeader } from "../../ui/page-header";
import { relativeDays } from "../../ui/status-badge";

export const metadata: Metadata = { title: "Authorities" };

export default async function AuthoritiesPage() {
  const [user, authorities] = await Promise.all([requireUser(), listAuthorities()]);
  return (
    <div className="space-y-6">
      <PageHeader
        title="Authorities"
        actions={
          can(user.role!, "manage_cas")
            ? [
                { href: "/authorities/new?type=import", label: "Import a CA" },
                { href: "/authorities/new?type=intermediate", label: "New intermediate" },
                { href: "/authorities/new", label: "New root CA", primary: true },
              ]
            : []
        }
      />
      {authorities.length === 0 ? (
        <div className="card text-sm">
          No CA yet. <Link href="/authorities/new">Create a root CA</Link> to start.
        </div>
      ) : (
        <div className="card overflow-x-auto p-0">
          <table className="table">
            <thead>
              <tr>
                <th>Name</th>
                <th className="col-sm">Type</th>
                <th className="col-md">Key</th>
                <th className="col-lg">Path length</th>
                <th>Expires</th>
                <th className="text-right">Issued</th>
              </tr>
            </thead>
            <tbody>
              {authorities.map((a) => (
                <tr key={a.id}>
                  <td>
                    <span style={{ paddingLeft: `${a.depth * 1.25}rem` }} className="inline-flex items-center gap-1">
                      {a.depth > 0 && (
                        <span aria-hidden className="text-slate-400">
                          └
                        </span>
                      )}
                      <Link href={`/authorities/${a.id}`}>{a.commonName}</Link>
                      {a.imported && (
                        <span className="ml-1 rounded bg-slate-100 px-1.5 text-xs text-slate-600 dark:bg-slate-800 dark:text-slate-300">
                          imported
                        </span>
                      )}
                    </span>
                  </td>
                  <td className="col-sm">{a.parentId ? "Intermediate" : "Root"}</td>
                  <td className="col-md">{KEY_TYPE_LABELS[a.keyType as KeyType]?.replace(" (recommended)", "") ?? a.keyType}</td>
                  <td className="col-lg">{a.pathLength ?? "unlimited"}</td>
                  <td title={a.notAfter.toISOString()}>
                    {a.notAfter.toISOString().slice(0, 10)} <span className="text-slate-500">({relativeDays(a.daysLeft)})</span>
                  </td>
                  <td className="text-right">
                    <Link href={`/certificates?caId=${a.id}`}>{a.issuedCount}</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
