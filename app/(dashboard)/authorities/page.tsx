import { requireUser } from "@/lib/auth/request";
import { can } from "@/lib/auth/roles";
import Link from "next/link";
import type { Metadata } from "next";
import { authorityTree, type AuthorityNode, type Health } from "@/lib/data/authority-tree";
import { KEY_TYPE_LABELS, type KeyType } from "@/lib/pki/key-types";
import type { CertificateStatus } from "@/lib/validations/certificate";
import { PageHeader } from "../../ui/page-header";
import { relativeDays } from "../../ui/status-badge";

export const metadata: Metadata = { title: "Authorities" };

const HEALTH: Record<Health, { border: string; dot: string; text: string; label: string }> = {
  bad: {
    border: "border-l-red-600",
    dot: "bg-red-600",
    text: "text-red-700 dark:text-red-400",
    label: "Needs action",
  },
  warn: {
    border: "border-l-amber-500",
    dot: "bg-amber-500",
    text: "text-amber-800 dark:text-amber-400",
    label: "Attention",
  },
  good: {
    border: "border-l-emerald-600",
    dot: "bg-emerald-600",
    text: "text-emerald-800 dark:text-emerald-400",
    label: "Healthy",
  },
};

const COUNT_STYLES: Record<CertificateStatus, string> = {
  valid: "bg-emerald-50 text-emerald-800 ring-emerald-600/20 dark:bg-emerald-950 dark:text-emerald-300",
  expiring: "bg-amber-50 text-amber-900 ring-amber-600/30 dark:bg-amber-950 dark:text-amber-300",
  expired: "bg-slate-100 text-slate-700 ring-slate-500/20 dark:bg-slate-800 dark:text-slate-300",
  revoked: "bg-red-50 text-red-800 ring-red-600/20 dark:bg-red-950 dark:text-red-300",
};

function keyLabel(keyType: string): string {
  return KEY_TYPE_LABELS[keyType as KeyType]?.replace(" (recommended)", "") ?? keyType;
}

function countNodes(nodes: AuthorityNode[]): number {
  return nodes.reduce((n, a) => n + 1 + countNodes(a.children), 0);
}

export default async function AuthoritiesPage() {
  const [user, tree] = await Promise.all([requireUser(), authorityTree()]);
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
      {tree.length === 0 ? (
        <div className="card text-sm">
          No CA yet. <Link href="/authorities/new">Create a root CA</Link> to start.
        </div>
      ) : (
        <section aria-labelledby="hierarchy" className="space-y-3">
          <div className="flex flex-wrap items-baseline justify-between gap-2">
            <h2 id="hierarchy">Hierarchy</h2>
            <p className="hint">
              {countNodes(tree)} CA{countNodes(tree) === 1 ? "" : "s"}. Each CA sits under the CA that signed it; the counts are the
              certificates it issued, each linking to them.
            </p>
          </div>
          <ul className="space-y-3" aria-label="CA hierarchy">
            {tree.map((node) => (
              <TreeNode key={node.id} node={node} depth={0} />
            ))}
          </ul>
          <p className="hint">
            <span className="font-medium text-red-700 dark:text-red-400">Red</span>: revoked or expired, or signed by a CA that is;{" "}
            <span className="font-medium text-amber-800 dark:text-amber-400">amber</span>: the CA expires within 180 days or some of its
            certificates are due for renewal.
          </p>
        </section>
      )}
    </div>
  );
}

function TreeNode({ node, depth }: { node: AuthorityNode; depth: number }) {
  const health = HEALTH[node.health];
  const kind = node.isRoot ? "Root" : "Intermediate";
  return (
    <li data-ca={node.commonName} data-health={node.health}>
      <div className={`card border-l-4 p-3 sm:p-4 ${health.border}`}>
        <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
          <span aria-hidden className={`inline-block size-2.5 shrink-0 rounded-full ${health.dot}`} />
          <Link href={`/authorities/${node.id}`} className="font-medium wrap-anywhere">
            {node.commonName}
          </Link>
          <span className="rounded bg-slate-100 px-1.5 text-xs text-slate-700 dark:bg-slate-800 dark:text-slate-300">{kind}</span>
          {node.imported && (
            <span className="rounded bg-slate-100 px-1.5 text-xs text-slate-700 dark:bg-slate-800 dark:text-slate-300">imported</span>
          )}
          <span className={`text-xs font-medium ${health.text}`} data-testid="health">
            {node.health === "good" ? health.label : `${health.label}: ${node.healthReason}`}
          </span>
        </div>
        <dl className="mt-2 flex flex-wrap gap-x-5 gap-y-1 text-sm">
          <div className="flex gap-1.5">
            <dt className="text-slate-500 dark:text-slate-400">Key</dt>
            <dd>{keyLabel(node.keyType)}</dd>
          </div>
          <div className="flex gap-1.5">
            <dt className="text-slate-500 dark:text-slate-400">{node.revoked ? "Revoked" : node.daysLeft < 0 ? "Expired" : "Expires"}</dt>
            <dd title={node.notAfter.toISOString()}>
              {node.revoked && node.revokedAt ? (
                <>
                  {node.revokedAt.toISOString().slice(0, 10)} ({node.revocationReason ?? "unspecified"})
                </>
              ) : (
                <>
                  {node.notAfter.toISOString().slice(0, 10)} <span className="text-slate-500">({relativeDays(node.daysLeft)})</span>
                </>
              )}
            </dd>
          </div>
          <div className="flex gap-1.5">
            <dt className="text-slate-500 dark:text-slate-400">Path length</dt>
            <dd>{node.pathLength ?? "unlimited"}</dd>
          </div>
        </dl>
        <ul className="mt-2 flex flex-wrap gap-1.5" aria-label={`Certificates issued by ${node.commonName}`}>
          {(["valid", "expiring", "expired", "revoked"] as const)
            .filter((s) => s !== "expired" || node.counts.expired > 0)
            .map((status) => (
              <li key={status}>
                <Link
                  href={`/certificates?caId=${node.id}&status=${status}${status === "expiring" ? "&sort=expiry" : ""}`}
                  className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium no-underline ring-1 ring-inset hover:no-underline ${COUNT_STYLES[status]}`}
                  data-count={status}
                >
                  {node.counts[status]} {status}
                </Link>
              </li>
            ))}
        </ul>
      </div>
      {node.children.length > 0 && (
        // Indentation stops growing after two levels so a phone keeps room for the names.
        <ul
          className={`mt-3 space-y-3 border-l-2 border-slate-200 dark:border-slate-700 ${depth < 2 ? "ml-3 pl-3 sm:ml-5 sm:pl-5" : "ml-1 pl-2"}`}
          aria-label={`Signed by ${node.commonName}`}
        >
          {node.children.map((child) => (
            <TreeNode key={child.id} node={child} depth={depth + 1} />
          ))}
        </ul>
      )}
    </li>
  );
}
