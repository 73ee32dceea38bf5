"use client";

import { useEffect } from "react";

/**
 * The channel the re-auth dialog (app/ui/reauth.tsx) listens on. Not window.opener: the dashboard
 * sends Cross-Origin-Opener-Policy: same-origin, so the pop-up loses its opener once it has been
 * at the provider; a BroadcastChannel reaches the same-origin tab all the same.
 */
export const REAUTH_CHANNEL = "cadesk-reauth";

export function ConfirmedNotice({ next, problem }: { next: string; problem: string | null }) {
  useEffect(() => {
    const channel = new BroadcastChannel(REAUTH_CHANNEL);
    channel.postMessage({ ok: !problem, problem });
    channel.close();
    // Closes the pop-up where the browser lets a script do so; otherwise the text below says what to do.
    if (!problem) window.close();
  }, [problem]);
  return (
    <div className="card space-y-3">
      <h1>{problem ? "Not confirmed" : "Confirmed"}</h1>
      {problem ? (
        <p role="alert" className="text-sm text-red-800 dark:text-red-300">
          {problem}
        </p>
      ) : (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          You signed in again at your identity provider: close this window and continue in cadesk.
        </p>
      )}
      <a className="btn" href={next}>
        Back to cadesk
      </a>
    </div>
  );
}
