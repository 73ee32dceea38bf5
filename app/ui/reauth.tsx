"use client";

/**
 * Re-authentication in place, one mechanism for every sensitive action. The server refuses a
 * stale session with the machine-readable code REAUTH_REQUIRED (form state `reauth`, or a JSON
 * error for downloads); the client catches it here, asks for the password in a modal dialog on
 * the same page, confirms it with a server action, and repeats the original request with what was
 * typed (FormData kept, the download's request rebuilt). Nothing opens a new tab or navigates.
 */
import { createContext, useActionState, useCallback, useContext, useEffect, useId, useRef, useState } from "react";
import type { FormState } from "@/lib/form-state";
import { confirmPasswordAction } from "../(auth)/actions";
import { SubmitButton } from "./form";
import { Spinner } from "./spinner";

type Ask = (reason?: string) => Promise<boolean>;

const ReauthContext = createContext<Ask | null>(null);

/** Asks for the password again; resolves true once it is confirmed, false when the user cancels. */
export function useReauth(): Ask {
  const ask = useContext(ReauthContext);
  // Outside the dashboard (sign-in pages) nothing sensitive happens: there is nothing to confirm.
  return ask ?? (async () => false);
}

/** The machine-readable refusal the server sends when the password is too old. */
export const REAUTH_CODE = "REAUTH_REQUIRED";

const DEFAULT_REASON = "This action needs your password again: it was last entered too long ago.";

export function ReauthProvider({
  email,
  provider = null,
  children,
}: {
  email: string;
  /** Set for people who sign in through the identity provider: they confirm there, not with a password. */
  provider?: string | null;
  children: React.ReactNode;
}) {
  const [request, setRequest] = useState<{ reason: string; resolve: (ok: boolean) => void } | null>(null);
  const pending = useRef<Promise<boolean> | null>(null);

  const ask = useCallback<Ask>((reason) => {
    // Two refusals at once (a bulk action, a double click) share one dialog.
    if (pending.current) return pending.current;
    const promise = new Promise<boolean>((resolve) =>
      setRequest({
        reason: reason ?? DEFAULT_REASON,
        resolve: (ok) => {
          pending.current = null;
          setRequest(null);
          resolve(ok);
        },
      }),
    );
    pending.current = promise;
    return promise;
  }, []);

  return (
    <ReauthContext.Provider value={ask}>
      {children}
      {request && <ReauthDialog email={email} provider={provider} reason={request.reason} onDone={request.resolve} />}
    </ReauthContext.Provider>
  );
}

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select, textarea, [tabindex]:not([tabindex="-1"])';

function ReauthDialog({
  email,
  provider,
  reason,
  onDone,
}: {
  email: string;
  provider: string | null;
  reason: string;
  onDone: (ok: boolean) => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const reasonId = useId();
  const errorId = useId();
  // Plain state, not useActionState: the action that asked is itself still pending in a transition,
  // and React commits transition updates only once every pending action is done, which would wait
  // for this dialog forever. The confirmation resolves the caller's promise directly instead.
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const dialog = ref.current!;
    // Focus goes back where it was (the control that started the action) when the dialog closes.
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    // showModal makes the rest of the page inert; Escape fires "cancel".
    if (!dialog.open) dialog.showModal();
    (dialog.querySelector<HTMLElement>("input[type=password]") ?? dialog.querySelector<HTMLElement>("[data-autofocus]"))?.focus();
    return () => {
      if (dialog.open) dialog.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      role="dialog"
      aria-modal="true"
      aria-labelledby={titleId}
      aria-describedby={reasonId}
      className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-lg border border-slate-200 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-900/50 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
      onCancel={(e) => {
        e.preventDefault();
        onDone(false);
      }}
      onKeyDown={(e) => {
        // Keep Tab inside the dialog (showModal already makes the page behind it inert).
        if (e.key !== "Tab") return;
        const items = [...ref.current!.querySelectorAll<HTMLElement>(FOCUSABLE)];
        const first = items[0];
        const last = items[items.length - 1];
        if (!first || !last) return;
        if (e.shiftKey && document.activeElement === first) {
          e.preventDefault();
          last.focus();
        } else if (!e.shiftKey && document.activeElement === last) {
          e.preventDefault();
          first.focus();
        }
      }}
    >
      {provider ? (
        <ProviderConfirmation provider={provider} titleId={titleId} reasonId={reasonId} reason={reason} onDone={onDone} />
      ) : (
        <form
          className="space-y-4 p-5"
          onSubmit={async (e) => {
            e.preventDefault();
            if (busy) return;
            const form = e.currentTarget;
            setBusy(true);
            setError(null);
            let result: FormState;
            try {
              result = await confirmPasswordAction({ ok: false }, new FormData(form));
            } catch {
              result = { ok: false, message: "cadesk did not answer: check that the server is running, then try again." };
            }
            if (result.ok) return onDone(true);
            setBusy(false);
            setError(result.message ?? "The password could not be checked.");
            form.querySelector<HTMLInputElement>("input[type=password]")?.select();
          }}
        >
          <h2 id={titleId} className="text-lg">
            Confirm your password
          </h2>
          <p id={reasonId} className="text-sm text-slate-600 dark:text-slate-400">
            {reason} Once it is confirmed, what you asked for goes ahead here.
          </p>
          <input type="hidden" name="email" value={email} autoComplete="username" />
          <div>
            <label className="label" htmlFor={`${titleId}-password`}>
              Password for {email}
            </label>
            <input
              id={`${titleId}-password`}
              name="password"
              type="password"
              required
              autoComplete="current-password"
              className="input"
              aria-invalid={!!error}
              aria-describedby={error ? errorId : undefined}
            />
            {error && (
              <p id={errorId} role="alert" className="field-error">
                {error}
              </p>
            )}
          </div>
          <div className="flex justify-end gap-2">
            <button type="button" className="btn" onClick={() => onDone(false)}>
              Cancel
            </button>
            <SubmitButton pending={busy} pendingText="Checking…">
              Confirm and continue
            </SubmitButton>
          </div>
        </form>
      )}
    </dialog>
  );
}

/**
 * Re-authentication for someone without a cadesk password: a fresh login at the identity provider
 * (prompt=login, max_age=0) in a pop-up window, which tells this tab when it is done
 * (app/(auth)/auth/oidc/confirmed) over a BroadcastChannel; the page and what was typed stay as they are.
 */
function ProviderConfirmation({
  provider,
  titleId,
  reasonId,
  reason,
  onDone,
}: {
  provider: string;
  titleId: string;
  reasonId: string;
  reason: string;
  onDone: (ok: boolean) => void;
}) {
  const [waiting, setWaiting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    // Same-origin only by construction (a BroadcastChannel never crosses origins); see confirmed/notice.tsx.
    const channel = new BroadcastChannel("cadesk-reauth");
    const listen = (event: MessageEvent) => {
      const data = event.data as { ok: boolean; problem?: string | null };
      if (data.ok) onDone(true);
      else {
        setWaiting(false);
        setError(data.problem ?? "The identity provider did not confirm it was you.");
      }
    };
    channel.addEventListener("message", listen);
    return () => channel.close();
  }, [onDone]);
  const open = () => {
    setError(null);
    const popup = window.open(
      `/auth/oidc/start?purpose=reauth&next=${encodeURIComponent(window.location.pathname)}`,
      "cadesk-reauth",
      "popup,width=520,height=700",
    );
    if (!popup) setError("The browser blocked the pop-up window: allow pop-ups for cadesk, then try again.");
    else setWaiting(true);
  };
  return (
    <div className="space-y-4 p-5">
      <h2 id={titleId} className="text-lg">
        Confirm it is you
      </h2>
      <p id={reasonId} className="text-sm text-slate-600 dark:text-slate-400">
        {reason.replace("needs your password again", "needs you to sign in again")} You sign in with {provider}: it asks for your password
        again in a small window, then what you asked for goes ahead here.
      </p>
      {error && (
        <p role="alert" className="field-error">
          {error}
        </p>
      )}
      <div className="flex justify-end gap-2">
        <button type="button" className="btn" onClick={() => onDone(false)}>
          Cancel
        </button>
        {/* Pressing it again while waiting opens (or brings forward) the same window. */}
        <button type="button" className="btn btn-primary" data-autofocus onClick={open}>
          {waiting ? (
            <>
              <Spinner /> Waiting for {provider}…
            </>
          ) : (
            <>Confirm with {provider}</>
          )}
        </button>
      </div>
    </div>
  );
}

/** What the user typed, kept on the client only (secrets included), so a cancelled dialog loses nothing. */
function typedValues(form: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of form.entries()) if (typeof value === "string" && !key.startsWith("$")) values[key] = value;
  return values;
}

/**
 * `useActionState` for forms whose action may be sensitive: a REAUTH_REQUIRED answer opens the
 * password dialog and, once confirmed, the same action runs again with the same FormData. The
 * submit button stays busy throughout, so the action cannot be sent twice.
 */
export function useReauthActionState<S extends FormState>(
  action: (state: S, form: FormData) => Promise<S>,
  initial: S,
): [state: S, dispatch: (form: FormData) => void, pending: boolean] {
  const ask = useReauth();
  const guarded = useCallback(
    async (previous: S, form: FormData): Promise<S> => {
      let result = await action(previous, form);
      while (result.reauth) {
        if (!(await ask(result.message))) return { ...result, values: { ...result.values, ...typedValues(form) } };
        result = await action(previous, form);
      }
      return result;
    },
    [action, ask],
  );
  // S is a plain object, never a promise: Awaited<S> is S.
  return useActionState<S, FormData>(guarded as (state: Awaited<S>, form: FormData) => Promise<S>, initial as Awaited<S>);
}

/** The JSON error a download route sends when asked with `Accept: application/json`. */
interface ErrorBody {
  error?: { code?: string; message?: string };
}

/** The file name from Content-Disposition (the server restricts it to [A-Za-z0-9._-]). */
function filenameOf(response: Response, fallback: string): string {
  const match = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") ?? "");
  return match?.[1] ?? fallback;
}

function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // The click has handed the blob to the download manager; free it a moment later.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Fetches a download, asking for the password in place when the server wants it, and saves the
 * file. Returns the error message to show, or null once the download started (or was cancelled).
 */
export function useSensitiveDownload(): [run: (request: () => Request, fallbackName: string) => Promise<string | null>, busy: boolean] {
  const ask = useReauth();
  const [busy, setBusy] = useState(false);
  const run = useCallback(
    async (request: () => Request, fallbackName: string): Promise<string | null> => {
      setBusy(true);
      try {
        for (;;) {
          let response: Response;
          try {
            response = await fetch(request());
          } catch {
            return "cadesk did not answer: check that the server is running, then try again.";
          }
          if (response.ok) {
            saveBlob(await response.blob(), filenameOf(response, fallbackName));
            return null;
          }
          const body = (await response.json().catch(() => ({}))) as ErrorBody;
          if (body.error?.code === REAUTH_CODE) {
            if (await ask(body.error.message)) continue;
            return null;
          }
          return body.error?.message ?? `The download failed (HTTP ${response.status}).`;
        }
      } finally {
        setBusy(false);
      }
    },
    [ask],
  );
  return [run, busy];
}

/**
 * A download link that works with sensitive files: without script it is a plain link; with
 * script it fetches the file so a stale password opens the dialog instead of saving an error.
 */
export function DownloadLink({
  href,
  className = "btn btn-sm",
  children,
}: {
  href: string;
  className?: string;
  children: React.ReactNode;
}) {
  const [run, busy] = useSensitiveDownload();
  const [error, setError] = useState<string | null>(null);
  const errorId = useId();
  return (
    <span className="inline-flex max-w-full flex-col items-start gap-1">
      <a
        href={href}
        download
        className={`${className} max-w-full`}
        aria-busy={busy || undefined}
        aria-describedby={error ? errorId : undefined}
        onClick={async (e) => {
          e.preventDefault();
          if (busy) return;
          setError(null);
          setError(await run(() => new Request(href, { headers: { accept: "application/json" } }), "download"));
        }}
      >
        {busy && <Spinner />}
        {children}
      </a>
      {error && (
        <span id={errorId} role="alert" className="field-error">
          {error}
        </span>
      )}
    </span>
  );
}

/**
 * A form that posts to a download route (the PKCS#12 form) and saves the answer, re-asking for the
 * password in place; what was typed stays in the fields. Without script it posts normally.
 * `children` are the fields; the submit button comes after them.
 */
export function DownloadForm({
  action,
  className,
  fallbackName,
  submitLabel,
  pendingText = "Preparing…",
  footer,
  children,
}: {
  action: string;
  className?: string;
  fallbackName: string;
  submitLabel: React.ReactNode;
  pendingText?: string;
  /** Help shown under the button row. */
  footer?: React.ReactNode;
  children: React.ReactNode;
}) {
  const [run, busy] = useSensitiveDownload();
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      method="post"
      action={action}
      className={className}
      onSubmit={async (e) => {
        e.preventDefault();
        if (busy) return;
        const form = e.currentTarget;
        setError(null);
        setError(
          await run(
            () => new Request(action, { method: "POST", body: new FormData(form), headers: { accept: "application/json" } }),
            fallbackName,
          ),
        );
      }}
    >
      {children}
      <SubmitButton variant="default" pending={busy} pendingText={pendingText}>
        {submitLabel}
      </SubmitButton>
      {error && (
        <p role="alert" className="field-error basis-full">
          {error}
        </p>
      )}
      {footer}
    </form>
  );
}
