"use client";

import { useActionState } from "react";
import { DEFAULT_KEY_TYPE, KEY_TYPE_LABELS, KEY_TYPES } from "@/lib/pki/key-types";
import { FormAlert, SelectField, SubmitButton, TextField, useRemountKey } from "../../../ui/form";
import { IssuerAndProfile, SanField, ValidityField, type CaOption } from "../../../ui/leaf-fields";
import { OneTimeKey } from "../../../ui/one-time-key";
import { issueCertificateAction, type IssueFormState } from "../actions";

const FIELDS = ["caId", "profile", "commonName", "organization", "organizationalUnit", "sans", "keyType", "validityDays"];

export function IssueForm({ authorities, defaultCaId }: { authorities: CaOption[]; defaultCaId?: string }) {
  const [state, action] = useActionState<IssueFormState, FormData>(issueCertificateAction, { ok: true });
  const key = useRemountKey(state);
  if (state.oneTimeKey) return <OneTimeKey {...state.oneTimeKey} />;
  return (
    <form key={key} action={action} className="card space-y-5">
      <FormAlert state={state} fields={FIELDS} />
      <IssuerAndProfile state={state} authorities={authorities} defaultCaId={defaultCaId} />
      <TextField
        name="commonName"
        label="Common Name"
        required
        maxLength={64}
        state={state}
        placeholder="api.example.com"
        hint="Usually the main host name or service name."
      />
      <SanField state={state} />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField name="organization" label="Organization (O)" state={state} placeholder="optional" />
        <TextField name="organizationalUnit" label="Organizational unit (OU)" state={state} placeholder="optional" />
      </div>
      <SelectField
        name="keyType"
        label="Key type"
        state={state}
        options={KEY_TYPES.map((k) => ({ value: k, label: KEY_TYPE_LABELS[k] }))}
        defaultValue={DEFAULT_KEY_TYPE}
      />
      <ValidityField state={state} />
      <label className="flex items-start gap-2 text-sm">
        <input type="checkbox" name="discardPrivateKey" className="mt-0.5" defaultChecked={state.values?.discardPrivateKey === "on"} />
        <span>
          Do not keep the private key
          <span className="block text-xs text-slate-500">
            It is shown once after issuing and never stored. Without it, later downloads offer only the certificate files.
          </span>
        </span>
      </label>
      <div className="flex justify-end">
        <SubmitButton pendingText="Issuing…">Issue certificate</SubmitButton>
      </div>
    </form>
  );
}
