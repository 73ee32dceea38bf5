import { AppError } from "@/lib/errors";
import { requireUser } from "@/lib/auth/request";
import { can } from "@/lib/auth/roles";
import Link from "next/link";
import type { Metadata } from "next";
import { acmeEndpointsOf } from "@/lib/data/acme";
import { listAuthorities } from "@/lib/data/authorities";
import { parseCertificateQuery, searchCertificates } from "@/lib/data/certificates";
import { formatSans } from "@/lib/pki/names-format";
import { PROFILE_SPECS, type LeafProfile } from "@/lib/pki/profiles-data";
import { CERTIFICATE_STATUSES, type TCertificateQuery } from "@/lib/validations/certificate";
import { CERTIFICATE_ACTIONS, PageHeader } from "../../ui/page-header";
import { relativeDays, StatusBadge } from "../../ui/status-badge";

export const metadata: Metadata = { title: "Certificates" };

type Params = Record<string, string | string[] | undefined>;

function href(query: TCertificateQuery, change: Partial<TCertificateQuery>): string {
  const next = { ...query, ...change };
  const params = new URLSearchParams();
  if (next.q) params.set("q", next.q);
  if (next.caId) params.set("caId", next.caId);
  if (next.status) params.set("status", next.status);
  if (next.expiresFrom) params.set("expiresFrom", next.expiresFrom.toISOString());
  if (next.expiresBefore) params.set("expiresBefore", next.expiresBefore.toISOString());
  if (next.sort !== "newest") params.set("sort", next.sort);
  if (next.page > 1) params.set("page", String(next.page));
  const s = params.toString();
  return `/certificates${s ? `?${s}` : ""}`;
}

/** The export keeps the current search and filters. */
function exportHref(query: TCertificateQuery, format: "csv" | "json"): string {
  const params = new URLSearchParams({ format });
  if (query.q) params.set("q", query.q);
  if (query.caId) params.set("caId", query.caId);
  if (query.status) params.set("status", query.status);
  if (query.expiresFrom) params.set("expiresFrom", query.expiresFrom.toISOString());
  if (query.expiresBefore) params.set("expiresBefore", query.expiresBefore.toISOString());
  return `/download/inventory?${params}`;
}

export default async function CertificatesPage({ searchParams }: { searchParams: Promise<Params> }) {
  const user = await requireUser();
  const params = await searchParams;
  // A search the API would refuse (too long, control characters) is dropped here with the reason.
  let problem: string | undefined;
  let query;
  try {
    query = parseCertificateQuery(params);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    problem = error.message;
    query = parseCertificateQuery({ ...params, q: undefined });
  }
  const [page, authorities] = await Promise.all([searchCertificates(query), listAuthorities()]);
  // Which of these came over ACME (and from which endpoint): they renew themselves.
  const acme = await acmeEndpointsOf(page.rows.map((c) => c.id));
  const expirySort = query.sort === "expiry" ? "-expiry" : "expiry";
  return (
    <div className="space-y-5">
      <PageHeader title="Certificates" actions={can(user.role!, "issue") ? CERTIFICATE_ACTIONS : []} />
      {problem && (
        <p
          role="alert"
          className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-300"
        >
          {problem}
        </p>
      )}

      <form role="search" method="get" action="/certificates" className="card flex flex-wrap items-end gap-3 p-4">
        <div className="min-w-64 flex-1">
          <label className="label" htmlFor="q">
            Search
          </label>
          <input id="q" name="q" type="search" className="input" defaultValue={query.q} placeholder="Common Name, SAN or serial" />
        </div>
        <div>
          <label className="label" htmlFor="caId">
            CA
          </label>
          <select id="caId" name="caId" className="input" defaultValue={query.caId ?? ""}>
            <option value="">All CAs</option>
            {authorities.map((a) => (
              <option key={a.id} value={a.id}>
                {a.commonName}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label className="label" htmlFor="status">
            Status
          </label>
          <select id="status" name="status" className="input" defaultValue={query.status ?? ""}>
            <option value="">Any status</option>
            {CERTIFICATE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        {query.sort !== "newest" && <input type="hidden" name="sort" value={query.sort} />}
        {query.expiresFrom && <input type="hidden" name="expiresFrom" value={query.expiresFrom.toISOString()} />}
        {query.expiresBefore && <input type="hidden" name="expiresBefore" value={query.expiresBefore.toISOString()} />}
        <button type="submit" className="btn btn-primary">
          Search
        </button>
        {(query.q || query.caId || query.status || query.expiresFrom || query.expiresBefore) && (
          <Link className="btn" href="/certificates">
            Clear
          </Link>
        )}
      </form>

      {(query.expiresFrom || query.expiresBefore) && (
        <p className="text-sm">
          Expiring {query.expiresFrom ? `from ${query.expiresFrom.toISOString().replace("T", " ").slice(0, 16)} UTC` : ""}
          {query.expiresBefore ? ` before ${query.expiresBefore.toISOString().replace("T", " ").slice(0, 16)} UTC` : ""} ·{" "}
          <Link href={href(query, { expiresFrom: undefined, expiresBefore: undefined, page: 1 })}>any expiry date</Link>
        </p>
      )}
      <div className="card table-wrap mx-0 p-0">
        {page.rows.length === 0 ? (
          <p className="p-5 text-sm text-slate-500">
            {page.total === 0 && !query.q && !query.caId && !query.status && !query.expiresFrom && !query.expiresBefore ? (
              <>
                No certificates yet. <Link href="/certificates/new">Issue one</Link>.
              </>
            ) : (
              "No certificate matches."
            )}
          </p>
        ) : (
          <table className="table table-stack">
            <thead>
              <tr>
                <th>Common Name</th>
                <th className="col-lg">SANs</th>
                <th className="col-md">Issuer</th>
                <th className="col-xl">Profile</th>
                <th className="col-2xl">Serial</th>
                <th>
                  <Link href={href(query, { sort: expirySort, page: 1 })} className="text-inherit">
                    Not after {query.sort === "expiry" ? "↑" : query.sort === "-expiry" ? "↓" : ""}
                  </Link>
                </th>
                <th>Status</th>
              </tr>
            </thead>
            <tbody>
              {page.rows.map((c) => (
                <tr key={c.id}>
                  <td className="wrap-anywhere font-medium">
                    <Link href={`/certificates/${c.id}`}>{c.commonName || "(none)"}</Link>
                  </td>
                  <td className="col-lg font-mono text-xs" title={formatSans(c.sans)}>
                    <span className="block max-w-56 truncate">{formatSans(c.sans)}</span>
                  </td>
                  <td className="col-md wrap-anywhere">{c.issuerName}</td>
                  <td className="col-xl whitespace-nowrap">
                    {PROFILE_SPECS[c.profile as LeafProfile]?.label ?? c.profile}
                    {acme.has(c.id) && (
                      <span
                        className="ml-1.5 rounded bg-sky-50 px-1 text-xs text-sky-800 dark:bg-sky-950 dark:text-sky-300"
                        title={`Issued over ACME by the endpoint ${acme.get(c.id)}`}
                      >
                        ACME
                      </span>
                    )}
                  </td>
                  <td className="col-2xl font-mono text-xs" title={c.serialHex}>
                    {c.serialHex.slice(0, 12)}…
                  </td>
                  <td className="whitespace-nowrap" data-label="Not after">
                    {c.notAfter.toISOString().slice(0, 10)}{" "}
                    <span className="text-slate-500 dark:text-slate-400">{relativeDays(c.daysLeft)}</span>
                  </td>
                  <td data-label="Status">
                    <StatusBadge status={c.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>

      <nav aria-label="Pages" className="flex items-center justify-between text-sm">
        <span className="text-slate-500">
          {page.total} certificate{page.total === 1 ? "" : "s"}
          {page.pageCount > 1 ? ` · page ${query.page} of ${page.pageCount}` : ""}
          {page.total > 0 && (
            <>
              {" "}
              · export <a href={exportHref(query, "csv")}>CSV</a> or <a href={exportHref(query, "json")}>JSON</a>
            </>
          )}
        </span>
        {page.pageCount > 1 && (
          <span className="flex gap-2">
            {query.page > 1 ? (
              <Link className="btn btn-sm" href={href(query, { page: query.page - 1 })}>
                Previous
              </Link>
            ) : (
              <span className="btn btn-sm opacity-50">Previous</span>
            )}
            {query.page < page.pageCount ? (
              <Link className="btn btn-sm" href={href(query, { page: query.page + 1 })}>
                Next
              </Link>
            ) : (
              <span className="btn btn-sm opacity-50">Next</span>
            )}
          </span>
        )}
      </nav>
    </div>
  );
}
