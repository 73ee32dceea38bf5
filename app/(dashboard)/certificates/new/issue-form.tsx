"use client";

import { useActionState, useState } from "react";
import { returnsKeyToCaller } from "@/lib/issuance/key-delivery";
import { DEFAULT_KEY_TYPE, KEY_TYPE_LABELS, KEY_TYPES } from "@/lib/pki/key-types";
import { FormAlert, SelectField, SubmitButton, TextField, useRemountKey } from "../../../ui/form";
import { IssuerAndProfile, SanField, ValidityField, type CaOption } from "../../../ui/leaf-fields";
import { OneTimeKey } from "../../../ui/one-time-key";
import { issueCertificateAction, type IssueFormState } from "../actions";

const FIELDS = ["caId", "profile", "commonName", "organization", "organizationalUnit", "sans", "keyType", "validityDays"];

/**
 * What will be possible with the key, said before issuing (issue #12 item 5): shown once right
 * after issuing when cadesk does not keep it or the role cannot download stored keys, else
 * downloadable from the certificate page. The rule itself is lib/issuance/key-delivery.ts.
 */
function keyOutcome(discard: boolean, role: string): string {
  if (!returnsKeyToCaller("form", !discard, role)) {
    return "cadesk keeps the key (encrypted): you can download it and a PKCS#12 from the certificate page at any time.";
  }
  if (discard) return "You will be able to download the key once, right after issuing: cadesk does not store it.";
  return "You will be able to download the key once, right after issuing. cadesk also keeps an encrypted copy (for the echo server, the connection doctor and admins); your role cannot download it later.";
}

export function IssueForm({
  authorities,
  defaultCaId,
  role,
}: {
  authorities: CaOption[];
  defaultCaId?: string;
  /** The signed-in person's role: it decides what they can do with the key afterwards. */
  role: string;
}) {
  const [state, action] = useActionState<IssueFormState, FormData>(issueCertificateAction, { ok: true });
  const key = useRemountKey(state);
  const [discard, setDiscard] = useState(state.values?.discardPrivateKey === "on");
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
        <input
          type="checkbox"
          name="discardPrivateKey"
          className="mt-0.5"
          defaultChecked={state.values?.discardPrivateKey === "on"}
          onChange={(e) => setDiscard(e.target.checked)}
          aria-describedby="key-outcome"
        />
        <span>
          Do not keep the private key
          <span className="block text-xs text-slate-500">Without it, later downloads offer only the certificate files.</span>
        </span>
      </label>
      <p id="key-outcome" className="hint" aria-live="polite">
        {keyOutcome(discard, role)}
      </p>
      <div className="flex justify-end">
        <SubmitButton pendingText="Issuing…">Issue certificate</SubmitButton>
      </div>
    </form>
  );
}
