"use client";

import type { FormState } from "@/lib/form-state";
import { REVOCATION_REASON_OPTIONS } from "@/lib/pki/revocation-reasons";
import { FormAlert, SelectField, SubmitButton, useRemountKey } from "../../../ui/form";
import { useReauthActionState } from "../../../ui/reauth";
import { revokeAuthorityAction } from "../actions";

/** Revoking an intermediate, with what it takes down said first. */
export function RevokeAuthority({ id, authorities, certificates }: { id: string; authorities: number; certificates: number }) {
  const [state, action] = useReauthActionState<FormState>(revokeAuthorityAction.bind(null, id), { ok: true });
  const key = useRemountKey(state);
  return (
    <form key={key} action={action} className="card space-y-3" aria-label="Revoke this CA">
      <h2>Revoke this CA</h2>
      <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-200">
        Clients that check revocation will stop trusting this CA and everything beneath it: {certificates} valid certificate
        {certificates === 1 ? "" : "s"}
        {authorities > 0 ? ` and ${authorities} CA${authorities === 1 ? "" : "s"}` : ""}. It will not be able to issue again.
      </p>
      <FormAlert state={state} fields={["reason"]} />
      {state.ok && state.message && (
        <p role="status" className="text-sm text-emerald-700 dark:text-emerald-400">
          {state.message}
        </p>
      )}
      <div className="flex flex-wrap items-end gap-4">
        <div className="w-72">
          <SelectField
            name="reason"
            label="Reason"
            state={state}
            options={REVOCATION_REASON_OPTIONS.filter((o) => o.value !== "certificateHold")}
            defaultValue="cessationOfOperation"
          />
        </div>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="confirm" /> I understand what stops working
        </label>
        <SubmitButton pendingText="Revoking…" variant="danger">
          Revoke CA
        </SubmitButton>
      </div>
    </form>
  );
}
