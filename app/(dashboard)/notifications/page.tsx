import { requireUser } from "@/lib/auth/request";
import type { Metadata } from "next";
import { notificationsPageData } from "@/lib/data/notifications";
import { formatDate } from "../../ui/status-badge";
import { deleteRuleAction } from "./actions";
import { ChannelActions, ChannelForm, ResendDelivery, RuleForm } from "./forms";
import { SubmitButton } from "../../ui/form";

export const metadata: Metadata = { title: "Notifications" };

const DELIVERY_STYLES: Record<string, string> = {
  delivered: "bg-emerald-50 text-emerald-800 ring-emerald-600/20 dark:bg-emerald-950 dark:text-emerald-300",
  pending: "bg-amber-50 text-amber-800 ring-amber-600/30 dark:bg-amber-950 dark:text-amber-300",
  failed: "bg-red-50 text-red-800 ring-red-600/20 dark:bg-red-950 dark:text-red-300",
  sending: "bg-sky-50 text-sky-800 ring-sky-600/20 dark:bg-sky-950 dark:text-sky-300",
  uncertain: "bg-orange-50 text-orange-900 ring-orange-600/40 dark:bg-orange-950 dark:text-orange-200",
};

export default async function NotificationsPage({ searchParams }: { searchParams: Promise<{ edit?: string; saved?: string }> }) {
  const [, data, { edit, saved }] = await Promise.all([requireUser("settings"), notificationsPageData(), searchParams]);
  const editing = edit ? data.channels.find((c) => c.id === edit) : undefined;
  const authorities = data.authorities.map((a) => ({ value: a.id, label: a.commonName }));
  const uncertain = data.uncertainCount;
  return (
    <div className="space-y-6">
      <div>
        <h1>Notifications</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          cadesk checks every minute for certificates and CAs nearing expiry and tells a webhook or a mailbox, once per threshold. Failed
          deliveries are retried (after 1, 5, 15, 60 and 240 minutes) and every attempt is logged below. A notice never arrives twice: one
          that may already have arrived is marked uncertain and waits for you instead of being repeated.
        </p>
      </div>

      {saved && (
        <p
          role="status"
          className="rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-900 dark:border-emerald-900 dark:bg-emerald-950 dark:text-emerald-200"
        >
          Channel &quot;{saved}&quot; saved. Send a test notification to check it.
        </p>
      )}
      <section className="card space-y-4" aria-labelledby="channels-heading">
        <h2 id="channels-heading">Channels</h2>
        {data.channels.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">No channels yet: add a webhook or an SMTP mailbox below.</p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>Name</th>
                <th className="col-md">Type</th>
                <th className="col-lg">Delivers to</th>
                <th>Rules</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.channels.map((c) => (
                <tr key={c.id}>
                  <td className="wrap-anywhere font-medium">{c.name}</td>
                  <td className="col-md">{c.kind === "webhook" ? (c.signed ? "Webhook, signed" : "Webhook") : "E-mail"}</td>
                  <td className="col-lg max-w-xs break-all font-mono text-xs">{c.target}</td>
                  <td className="text-sm">
                    {c.rules.length === 0 ? (
                      <span className="text-slate-500">none: add one below</span>
                    ) : (
                      c.rules.map((r) => (
                        <div key={r.id}>
                          {r.scope}: {r.daysBefore.join(", ")} days
                        </div>
                      ))
                    )}
                  </td>
                  <td>
                    <ChannelActions channelId={c.id} channelName={c.name} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      {edit && !editing && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          There is no channel with id &quot;{edit.slice(0, 100)}&quot; to edit: it may have been deleted.
        </p>
      )}
      <ChannelForm key={editing?.id ?? "new"} authorities={authorities} editing={editing} />

      {data.channels.length > 0 && (
        <section className="card space-y-4" aria-labelledby="rules-heading">
          <h2 id="rules-heading">Rules</h2>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            A rule sends one notice per certificate (or CA) at each threshold it reaches. Certificates already renewed are skipped, and
            thresholds as long as a certificate&apos;s whole life are ignored, so short-lived automated certificates stay quiet.
          </p>
          {data.channels.some((c) => c.rules.length > 0) && (
            <table className="table">
              <thead>
                <tr>
                  <th>Channel</th>
                  <th>For</th>
                  <th>Days before expiry</th>
                  <th>
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.channels.flatMap((c) =>
                  c.rules.map((r) => (
                    <tr key={r.id}>
                      <td>{c.name}</td>
                      <td>{r.scope}</td>
                      <td>{r.daysBefore.join(", ")}</td>
                      <td>
                        <form action={deleteRuleAction}>
                          <input type="hidden" name="id" value={r.id} />
                          <SubmitButton
                            variant="default"
                            size="sm"
                            aria-label={`Delete rule ${r.scope} for ${c.name}`}
                            pendingText="Deleting…"
                          >
                            Delete
                          </SubmitButton>
                        </form>
                      </td>
                    </tr>
                  )),
                )}
              </tbody>
            </table>
          )}
          <RuleForm channels={data.channels.map((c) => ({ value: c.id, label: c.name }))} authorities={authorities} />
        </section>
      )}

      <section className="card space-y-4" aria-labelledby="deliveries-heading">
        <h2 id="deliveries-heading">Deliveries</h2>
        {uncertain > 0 && (
          <div
            role="alert"
            className="rounded-md border border-orange-300 bg-orange-50 px-3 py-2 text-sm text-orange-950 dark:border-orange-900 dark:bg-orange-950 dark:text-orange-100"
          >
            <p className="font-medium">
              {uncertain === 1 ? "1 notice" : `${uncertain} notices`} may not have arrived: {uncertain === 1 ? "it was" : "they were"} sent,
              but no answer was recorded (the instance sending {uncertain === 1 ? "it" : "them"} stopped, or the connection broke).
            </p>
            <p className="mt-1">
              cadesk does not send {uncertain === 1 ? "it" : "them"} again by itself, so nothing arrives twice. Check the mailbox or
              receiver; use <strong>Send again</strong> on those that did not arrive (the copy carries the same Message-ID /
              X-Cadesk-Delivery).
            </p>
          </div>
        )}
        {data.deliveries.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">Nothing sent yet.</p>
        ) : (
          <table className="table table-stack">
            <thead>
              <tr>
                <th>Queued</th>
                <th>Channel</th>
                <th className="col-md">Message</th>
                <th>Status</th>
                <th className="col-lg">Attempts</th>
                <th>Last result</th>
              </tr>
            </thead>
            <tbody>
              {data.deliveries.map((d) => (
                <tr key={d.id}>
                  <td data-label="Queued" className="whitespace-nowrap text-xs">
                    {formatDate(d.createdAt)}
                  </td>
                  <td data-label="Channel">{d.channel}</td>
                  <td data-label="Message" className="col-md text-sm">
                    {d.subject.replace("[cadesk] ", "")}
                  </td>
                  <td data-label="Status">
                    <span
                      className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${DELIVERY_STYLES[d.status] ?? ""}`}
                    >
                      {d.status}
                    </span>
                  </td>
                  <td data-label="Attempts" className="col-lg">
                    {d.attempts}
                  </td>
                  <td data-label="Last result" className="max-w-xs text-xs wrap-anywhere">
                    {d.status === "sending" ? (
                      <span className="text-slate-600 dark:text-slate-400">being sent by {d.sendingBy ?? "an instance"}</span>
                    ) : (
                      d.lastResult
                    )}
                    {d.status === "pending" && d.nextAttemptAt && (
                      <div className="text-slate-500">next try {formatDate(d.nextAttemptAt)}</div>
                    )}
                    {(d.status === "uncertain" || d.status === "failed") && <ResendDelivery deliveryId={d.id} subject={d.subject} />}
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
