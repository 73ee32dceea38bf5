import { AppError } from "@/lib/errors";
import { requireUser } from "@/lib/auth/request";
import { can } from "@/lib/auth/roles";
import Link from "next/link";
import type { Metadata } from "next";
import { acmeEndpointsOf } from "@/lib/data/acme";
import { listAuthorities } from "@/lib/data/authorities";
import { parseCertificateQuery, searchCertificates } from "@/lib/data/certificates";
import { parseHost } from "@/lib/data/host-search";
import { formatSans } from "@/lib/pki/names-format";
import { PROFILE_SPECS, type LeafProfile } from "@/lib/pki/profiles-data";
import { CERTIFICATE_STATUSES, type TCertificateQuery } from "@/lib/validations/certificate";
import { CERTIFICATE_ACTIONS, PageHeader } from "../../ui/page-header";
import { relativeDays } from "../../ui/status-badge";
import { InventoryTable, type InventoryRow } from "./inventory-table";

export const metadata: Metadata = { title: "Certificates" };

type Params = Record<string, string | string[] | undefined>;

const DEFAULT_PAGE_SIZE = 25;
const PAGE_SIZES = [25, 50, 100, 200];

const filtered = (q: TCertificateQuery) => Boolean(q.q || q.host || q.caId || q.status || q.expiresFrom || q.expiresBefore);

function href(query: TCertificateQuery, change: Partial<TCertificateQuery>): string {
  const next = { ...query, ...change };
  const params = new URLSearchParams();
  if (next.q) params.set("q", next.q);
  if (next.host) params.set("host", next.host);
  if (next.caId) params.set("caId", next.caId);
  if (next.status) params.set("status", next.status);
  if (next.expiresFrom) params.set("expiresFrom", next.expiresFrom.toISOString());
  if (next.expiresBefore) params.set("expiresBefore", next.expiresBefore.toISOString());
  if (next.sort !== "newest") params.set("sort", next.sort);
  if (next.pageSize !== DEFAULT_PAGE_SIZE) params.set("pageSize", String(next.pageSize));
  if (next.page > 1) params.set("page", String(next.page));
  const s = params.toString();
  return `/certificates${s ? `?${s}` : ""}`;
}

/** The export keeps the current search and filters. */
function exportHref(query: TCertificateQuery, format: "csv" | "json"): string {
  const params = new URLSearchParams({ format });
  if (query.q) params.set("q", query.q);
  if (query.host) params.set("host", query.host);
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
  let query: TCertificateQuery;
  try {
    query = parseCertificateQuery(params);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    problem = error.message;
    query = parseCertificateQuery({ ...params, [error.field === "host" ? "host" : "q"]: undefined });
  }
  // What was typed stays in the field even when it is refused, so it can be corrected.
  const typedHost = typeof params.host === "string" ? params.host : query.host;
  if (query.host) {
    try {
      parseHost(query.host);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      problem = error.message;
      query = { ...query, host: undefined };
    }
  }
  const [page, authorities] = await Promise.all([searchCertificates(query), listAuthorities()]);
  // Which of these came over ACME (and from which endpoint): they renew themselves.
  const acme = await acmeEndpointsOf(page.rows.map((c) => c.id));
  const expirySort = query.sort === "expiry" ? "-expiry" : "expiry";
  const rows: InventoryRow[] = page.rows.map((c) => ({
    id: c.id,
    commonName: c.commonName,
    sans: formatSans(c.sans),
    issuerName: c.issuerName,
    profileLabel: PROFILE_SPECS[c.profile as LeafProfile]?.label ?? c.profile,
    acmeEndpoint: acme.get(c.id) ?? null,
    serialHex: c.serialHex,
    notAfter: c.notAfter.toISOString().slice(0, 10),
    relative: relativeDays(c.daysLeft),
    status: c.status,
  }));
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
        <div className="min-w-56 flex-1">
          <label className="label" htmlFor="host">
            Covers host
          </label>
          <input
            id="host"
            name="host"
            type="search"
            className="input"
            defaultValue={typedHost}
            placeholder="foo.apps.internal.example or 10.0.0.5"
            aria-describedby="host-help"
            spellCheck={false}
            autoCapitalize="off"
          />
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
        <div>
          <label className="label" htmlFor="pageSize">
            Per page
          </label>
          <select id="pageSize" name="pageSize" className="input" defaultValue={String(query.pageSize)}>
            {[...new Set([...PAGE_SIZES, query.pageSize])]
              .sort((a, b) => a - b)
              .map((n) => (
                <option key={n} value={n}>
                  {n}
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
        {(filtered(query) || typedHost) && (
          <Link className="btn" href="/certificates">
            Clear
          </Link>
        )}
        <p id="host-help" className="hint basis-full">
          Covers host: the certificates a client would accept for that name, by their SANs: the exact name, or a wildcard over its first
          label (*.apps.internal.example covers foo.apps.internal.example); an IP address finds IP SANs.
        </p>
      </form>

      {(query.expiresFrom || query.expiresBefore) && (
        <p className="text-sm">
          Expiring {query.expiresFrom ? `from ${query.expiresFrom.toISOString().replace("T", " ").slice(0, 16)} UTC` : ""}
          {query.expiresBefore ? ` before ${query.expiresBefore.toISOString().replace("T", " ").slice(0, 16)} UTC` : ""} ·{" "}
          <Link href={href(query, { expiresFrom: undefined, expiresBefore: undefined, page: 1 })}>any expiry date</Link>
        </p>
      )}
      <InventoryTable
        rows={rows}
        mayChange={can(user.role!, "issue")}
        empty={
          page.total === 0 && !filtered(query) ? (
            <>
              No certificates yet. <Link href="/certificates/new">Issue one</Link>.
            </>
          ) : query.host ? (
            `No certificate${query.caId || query.status || query.q ? " matching these filters" : ""} covers ${query.host}.`
          ) : (
            "No certificate matches."
          )
        }
        notAfterHeader={
          <Link href={href(query, { sort: expirySort, page: 1 })} className="text-inherit">
            Not after {query.sort === "expiry" ? "↑" : query.sort === "-expiry" ? "↓" : ""}
          </Link>
        }
      />

      <nav aria-label="Pages" className="flex items-center justify-between text-sm">
        <span className="text-slate-500">
          {page.totalExact ? (
            <>
              {page.total} certificate{page.total === 1 ? "" : "s"}
              {page.pageCount > 1 ? ` · page ${query.page} of ${page.pageCount}` : ""}
            </>
          ) : (
            // Counting stops at 10,000 matches (lib/stores/search.ts): narrow the search for an exact count.
            <>
              More than {page.total.toLocaleString("en-US")} certificates · page {query.page.toLocaleString("en-US")}
            </>
          )}
          {page.total > 0 && (
            <>
              {" "}
              · export <a href={exportHref(query, "csv")}>CSV</a> or <a href={exportHref(query, "json")}>JSON</a>
            </>
          )}
        </span>
        {(page.pageCount > 1 || query.page > 1) && (
          <span className="flex gap-2">
            {query.page > 1 ? (
              <Link className="btn btn-sm" href={href(query, { page: query.page - 1 })}>
                Previous
              </Link>
            ) : (
              <span className="btn btn-sm opacity-50">Previous</span>
            )}
            {page.hasNext ? (
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
