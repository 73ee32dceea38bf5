"use client";

/**
 * The inventory table with a checkbox per row and "select all on this page", and the bulk actions
 * on the selection: renew, revoke with a reason, export. The actions call the same services as
 * the certificate page, one certificate at a time on the server; a stale password opens the
 * in-place dialog (app/ui/reauth.tsx) and the same request runs again once it is confirmed.
 */
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useId, useMemo, useRef, useState } from "react";
import { REVOCATION_REASON_OPTIONS } from "@/lib/pki/revocation-reasons";
import type { CertificateStatus } from "@/lib/validations/certificate";
import { SubmitButton } from "../../ui/form";
import { DownloadForm, useReauth } from "../../ui/reauth";
import { StatusBadge } from "../../ui/status-badge";
import { bulkRenewAction, bulkRevokeAction, type BulkState } from "./bulk-actions";

export interface InventoryRow {
  id: string;
  commonName: string;
  sans: string;
  issuerName: string;
  profileLabel: string;
  /** The ACME endpoint that issued it, if one did. */
  acmeEndpoint: string | null;
  serialHex: string;
  notAfter: string;
  relative: string;
  status: CertificateStatus;
}

type Panel = "renew" | "revoke" | "export" | null;

export function InventoryTable({
  rows,
  mayChange,
  notAfterHeader,
  empty,
}: {
  rows: InventoryRow[];
  mayChange: boolean;
  /** What to say when nothing is listed (the outcome of the last action stays above it). */
  empty: React.ReactNode;
  /** The Not after heading with its sort link, made by the page that knows the query. */
  notAfterHeader: React.ReactNode;
}) {
  const router = useRouter();
  const ask = useReauth();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [panel, setPanel] = useState<Panel>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ verb: string; state: BulkState } | null>(null);
  const [revokeOld, setRevokeOld] = useState(false);
  const [reason, setReason] = useState("superseded");
  const [confirmed, setConfirmed] = useState(false);
  const [confirmError, setConfirmError] = useState(false);
  const allRef = useRef<HTMLInputElement>(null);
  const outcomeRef = useRef<HTMLDivElement>(null);
  const ids = useMemo(() => rows.map((r) => r.id), [rows]);
  const names = useMemo(() => new Map(rows.map((r) => [r.id, r.commonName || r.serialHex])), [rows]);
  const panelId = useId();

  // The page re-renders after an action (or a new search): keep only what is still listed.
  const chosen = ids.filter((id) => selected.has(id));
  const count = chosen.length;
  const all = count > 0 && count === ids.length;
  useEffect(() => {
    if (allRef.current) allRef.current.indeterminate = count > 0 && !all;
  }, [count, all]);
  useEffect(() => {
    if (outcome) outcomeRef.current?.focus();
  }, [outcome]);

  const toggle = (id: string, on: boolean) =>
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  async function perform(verb: string, call: () => Promise<BulkState>) {
    if (busy) return;
    setBusy(true);
    setOutcome(null);
    try {
      let state: BulkState;
      try {
        state = await call();
        while (state.reauth) {
          if (!(await ask(state.message))) return;
          state = await call();
        }
      } catch {
        state = { ok: false, message: "cadesk did not answer: check that the server is running, then try again." };
      }
      setOutcome({ verb, state });
      // What succeeded leaves the selection; failures stay selected, to retry or look at.
      const failed = new Set((state.results ?? []).filter((r) => !r.ok).map((r) => r.id));
      if (state.results) setSelected(failed);
      if (state.results?.some((r) => r.ok)) {
        setPanel(null);
        setConfirmed(false);
        router.refresh();
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="space-y-3">
      {rows.length > 0 && (
        <div role="toolbar" aria-label="Selected certificates" className="card flex flex-wrap items-center gap-2 p-3 text-sm">
          {/* Outside the table, so the Common Name column's header stays just that for screen readers. */}
          <label className="mr-2 inline-flex items-center gap-2">
            <input ref={allRef} type="checkbox" checked={all} onChange={(e) => setSelected(e.target.checked ? new Set(ids) : new Set())} />
            Select all on this page
          </label>
          <span className="mr-1 font-medium" aria-live="polite">
            {count === 0 ? "or tick certificates to act on several at once" : `${count} selected`}
          </span>
          {mayChange && (
            <>
              <button
                type="button"
                className="btn btn-sm"
                disabled={count === 0}
                aria-expanded={panel === "renew"}
                aria-controls={panelId}
                onClick={() => setPanel(panel === "renew" ? null : "renew")}
              >
                Renew…
              </button>
              <button
                type="button"
                className="btn btn-sm btn-danger"
                disabled={count === 0}
                aria-expanded={panel === "revoke"}
                aria-controls={panelId}
                onClick={() => setPanel(panel === "revoke" ? null : "revoke")}
              >
                Revoke…
              </button>
            </>
          )}
          <button
            type="button"
            className="btn btn-sm"
            disabled={count === 0}
            aria-expanded={panel === "export"}
            aria-controls={panelId}
            onClick={() => setPanel(panel === "export" ? null : "export")}
          >
            Export…
          </button>
          {count > 0 && (
            <button type="button" className="btn btn-sm" onClick={() => setSelected(new Set())}>
              Clear selection
            </button>
          )}
        </div>
      )}

      {panel && count > 0 && (
        <div id={panelId} className="card space-y-3 p-4 text-sm">
          {panel === "renew" && (
            <form
              className="space-y-3"
              onSubmit={(e) => {
                e.preventDefault();
                void perform("Renewed", () => bulkRenewAction(chosen, revokeOld));
              }}
            >
              <p>
                Renews the {count} selected certificate{count === 1 ? "" : "s"} as the Renew button of each page does: same names, profile
                and lifetime, new serial and validity, a new key when cadesk made the old one.
              </p>
              <label className="flex items-center gap-2">
                <input type="checkbox" checked={revokeOld} onChange={(e) => setRevokeOld(e.target.checked)} />
                Revoke the old ones as superseded once renewed (asks for your password if it is old)
              </label>
              <SubmitButton pending={busy} pendingText="Renewing…">
                Renew {count} certificate{count === 1 ? "" : "s"}
              </SubmitButton>
            </form>
          )}
          {panel === "revoke" && (
            <form
              className="space-y-3"
              onSubmit={(e) => {
                e.preventDefault();
                if (!confirmed) {
                  setConfirmError(true);
                  return;
                }
                void perform("Revoked", () => bulkRevokeAction(chosen, reason));
              }}
            >
              <p>
                Revokes the {count} selected certificate{count === 1 ? "" : "s"}; each CA&apos;s CRL is signed anew. Clients that check
                revocation refuse them from then on.
              </p>
              <div className="max-w-xs">
                <label className="label" htmlFor={`${panelId}-reason`}>
                  Reason
                </label>
                <select id={`${panelId}-reason`} className="input" value={reason} onChange={(e) => setReason(e.target.value)}>
                  {REVOCATION_REASON_OPTIONS.map((o) => (
                    <option key={o.value} value={o.value}>
                      {o.label}
                    </option>
                  ))}
                </select>
              </div>
              <div>
                <label className="flex items-center gap-2">
                  <input
                    type="checkbox"
                    checked={confirmed}
                    aria-invalid={confirmError || undefined}
                    aria-describedby={confirmError ? `${panelId}-confirm-error` : undefined}
                    onChange={(e) => {
                      setConfirmed(e.target.checked);
                      setConfirmError(false);
                    }}
                  />
                  I understand: revocation cannot be undone (except a hold)
                </label>
                {confirmError && (
                  <p id={`${panelId}-confirm-error`} role="alert" className="field-error">
                    Tick the box to confirm: revocation cannot be undone (except a hold).
                  </p>
                )}
              </div>
              <SubmitButton variant="danger" pending={busy} pendingText="Revoking…">
                Revoke {count} certificate{count === 1 ? "" : "s"}
              </SubmitButton>
            </form>
          )}
          {panel === "export" && (
            <DownloadForm
              action="/download/selection"
              className="flex flex-wrap items-end gap-3"
              fallbackName="cadesk-certificates.pem"
              submitLabel={`Export ${count} certificate${count === 1 ? "" : "s"}`}
              footer={<p className="hint basis-full">Certificates only, never private keys: download keys one by one from each page.</p>}
            >
              {chosen.map((id) => (
                <input key={id} type="hidden" name="id" value={id} />
              ))}
              <div>
                <label className="label" htmlFor={`${panelId}-format`}>
                  Format
                </label>
                <select id={`${panelId}-format`} name="format" className="input" defaultValue="pem">
                  <option value="pem">PEM bundle (one file)</option>
                  <option value="zip">ZIP (each certificate and its fullchain)</option>
                </select>
              </div>
            </DownloadForm>
          )}
        </div>
      )}

      {outcome && (
        <div ref={outcomeRef} tabIndex={-1} role="status" className="card space-y-2 p-4 text-sm" data-testid="bulk-outcome">
          {outcome.state.results ? (
            <>
              <p className="font-medium">
                {outcome.verb} {outcome.state.results.filter((r) => r.ok).length} of {outcome.state.results.length}.
                {outcome.state.results.some((r) => !r.ok) && " The others are still selected:"}
              </p>
              <ul className="space-y-1">
                {outcome.state.results.map((r) => (
                  <li key={r.id} className={r.ok ? "" : "text-red-700 dark:text-red-400"}>
                    {r.ok ? "✓" : "✗"} <Link href={`/certificates/${r.newId ?? r.id}`}>{r.name || names.get(r.id)}</Link>:{" "}
                    {r.ok ? (r.newId ? "renewed, the new certificate is linked" : r.message) : r.message}
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <p role="alert" className="text-red-700 dark:text-red-400">
              {outcome.state.message}
            </p>
          )}
        </div>
      )}

      {rows.length === 0 ? (
        <p className="card p-5 text-sm text-slate-500">{empty}</p>
      ) : (
        <div className="card table-wrap mx-0 p-0">
          <table className="table table-stack">
            <thead>
              <tr>
                <th>Common Name</th>
                <th className="col-lg">SANs</th>
                <th className="col-md">Issuer</th>
                <th className="col-xl">Profile</th>
                <th className="col-2xl">Serial</th>
                <th>{notAfterHeader}</th>
                <th>Status</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <tr key={c.id} className={selected.has(c.id) ? "bg-sky-50/60 dark:bg-sky-950/40" : ""}>
                  <td className="wrap-anywhere font-medium">
                    <span className="flex items-start gap-2">
                      <input
                        type="checkbox"
                        className="mt-1 shrink-0"
                        aria-labelledby={`cn-${c.id}`}
                        checked={selected.has(c.id)}
                        onChange={(e) => toggle(c.id, e.target.checked)}
                      />
                      <Link href={`/certificates/${c.id}`} id={`cn-${c.id}`} data-testid="cn">
                        {c.commonName || "(none)"}
                      </Link>
                    </span>
                  </td>
                  <td className="col-lg font-mono text-xs" title={c.sans}>
                    <span className="block max-w-56 truncate">{c.sans}</span>
                  </td>
                  <td className="col-md wrap-anywhere">{c.issuerName}</td>
                  <td className="col-xl whitespace-nowrap">
                    {c.profileLabel}
                    {c.acmeEndpoint && (
                      <span
                        className="ml-1.5 rounded bg-sky-50 px-1 text-xs text-sky-800 dark:bg-sky-950 dark:text-sky-300"
                        title={`Issued over ACME by the endpoint ${c.acmeEndpoint}`}
                      >
                        ACME
                      </span>
                    )}
                  </td>
                  <td className="col-2xl font-mono text-xs" title={c.serialHex}>
                    {c.serialHex.slice(0, 12)}…
                  </td>
                  <td className="whitespace-nowrap" data-label="Not after">
                    {c.notAfter} <span className="text-slate-500 dark:text-slate-400">{c.relative}</span>
                  </td>
                  <td data-label="Status">
                    <StatusBadge status={c.status} />
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
