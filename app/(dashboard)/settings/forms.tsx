"use client";

import { ROLE_LABELS, ROLES } from "@/lib/auth/roles";
import type { FormState } from "@/lib/form-state";
import { CopyButton } from "../../ui/copy-button";
import { FormAlert, FormDone, SelectField, SubmitButton, TextField, useRemountKey } from "../../ui/form";
import { useReauthActionState } from "../../ui/reauth";
import {
  changePasswordAction,
  changeRoleAction,
  createTokenAction,
  createUserAction,
  deleteUserAction,
  resetPasswordAction,
  type TokenFormState,
} from "./actions";

const ROLE_OPTIONS = ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }));

export function CreateUserForm() {
  const [state, action] = useReauthActionState<FormState>(createUserAction, { ok: true });
  const key = useRemountKey(state);
  return (
    <form key={key} action={action} className="card space-y-4">
      <h2>Add a user</h2>
      <FormAlert state={state} fields={["email", "role", "password"]} />
      <FormDone state={state} />
      <div className="grid gap-4 sm:grid-cols-3">
        <TextField name="email" label="E-mail" type="email" required state={state} autoComplete="off" />
        <SelectField name="role" label="Role" state={state} options={ROLE_OPTIONS} defaultValue="operator" />
        <TextField
          name="password"
          label="Initial password"
          type="password"
          required
          minLength={12}
          autoComplete="new-password"
          state={state}
          hint="At least 12 characters."
        />
      </div>
      <div className="flex justify-end">
        <SubmitButton pendingText="Adding…">Add user</SubmitButton>
      </div>
    </form>
  );
}

export function UserRowActions({ id, email, role, self }: { id: string; email: string; role: string; self: boolean }) {
  const [roleState, roleAction] = useReauthActionState<FormState>(changeRoleAction.bind(null, id), { ok: true });
  const [deleteState, deleteAction] = useReauthActionState<FormState>(deleteUserAction.bind(null, id), { ok: true });
  const [resetState, resetAction] = useReauthActionState<FormState>(resetPasswordAction.bind(null, id), { ok: true });
  return (
    <div className="space-y-1">
      <div className="flex flex-wrap items-center gap-2">
        <form action={roleAction} className="flex items-center gap-2">
          <select name="role" defaultValue={role} aria-label={`Role of ${email}`} className="input py-1 text-sm">
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
          <SubmitButton variant="default" size="sm" className="whitespace-nowrap" pendingText="Changing…">
            Change role
          </SubmitButton>
        </form>
        {!self && (
          <form action={deleteAction}>
            <SubmitButton variant="danger" size="sm" aria-label={`Remove ${email}`} pendingText="Removing…">
              Remove
            </SubmitButton>
          </form>
        )}
      </div>
      {!self && (
        <details className="text-sm">
          <summary className="cursor-pointer text-slate-600 dark:text-slate-400">Reset password</summary>
          <form action={resetAction} className="mt-2 flex items-center gap-2">
            <input
              name="password"
              type="password"
              required
              minLength={12}
              autoComplete="new-password"
              aria-label={`New password for ${email}`}
              className="input py-1 text-sm"
            />
            <SubmitButton variant="default" size="sm" pendingText="Setting…">
              Set
            </SubmitButton>
          </form>
        </details>
      )}
      <FormAlert state={roleState} fields={[]} />
      <FormAlert state={deleteState} fields={[]} />
      <FormAlert state={resetState} fields={[]} />
      <FormDone state={roleState} />
      <FormDone state={resetState} />
    </div>
  );
}

export function CreateTokenForm() {
  const [state, action] = useReauthActionState<TokenFormState>(createTokenAction, { ok: true });
  const key = useRemountKey(state);
  return (
    <form key={key} action={action} className="card space-y-4">
      <h2>Create a token</h2>
      <FormAlert state={state} fields={["name", "role", "expiresInDays"]} />
      {state.ok && state.token && (
        <div className="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-3 dark:border-amber-800 dark:bg-amber-950" role="status">
          <p className="text-sm font-medium">{state.message} Copy it now: it is shown only this once and stored only as a hash.</p>
          <div className="flex items-center gap-2">
            <code className="pem flex-1 break-all" aria-label="New API token">
              {state.token}
            </code>
            <CopyButton text={state.token} />
          </div>
          <p className="hint">
            Use it as <code>Authorization: Bearer {state.token.slice(0, 10)}…</code>
          </p>
        </div>
      )}
      <div className="grid gap-4 sm:grid-cols-3">
        <TextField
          name="name"
          label="Name"
          required
          maxLength={80}
          state={state}
          placeholder="ci-deploy"
          hint="What uses it, so you know what breaks when you revoke it."
        />
        <SelectField name="role" label="Role" state={state} options={ROLE_OPTIONS} defaultValue="operator" />
        <TextField
          name="expiresInDays"
          label="Expires after (days)"
          type="number"
          min={1}
          max={3650}
          state={state}
          placeholder="never"
          hint="Empty: no expiry."
        />
      </div>
      <div className="flex justify-end">
        <SubmitButton pendingText="Creating…">Create token</SubmitButton>
      </div>
    </form>
  );
}

export function ChangePasswordForm() {
  const [state, action] = useReauthActionState<FormState>(changePasswordAction, { ok: true });
  const key = useRemountKey(state);
  return (
    <form key={key} action={action} className="card space-y-4">
      <h2>Change your password</h2>
      <FormAlert state={state} fields={["currentPassword", "newPassword"]} />
      <FormDone state={state} />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField name="currentPassword" label="Current password" type="password" required autoComplete="current-password" state={state} />
        <TextField
          name="newPassword"
          label="New password"
          type="password"
          required
          minLength={12}
          autoComplete="new-password"
          state={state}
          hint="At least 12 characters. Other sessions are signed out."
        />
      </div>
      <div className="flex justify-end">
        <SubmitButton pendingText="Saving…">Change password</SubmitButton>
      </div>
    </form>
  );
}
