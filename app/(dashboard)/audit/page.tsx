import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "@/lib/auth/request";
import { AUDIT_GROUPS, AUDIT_PAGE_SIZE, parseAuditQuery, searchAudit } from "@/lib/data/audit";
import { formatDate } from "../../ui/status-badge";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireUser("audit");
  const query = parseAuditQuery(await searchParams);
  const { events, total } = await searchAudit(query);
  const params = new URLSearchParams(
    Object.entries({ group: query.group, actor: query.actor, outcome: query.outcome, from: query.from, to: query.to }).filter(
      (e): e is [string, string] => !!e[1],
    ),
  );
  const pages = Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE));
  const pageLink = (page: number) => `/audit?${new URLSearchParams([...params, ["page", String(page)]])}`;
  return (
    <div className="space-y-6">
      <div>
        <h1>Audit log</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          Every sign-in (and failed attempt), CA change, issuance, revocation, key export, setting, user and token change, with who, when
          and from where. The log is append-only: the database refuses changes and deletions.
        </p>
      </div>
      <form className="card grid gap-4 sm:grid-cols-6 sm:items-end" role="search" aria-label="Filter the audit log">
        <div>
          <label className="label" htmlFor="group">
            Area
          </label>
          <select id="group" name="group" className="input" defaultValue={query.group ?? ""}>
            <option value="">All</option>
            {AUDIT_GROUPS.map((g) => (
              <option key={g} value={g}>
                {g}
              </option>
            ))}
          </select>
        </div>
        <div className="sm:col-span-2">
          <label className="label" htmlFor="actor">
            Who
          </label>
          <input id="actor" name="actor" className="input" defaultValue={query.actor ?? ""} placeholder="e-mail or token name" />
        </div>
        <div>
          <label className="label" htmlFor="outcome">
            Outcome
          </label>
          <select id="outcome" name="outcome" className="input" defaultValue={query.outcome ?? ""}>
            <option value="">Any</option>
            <option value="success">success</option>
            <option value="failure">failure</option>
          </select>
        </div>
        <div>
          <label className="label" htmlFor="from">
            From
          </label>
          <input id="from" name="from" type="date" className="input" defaultValue={query.from ?? ""} />
        </div>
        <div>
          <label className="label" htmlFor="to">
            To
          </label>
          <input id="to" name="to" type="date" className="input" defaultValue={query.to ?? ""} />
        </div>
        <div className="flex flex-wrap gap-2 sm:col-span-6">
          <button type="submit" className="btn btn-primary">
            Filter
          </button>
          <Link className="btn" href="/audit">
            Clear
          </Link>
          <span className="ml-auto flex gap-2">
            <a className="btn" href={`/download/audit?${new URLSearchParams([...params, ["format", "csv"]])}`}>
              Export CSV
            </a>
            <a className="btn" href={`/download/audit?${new URLSearchParams([...params, ["format", "json"]])}`}>
              Export JSON
            </a>
          </span>
        </div>
      </form>
      <section className="card space-y-3 overflow-x-auto" aria-label="Events">
        <p className="text-sm text-slate-600 dark:text-slate-400">
          {total} event{total === 1 ? "" : "s"}
        </p>
        <table className="table table-stack">
          <thead>
            <tr>
              <th>When</th>
              <th>Who</th>
              <th>Action</th>
              <th>Object</th>
              <th className="col-lg">From</th>
              <th className="col-2xl">Details</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.id}>
                <td className="whitespace-nowrap text-xs" data-label="When">
                  {formatDate(e.at)}
                </td>
                <td className="text-sm break-words" data-label="Who">
                  {e.actorLabel}
                </td>
                <td className="font-mono text-xs break-words" data-label="Action">
                  {e.action}
                  {e.outcome === "failure" && (
                    <span className="ml-2 rounded bg-red-50 px-1.5 py-0.5 text-red-800 dark:bg-red-950 dark:text-red-300">failed</span>
                  )}
                  {/* Below 2xl the details column steps back: its first line stays here. */}
                  {e.detail && (
                    <span
                      className="mt-0.5 block max-w-64 truncate font-sans text-slate-500 2xl:hidden dark:text-slate-400"
                      title={e.detail}
                    >
                      {readableDetail(e.detail)}
                    </span>
                  )}
                </td>
                <td className="wrap-anywhere text-sm" data-label="Object">
                  {e.objectType === "certificate" && e.objectId ? (
                    <Link href={`/certificates/${e.objectId}`}>{e.objectLabel || e.objectId}</Link>
                  ) : e.objectType === "authority" && e.objectId ? (
                    <Link href={`/authorities/${e.objectId}`}>{e.objectLabel || e.objectId}</Link>
                  ) : (
                    (e.objectLabel ?? e.objectId ?? "")
                  )}
                </td>
                <td className="col-lg font-mono text-xs">{e.ip}</td>
                <td className="col-2xl max-w-xs text-xs break-words" title={e.detail ?? ""}>
                  {readableDetail(e.detail)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {pages > 1 && (
          <nav aria-label="Pages" className="flex items-center gap-3 text-sm">
            {query.page > 1 && <Link href={pageLink(query.page - 1)}>Previous</Link>}
            <span>
              Page {query.page} of {pages}
            </span>
            {query.page < pages && <Link href={pageLink(query.page + 1)}>Next</Link>}
          </nav>
        )}
      </section>
    </div>
  );
}

/** `{"clientAuth":"require","clientCas":["Issuing"]}` as "clientAuth: require · clientCas: Issuing". */
function readableDetail(detail: string | null): string {
  if (!detail) return "";
  try {
    const parsed = JSON.parse(detail) as Record<string, unknown>;
    return Object.entries(parsed)
      .map(
        ([k, v]) =>
          `${k}: ${Array.isArray(v) ? v.join(", ") || "none" : typeof v === "object" && v !== null ? JSON.stringify(v) : String(v)}`,
      )
      .join(" · ");
  } catch {
    return detail;
  }
}
