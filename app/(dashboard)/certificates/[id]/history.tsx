import Link from "next/link";
import type { CertificateHistory, TimelineEvent, TimelineKind } from "@/lib/data/certificate-history";
import { CopyButton } from "../../../ui/copy-button";
import { formatDate } from "../../../ui/status-badge";

const DOT: Record<TimelineKind, string> = {
  issued: "bg-emerald-600",
  renewed: "bg-sky-600",
  revoked: "bg-red-600",
  "hold-lifted": "bg-emerald-600",
  "key-export": "bg-slate-500",
  "renew-from": "bg-amber-500",
  expires: "bg-slate-400",
  "replace-pending": "bg-amber-600",
};

/**
 * The certificate's life on one line (valid from, renewal window, now, expiry) and its history
 * as dated events. The window is RFC 9773's, computed by the same function the ACME renewalInfo
 * endpoint answers with, so the page and the clients agree.
 */
export function History({ history }: { history: CertificateHistory }) {
  return (
    <section className="card space-y-4" aria-labelledby="history-heading">
      <h2 id="history-heading">History and renewal</h2>
      <RenewalWindowText history={history} />
      <LifetimeBar history={history} />
      <ol className="space-y-2 text-sm" aria-label="History">
        {history.events.map((e, i) => (
          <EventItem key={`${e.kind}-${i}`} event={e} />
        ))}
      </ol>
    </section>
  );
}

function RenewalWindowText({ history }: { history: CertificateHistory }) {
  const { window, now, ariCertId } = history;
  let text: React.ReactNode;
  if (window.renewNow) {
    text = (
      <>
        <strong className="text-red-700 dark:text-red-400">Renew now:</strong> {window.renewNow === "CA revoked" ? "its issuing CA" : "it"}{" "}
        is revoked, so ACME clients asking for renewal information are told to renew immediately.
      </>
    );
  } else if (window.end <= now) {
    text = (
      <>
        Expired. Its renewal window was {formatDate(window.start)} to {formatDate(window.end)}.
      </>
    );
  } else if (window.start <= now) {
    text = (
      <>
        <strong>In its renewal window</strong> since {formatDate(window.start)}: renew before {formatDate(window.end)}.
      </>
    );
  } else {
    text = (
      <>
        Renew between <strong>{formatDate(window.start)}</strong> and <strong>{formatDate(window.end)}</strong>, the last third of its
        lifetime.
      </>
    );
  }
  return (
    <div className="space-y-1 text-sm" aria-label="Renewal window">
      <p>{text}</p>
      <p className="flex flex-wrap items-center gap-2 text-slate-600 dark:text-slate-400">
        <span>
          ACME renewal information (RFC 9773) certID <code className="break-all text-xs">{ariCertId}</code>
        </span>
        <CopyButton text={ariCertId} label="Copy certID" />
      </p>
    </div>
  );
}

/** Valid-from to expiry as a bar, the renewal window shaded, today and events as ticks. Decorative: the list below says it all. */
function LifetimeBar({ history }: { history: CertificateHistory }) {
  const from = history.notBefore.getTime();
  const span = Math.max(1, history.notAfter.getTime() - from);
  const at = (d: Date) => `${Math.min(100, Math.max(0, ((d.getTime() - from) / span) * 100))}%`;
  const { window } = history;
  return (
    <div aria-hidden="true" className="pt-1">
      <div className="relative h-3 rounded-full bg-emerald-100 dark:bg-emerald-950">
        {!window.renewNow && (
          <div
            className="absolute inset-y-0 rounded-r-full bg-amber-300 dark:bg-amber-700"
            style={{ left: at(window.start), right: 0 }}
            title="Renewal window"
          />
        )}
        {history.events
          .filter((e) => e.kind === "renewed" || e.kind === "revoked")
          .map((e, i) => (
            <span key={i} className={`absolute -top-1 h-5 w-1 rounded ${DOT[e.kind]}`} style={{ left: at(e.at) }} />
          ))}
        {history.now < history.notAfter && (
          <span className="absolute -top-1.5 h-6 w-0.5 bg-slate-900 dark:bg-white" style={{ left: at(history.now) }} />
        )}
      </div>
      <div className="mt-1 flex justify-between text-xs text-slate-500">
        <span>{formatDate(history.notBefore).slice(0, 10)}</span>
        <span>{formatDate(history.notAfter).slice(0, 10)}</span>
      </div>
      <p className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-500">
        <span className="flex items-center gap-1">
          <span className="inline-block h-3 w-0.5 bg-slate-900 dark:bg-white" /> today
        </span>
        {!window.renewNow && (
          <span className="flex items-center gap-1">
            <span className="inline-block h-2.5 w-4 rounded-sm bg-amber-300 dark:bg-amber-700" /> renewal window
          </span>
        )}
        <span className="flex items-center gap-1">
          <span className="inline-block h-3 w-1 rounded bg-sky-600" /> renewed
        </span>
        <span className="flex items-center gap-1">
          <span className="inline-block h-3 w-1 rounded bg-red-600" /> revoked
        </span>
      </p>
    </div>
  );
}

function EventItem({ event }: { event: TimelineEvent }) {
  return (
    <li className="flex gap-3">
      <span className={`mt-1.5 h-2.5 w-2.5 shrink-0 rounded-full ${DOT[event.kind]} ${event.future ? "opacity-50" : ""}`} />
      <span className="wrap-anywhere">
        <time dateTime={event.at.toISOString()} className="text-slate-500">
          {formatDate(event.at)}
        </time>{" "}
        {event.future && <span className="text-slate-500">(ahead) </span>}
        {event.label}
        {event.link && (
          <>
            : <Link href={event.link.href}>{event.link.text}</Link>
          </>
        )}
      </span>
    </li>
  );
}
