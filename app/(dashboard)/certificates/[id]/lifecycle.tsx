"use client";

import type { FormState } from "@/lib/form-state";
import { REVOCATION_REASON_OPTIONS } from "@/lib/pki/revocation-reasons";
import { FormAlert, SelectField, SubmitButton, useRemountKey } from "../../../ui/form";
import { useReauthActionState } from "../../../ui/reauth";
import { OneTimeKey } from "../../../ui/one-time-key";
import type { IssueFormState } from "../actions";
import { liftHoldAction, renewAction, revokeAction } from "./actions";

export function Lifecycle({
  id,
  revoked,
  onHold,
  newKeyShownOnce,
}: {
  id: string;
  revoked: boolean;
  onHold: boolean;
  /** Renewing makes a key that goes to this person once (lib/issuance/key-delivery.ts): say so before. */
  newKeyShownOnce: boolean;
}) {
  const [renewState, renew] = useReauthActionState<IssueFormState>(renewAction.bind(null, id), { ok: true });
  const [revokeState, revoke] = useReauthActionState<FormState>(revokeAction.bind(null, id), { ok: true });
  const [holdState, lift] = useReauthActionState<FormState>(liftHoldAction.bind(null, id), { ok: true });
  const revokeKey = useRemountKey(revokeState);
  if (renewState.oneTimeKey) return <OneTimeKey {...renewState.oneTimeKey} />;
  return (
    <section className="card space-y-5" aria-label="Renew or revoke">
      <h2>Renew or revoke</h2>
      <form action={renew} className="flex flex-wrap items-center gap-4">
        <FormAlert state={renewState} fields={[]} />
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="revokeOld" /> Revoke this certificate as superseded once renewed
        </label>
        <SubmitButton pendingText="Renewing…">Renew</SubmitButton>
        <p className="hint basis-full">
          Same subject, names, profile and lifetime; a new serial and validity, and a new key unless it came from a CSR.
          {newKeyShownOnce && " You will be able to download the new key once, right after renewing."}
        </p>
      </form>
      {onHold ? (
        <form action={lift} className="border-t border-slate-100 pt-4 dark:border-slate-800">
          <FormAlert state={holdState} fields={[]} />
          {holdState.ok && holdState.message && (
            <p role="status" className="mb-2 text-sm text-emerald-700">
              {holdState.message}
            </p>
          )}
          <SubmitButton pendingText="Lifting…">Lift the hold</SubmitButton>
        </form>
      ) : (
        !revoked && (
          <form
            key={revokeKey}
            action={revoke}
            className="flex flex-wrap items-end gap-4 border-t border-slate-100 pt-4 dark:border-slate-800"
          >
            <FormAlert state={revokeState} fields={["reason"]} />
            <div className="w-full max-w-72">
              <SelectField
                name="reason"
                label="Reason"
                state={revokeState}
                options={REVOCATION_REASON_OPTIONS}
                defaultValue="unspecified"
              />
            </div>
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" name="confirm" /> Clients that check revocation will refuse it
            </label>
            <SubmitButton pendingText="Revoking…" variant="danger">
              Revoke
            </SubmitButton>
          </form>
        )
      )}
      {revokeState.ok && revokeState.message && (
        <p role="status" className="text-sm text-emerald-700 dark:text-emerald-400">
          {revokeState.message}
        </p>
      )}
    </section>
  );
}
