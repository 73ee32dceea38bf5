"use client";

import { useEffect } from "react";

/** The message the re-auth dialog (app/ui/reauth.tsx) waits for from its pop-up. */
export const REAUTH_MESSAGE = "cadesk-reauth";

export function ConfirmedNotice({ next, problem }: { next: string; problem: string | null }) {
  useEffect(() => {
    // Same origin only: no other site learns of it, and the dialog checks the origin too.
    if (!window.opener) return;
    (window.opener as Window).postMessage({ type: REAUTH_MESSAGE, ok: !problem, problem }, window.location.origin);
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
          You signed in again at your identity provider. Go back to cadesk and continue.
        </p>
      )}
      <a className="btn" href={next}>
        Back to cadesk
      </a>
    </div>
  );
}
