import Link from "next/link";
import { getAcmeOverview } from "@/lib/data/acme";
import { formatDate } from "../../ui/status-badge";

/** The overview's ACME part: certificates under ACME and orders that failed in the last 24 h. */
export async function AcmeOverviewCard({ mayManage }: { mayManage: boolean }) {
  const acme = await getAcmeOverview();
  if (acme.endpointCount === 0) return null;
  const link = (href: string, text: React.ReactNode) => (mayManage ? <Link href={href}>{text}</Link> : text);
  return (
    <section className="card space-y-3" aria-labelledby="acme-overview-heading">
      <h2 id="acme-overview-heading">ACME</h2>
      <div className="flex flex-wrap gap-8">
        <div>
          <div className="text-xs text-slate-500 dark:text-slate-400">Certificates managed by ACME</div>
          <div className="mt-1 text-2xl font-semibold">{acme.managedCertificates}</div>
        </div>
        <div>
          <div className="text-xs text-slate-500 dark:text-slate-400">Orders failed in the last 24 h</div>
          <div className={`mt-1 text-2xl font-semibold ${acme.failedOrders.length ? "text-red-700 dark:text-red-400" : ""}`}>
            {acme.failedOrders.length === 10 ? "10+" : acme.failedOrders.length}
          </div>
        </div>
      </div>
      {acme.failedOrders.length > 0 && (
        <ul className="space-y-1 text-sm">
          {acme.failedOrders.map((o) => (
            <li key={o.id}>
              {link(`/acme-endpoints/${o.endpointId}/orders/${o.id}`, o.identifiers.map((i) => i.value).join(", "))}{" "}
              <span className="text-slate-500">
                on {o.endpointName}, {formatDate(o.updatedAt)}: {o.error?.detail || o.error?.title || "failed"}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
