"use client";

import { useActionState, useState } from "react";
import type { FormState } from "@/lib/form-state";
import { FormAlert, SubmitButton, TextField } from "../ui/form";
import { setupAction, signInAction } from "./actions";

export function SignInForm({ next }: { next: string }) {
  const [state, action] = useActionState<FormState, FormData>(signInAction, { ok: true });
  return (
    <form action={action} className="card space-y-4">
      <h1>Sign in</h1>
      <FormAlert state={state} fields={["email", "password"]} />
      <input type="hidden" name="next" value={next} />
      <TextField name="email" label="E-mail" type="email" autoComplete="username" required autoFocus state={state} />
      <TextField name="password" label="Password" type="password" autoComplete="current-password" required state={state} />
      <div className="flex justify-end">
        <SubmitButton pendingText="Signing in…">Sign in</SubmitButton>
      </div>
    </form>
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
