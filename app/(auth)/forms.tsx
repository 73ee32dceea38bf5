"use client";

import { useActionState, useState } from "react";
import type { FormState } from "@/lib/form-state";
import { FormAlert, SubmitButton, TextField } from "../ui/form";
import { setupAction, signInAction } from "./actions";

export function SignInForm({
  next,
  provider,
  localLogin,
  problem,
  providerSignOut,
}: {
  next: string;
  /** After an identity-provider user signed out of cadesk: the provider's sign-out page. */
  providerSignOut: string | null;
  /** The identity provider to offer, when one is set up. */
  provider: { name: string } | null;
  /** False: passwords are off except the break-glass admin's. */
  localLogin: boolean;
  /** Why the last round trip through the provider was refused. */
  problem: string | null;
}) {
  const [state, action] = useActionState<FormState, FormData>(signInAction, { ok: true });
  const passwordForm = (
    <form action={action} className="space-y-4" {...(provider ? { "aria-label": "Sign in with a cadesk password" } : {})}>
      <FormAlert state={state} fields={["email", "password"]} />
      <input type="hidden" name="next" value={next} />
      <TextField name="email" label="E-mail" type="email" autoComplete="username" required autoFocus={!provider} state={state} />
      <TextField name="password" label="Password" type="password" autoComplete="current-password" required state={state} />
      <div className="flex justify-end">
        <SubmitButton pendingText="Signing in…" variant={provider ? "default" : "primary"}>
          Sign in{provider ? " with password" : ""}
        </SubmitButton>
      </div>
    </form>
  );
  return (
    <div className="card space-y-4">
      <h1>Sign in</h1>
      {problem && (
        <div
          role="alert"
          className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-300"
        >
          {problem}
        </div>
      )}
      {providerSignOut && provider && (
        <div role="status" className="rounded-md border border-sky-200 bg-sky-50 px-3 py-2 text-sm dark:border-sky-900 dark:bg-sky-950">
          You are signed out of cadesk, but still signed in at {provider.name}.{" "}
          <a href={providerSignOut} className="font-medium underline">
            Sign out of {provider.name} too
          </a>
        </div>
      )}
      {provider && (
        // A link, not a form: the provider is another site, and the CSP allows forms to post here only.
        <a href={`/auth/oidc/start?next=${encodeURIComponent(next)}`} className="btn btn-primary w-full justify-center" autoFocus>
          Sign in with {provider.name}
        </a>
      )}
      {localLogin ? (
        <>
          {provider && (
            <p className="flex items-center gap-3 text-xs text-slate-500 before:h-px before:flex-1 before:bg-slate-200 after:h-px after:flex-1 after:bg-slate-200 dark:before:bg-slate-700 dark:after:bg-slate-700">
              or with a cadesk password
            </p>
          )}
          {passwordForm}
        </>
      ) : (
        <details className="text-sm" open={!provider || undefined}>
          <summary className="cursor-pointer text-slate-600 dark:text-slate-400">Break-glass admin</summary>
          <p className="my-3 text-slate-600 dark:text-slate-400">
            Passwords are turned off{provider ? `: everyone signs in with ${provider.name}` : ""}. Only the break-glass admin named in the
            configuration can sign in with one, for when the identity provider is unavailable.
          </p>
          {passwordForm}
        </details>
      )}
    </div>
  );
}

export function SetupForm() {
  const [state, action] = useActionState<FormState, FormData>(setupAction, { ok: true });
  // The server never sends passwords back, and React resets a form after its action: held here,
  // they survive a wrong token or a typo in the e-mail.
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  return (
    <form action={action} className="card space-y-4">
      <h1>Set up cadesk</h1>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Create the first admin. The setup token is in the server&apos;s log (the line starting with <code>[cadesk] First run</code>) and in
        the data directory&apos;s <code>setup-token</code> file, so only whoever runs the server can claim this instance.
      </p>
      <FormAlert state={state} fields={["setupToken", "email", "password", "confirmPassword"]} />
      <TextField name="setupToken" label="Setup token" autoComplete="off" required autoFocus state={state} />
      <TextField name="email" label="Your e-mail" type="email" autoComplete="username" required state={state} />
      <TextField
        name="password"
        label="Password"
        type="password"
        autoComplete="new-password"
        required
        minLength={12}
        state={state}
        value={password}
        onChange={(e) => setPassword(e.currentTarget.value)}
        hint="At least 12 characters; a few random words work well."
      />
      <TextField
        name="confirmPassword"
        label="Password again"
        type="password"
        autoComplete="new-password"
        required
        state={state}
        value={confirm}
        onChange={(e) => setConfirm(e.currentTarget.value)}
      />
      <div className="flex justify-end">
        <SubmitButton pendingText="Creating…">Create admin and sign in</SubmitButton>
      </div>
    </form>
  );
}
