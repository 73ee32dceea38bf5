import { requireUser } from "@/lib/auth/request";
import { can } from "@/lib/auth/roles";
import Link from "next/link";
import { getOverview } from "@/lib/data/overview";
import { CERTIFICATE_ACTIONS, PageHeader } from "../ui/page-header";
import { relativeDays, StatusBadge } from "../ui/status-badge";
import { AcmeOverviewCard } from "./acme-endpoints/overview-card";
import { ExpiryChart } from "./expiry-chart";

export default async function OverviewPage() {
  const user = await requireUser();
  const overview = await getOverview();
  if (overview.authorityCount === 0) {
    return can(user.role!, "manage_cas") ? (
      <FirstRun />
    ) : (
      <div className="card mx-auto mt-8 max-w-2xl text-sm">
        There is no CA yet. An admin creates or imports the first one; then the inventory appears here.
      </div>
    );
  }
  const { counts } = overview;
  return (
    <div className="space-y-6">
      <PageHeader title="Overview" actions={can(user.role!, "issue") ? CERTIFICATE_ACTIONS : []} />
      <div className="grid grid-cols-2 gap-4 md:grid-cols-5">
        <Stat label="Authorities" value={overview.authorityCount} href="/authorities" />
        <Stat label="Valid" value={counts.valid} href="/certificates?status=valid" />
        <Stat
          label="Expiring soon"
          value={counts.expiring}
          href="/certificates?status=expiring&sort=expiry"
          tone={counts.expiring ? "warn" : undefined}
        />
        <Stat label="Expired" value={counts.expired} href="/certificates?status=expired" tone={counts.expired ? "bad" : undefined} />
        <Stat label="Revoked" value={counts.revoked} href="/certificates?status=revoked" />
      </div>
      <AcmeOverviewCard mayManage={can(user.role!, "manage_cas")} />
      <div className="grid gap-6 lg:grid-cols-3">
        <section className="card lg:col-span-2">
          <h2 className="mb-3">Expiries, next 90 days</h2>
          <ExpiryChart bars={overview.timeline} />
        </section>
        <section className="card space-y-2">
          <h2>CAs nearing expiry</h2>
          {overview.expiringAuthorities.length === 0 ? (
            <p className="text-sm text-slate-500">No CA expires in the next 180 days.</p>
          ) : (
            <ul className="space-y-1 text-sm">
              {overview.expiringAuthorities.map((a) => (
                <li key={a.id}>
                  <Link href={`/authorities/${a.id}`}>{a.commonName}</Link>{" "}
                  <span className={a.daysLeft < 0 ? "text-red-700 dark:text-red-400" : "text-amber-700 dark:text-amber-400"}>
                    {a.daysLeft < 0 ? "expired" : relativeDays(a.daysLeft)}
                  </span>
                </li>
              ))}
            </ul>
          )}
          <p className="hint">Everything a CA issued stops working with it: renew the CA well before.</p>
        </section>
      </div>
      <div className="grid gap-6 lg:grid-cols-2">
        <section className="card">
          <h2 className="mb-2">Recently issued</h2>
          <ul className="space-y-1 text-sm">
            {overview.recentlyIssued.map((c) => (
              <li key={c.id}>
                <Link href={`/certificates/${c.id}`}>{c.commonName || c.id}</Link>{" "}
                <span className="text-slate-500">
                  by {c.issuerName}, {c.createdAt.toISOString().slice(0, 10)}
                </span>
              </li>
            ))}
          </ul>
        </section>
        <section className="card">
          <h2 className="mb-2">Recently revoked</h2>
          {overview.recentlyRevoked.length === 0 ? (
            <p className="text-sm text-slate-500">Nothing revoked.</p>
          ) : (
            <ul className="space-y-1 text-sm">
              {overview.recentlyRevoked.map((c) => (
                <li key={c.id}>
                  <Link href={`/certificates/${c.id}`}>{c.commonName || c.id}</Link>{" "}
                  <span className="text-slate-500">
                    {c.reason}, {c.revokedAt.toISOString().slice(0, 10)}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      <section className="card">
        <h2 className="mb-3">Expiring next</h2>
        {overview.expiringNext.length === 0 ? (
          <p className="text-sm text-slate-500">No certificate is within its expiry notice window (30 days, or 7 for short-lived ones).</p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>Common Name</th>
                <th className="col-sm">Issuer</th>
                <th>Expires</th>
                <th>Status</th>
              </tr>
            </thead>
            <tbody>
              {overview.expiringNext.map((c) => (
                <tr key={c.id}>
                  <td className="wrap-anywhere">
                    <Link href={`/certificates/${c.id}`}>{c.commonName || c.serialHex}</Link>
                  </td>
                  <td className="col-sm">{c.issuerName}</td>
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
    </div>
  );
}

function Stat({ label, value, href, tone }: { label: string; value: number; href: string; tone?: "warn" | "bad" }) {
  const color = tone === "warn" ? "text-amber-700 dark:text-amber-400" : tone === "bad" ? "text-red-700 dark:text-red-400" : "";
  return (
    <Link href={href} className="card block p-4 text-inherit no-underline hover:no-underline hover:ring-2 hover:ring-sky-600/20">
      <div className="text-xs text-slate-500 dark:text-slate-400">{label}</div>
      <div className={`mt-1 text-2xl font-semibold ${color}`}>{value}</div>
    </Link>
  );
}

function FirstRun() {
  return (
    <div className="mx-auto max-w-2xl space-y-6 pt-8">
      <div>
        <h1 className="text-2xl">Welcome to cadesk</h1>
        <p className="mt-2 text-slate-600 dark:text-slate-400">
          Your private certificate authority is ready. Three steps give your services TLS and mutual-TLS certificates:
        </p>
      </div>
      <ol className="space-y-3">
        <li className="card">
          <h2>1. Create a root CA</h2>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
            The anchor every client will trust. It lives for years and signs only intermediates.
          </p>
          <Link className="btn btn-primary mt-3" href="/authorities/new">
            Create a root CA
          </Link>
          <span className="ml-3 text-sm">
            or <Link href="/authorities/new?type=import">import an existing one</Link>
          </span>
        </li>
        <li className="card opacity-80">
          <h2>2. Create an intermediate CA</h2>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
            It issues day-to-day certificates, so the root key can stay unused.
          </p>
        </li>
        <li className="card opacity-80">
          <h2>3. Issue certificates</h2>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
            From a form, or by signing a CSR so the private key never leaves your service.
          </p>
        </li>
      </ol>
    </div>
  );
}
