"use client";

import { ENDPOINT_FIELDS } from "@/lib/acme/endpoint-fields";
import type { FormState } from "@/lib/form-state";
import { CopyButton } from "../../ui/copy-button";
import { FieldError, FormAlert, SelectField, SubmitButton, TextAreaField, TextField, useRemountKey } from "../../ui/form";
import { PemBlock } from "../../ui/pem-block";
import { useReauthActionState } from "../../ui/reauth";
import { createEabKeyAction, createEndpointAction, deleteEndpointAction, updateEndpointAction, type EabFormState } from "./actions";

type Option = { value: string; label: string };

export interface EndpointValues {
  name: string;
  caId: string;
  profiles: string[];
  defaultProfile: string;
  validityDays: number;
  maxValidityDays: number;
  challenges: string[];
  requireEab: boolean;
  allowedIdentifiers: string[];
  termsOfServiceUrl: string;
}

const FIELDS: string[] = [...ENDPOINT_FIELDS];

const CHALLENGE_HINTS: Record<string, string> = {
  "http-01": "cadesk fetches http://NAME/.well-known/acme-challenge/… on port 80",
  "dns-01": "a TXT record at _acme-challenge.NAME; the only way to a wildcard",
  "tls-alpn-01": "a TLS handshake on port 443 with the acme-tls/1 protocol",
};

/** Create or edit an endpoint; the same schema checks the form and the API. */
export function EndpointForm({
  mode,
  endpointId,
  authorities,
  profiles,
  challengeTypes,
  initial,
}: {
  mode: "create" | "edit";
  endpointId?: string;
  authorities: Option[];
  profiles: { name: string; description: string }[];
  challengeTypes: readonly string[];
  initial: EndpointValues;
}) {
  const action = mode === "create" ? createEndpointAction : updateEndpointAction.bind(null, endpointId!);
  const [state, formAction] = useReauthActionState<FormState>(action, { ok: true });
  const key = useRemountKey(state);
  const v = state.values?.$submitted ? state.values : undefined;
  const checked = (group: "profiles" | "challenges", value: string) =>
    v ? (v[group] ?? "").split(",").includes(value) : initial[group].includes(value);
  return (
    <form
      key={key}
      action={formAction}
      className="card space-y-5"
      aria-label={mode === "create" ? "New ACME endpoint" : "Endpoint settings"}
    >
      <FormAlert state={state} fields={FIELDS} />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          name="name"
          label="Name"
          required
          maxLength={63}
          state={state}
          defaultValue={initial.name}
          disabled={mode === "edit"}
          placeholder="internal"
          hint={
            mode === "create" ? (
              <>
                Part of the URL: <code className="break-all">/acme/NAME/directory</code>. Lowercase letters, digits and hyphens.
              </>
            ) : (
              "The directory URL clients hold: it cannot change."
            )
          }
        />
        <SelectField
          name="caId"
          label="Issuing CA"
          state={state}
          options={authorities}
          defaultValue={initial.caId}
          hint="Usually an intermediate; several endpoints may share it."
        />
      </div>

      <fieldset className="space-y-2">
        <legend className="label">Profiles offered</legend>
        {profiles.map((p) => (
          <label key={p.name} className="flex items-start gap-2 text-sm">
            <input type="checkbox" name="profiles" value={p.name} defaultChecked={checked("profiles", p.name)} className="mt-1" />
            <span>
              <code>{p.name}</code> <span className="text-slate-600 dark:text-slate-400">{p.description}</span>
            </span>
          </label>
        ))}
        <FieldError state={state} name="profiles" />
      </fieldset>

      <div className="grid gap-4 sm:grid-cols-3">
        <SelectField
          name="defaultProfile"
          label="Default profile"
          state={state}
          options={profiles.map((p) => ({ value: p.name, label: p.name }))}
          defaultValue={initial.defaultProfile}
          hint="For orders that name no profile."
        />
        <TextField
          name="validityDays"
          label="Default lifetime (days)"
          type="number"
          min={1}
          required
          state={state}
          defaultValue={String(initial.validityDays)}
        />
        <TextField
          name="maxValidityDays"
          label="Longest lifetime (days)"
          type="number"
          min={1}
          required
          state={state}
          defaultValue={String(initial.maxValidityDays)}
          hint="The most an order's notAfter may ask for."
        />
      </div>

      <fieldset className="space-y-2">
        <legend className="label">Challenge types accepted</legend>
        {challengeTypes.map((c) => (
          <label key={c} className="flex items-start gap-2 text-sm">
            <input type="checkbox" name="challenges" value={c} defaultChecked={checked("challenges", c)} className="mt-1" />
            <span>
              <code>{c}</code> <span className="text-slate-600 dark:text-slate-400">{CHALLENGE_HINTS[c]}</span>
            </span>
          </label>
        ))}
        <FieldError state={state} name="challenges" />
      </fieldset>

      <div>
        <label className="flex items-start gap-2 text-sm">
          <input type="checkbox" name="requireEab" defaultChecked={v ? v.requireEab === "on" : initial.requireEab} className="mt-1" />
          <span>
            <span className="font-medium">Require External Account Binding</span>{" "}
            <span className="text-slate-600 dark:text-slate-400">
              New accounts must present an EAB key you hand out (RFC 8555 7.3.4); without it anyone who reaches the directory can register.
              Existing accounts stay valid.
            </span>
          </span>
        </label>
        <FieldError state={state} name="requireEab" />
      </div>

      <TextAreaField
        name="allowedIdentifiers"
        label="Allowed names and addresses"
        rows={4}
        state={state}
        defaultValue={initial.allowedIdentifiers.join("\n")}
        placeholder={".internal\nsvc.cluster.local\n10.0.0.0/8"}
        hint={
          <>
            One per line: <code>.internal</code> allows that name and everything under it, <code>db.example.internal</code> exactly that
            name, <code>10.0.0.0/8</code> the IP addresses in that range. Empty: any name or address.
          </>
        }
      />
      <TextField
        name="termsOfServiceUrl"
        label="Terms of service URL (optional)"
        type="url"
        state={state}
        defaultValue={initial.termsOfServiceUrl}
        hint="Shown in the directory; clients must then agree to it."
      />
      <div className="flex justify-end">
        <SubmitButton pendingText={mode === "create" ? "Creating…" : "Saving…"}>
          {mode === "create" ? "Create endpoint" : "Save changes"}
        </SubmitButton>
      </div>
    </form>
  );
}

/** Delete, confirmed by typing the name: clients of this directory stop working. */
export function DeleteEndpointForm({ endpointId, name, accounts }: { endpointId: string; name: string; accounts: number }) {
  const [state, action] = useReauthActionState<FormState>(deleteEndpointAction.bind(null, endpointId), { ok: true });
  return (
    <form action={action} className="card space-y-3 border-red-200 dark:border-red-900" aria-label="Delete endpoint">
      <h2>Delete this endpoint</h2>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Its directory stops answering, and its {accounts} account{accounts === 1 ? "" : "s"}, their orders and its EAB keys are deleted.
        Certificates it issued stay in the inventory and remain valid until they expire or you revoke them.
      </p>
      <FormAlert state={state} fields={["confirm"]} />
      <div className="flex flex-wrap items-end gap-3">
        <div className="w-64">
          <TextField name="confirm" label={`Type ${name} to confirm`} autoComplete="off" state={state} />
        </div>
        <button type="submit" className="btn btn-danger">
          Delete endpoint
        </button>
      </div>
    </form>
  );
}

/** Creates an EAB key and shows it once, with the set-ups filled in. */
export function EabKeyForm({ endpointId }: { endpointId: string }) {
  const [state, action] = useReauthActionState<EabFormState>(createEabKeyAction.bind(null, endpointId), { ok: true });
  const key = useRemountKey(state);
  return (
    <div className="space-y-4">
      <form key={key} action={action} className="flex flex-wrap items-end gap-3">
        <div className="w-72">
          <TextField name="label" label="Label (optional)" maxLength={200} state={state} placeholder="web servers of team X" />
        </div>
        <SubmitButton pendingText="Creating…">Create EAB key</SubmitButton>
      </form>
      <FormAlert state={state} fields={["label"]} />
      {state.ok && state.key && (
        <div className="space-y-3 rounded-md border border-amber-300 bg-amber-50 p-4 dark:border-amber-800 dark:bg-amber-950" role="status">
          <p className="text-sm font-medium">
            EAB key created{state.key.label ? ` (${state.key.label})` : ""}. Copy the HMAC key now: it is shown only this once and stored
            sealed. The first account that uses it binds it; any other account is refused.
          </p>
          <dl className="dl">
            <dt>Key id</dt>
            <dd className="flex items-center gap-2">
              <code className="break-all" aria-label="EAB key id">
                {state.key.keyId}
              </code>
              <CopyButton text={state.key.keyId} label="Copy key id" />
            </dd>
            <dt>HMAC key</dt>
            <dd className="flex items-center gap-2">
              <code className="break-all" aria-label="EAB HMAC key">
                {state.key.hmacKey}
              </code>
              <CopyButton text={state.key.hmacKey} label="Copy HMAC key" />
            </dd>
          </dl>
          <PemBlock title="For the set-ups below (shell)" text={`export EAB_KID=${state.key.keyId} EAB_HMAC=${state.key.hmacKey}`} />
          {state.setups && (
            <details>
              <summary className="cursor-pointer text-sm font-medium">The set-ups with this key filled in</summary>
              <div className="mt-3 space-y-4">
                {state.setups.map((s) => (
                  <PemBlock key={s.id} title={s.title} text={s.text} />
                ))}
              </div>
            </details>
          )}
        </div>
      )}
    </div>
  );
}
