"use client";

import type { FormState } from "@/lib/form-state";
import type { IssuancePolicyRules } from "@/lib/policy/rules";
import { FormAlert, FormDone, SubmitButton, TextAreaField, TextField, useRemountKey } from "../../../ui/form";
import { useReauthActionState } from "../../../ui/reauth";
import { setPolicyAction } from "../actions";

const KEY_TYPES = [
  ["ecdsa-p256", "ECDSA P-256"],
  ["ecdsa-p384", "ECDSA P-384"],
  ["ecdsa-p521", "ECDSA P-521"],
  ["rsa", "RSA"],
  ["ed25519", "Ed25519"],
] as const;
const PROFILES = [
  ["server", "TLS server"],
  ["client", "TLS client"],
  ["server-client", "Server and client"],
] as const;
const FIELDS = [
  "allowedNames",
  "allowWildcards",
  "allowedIps",
  "allowedUriPrefixes",
  "keyTypes",
  "minRsaBits",
  "profiles",
  "maxValidityDays",
];

/** Admins edit the CA's issuance policy; saving asks for the password again when it is old (a sensitive setting). */
export function PolicyForm({ id, policy }: { id: string; policy: IssuancePolicyRules }) {
  const [state, action] = useReauthActionState<FormState>(setPolicyAction.bind(null, id), { ok: true });
  // Remounted after each save so the fields show what was saved, not React's reset defaults.
  const key = useRemountKey(state);
  const lines = (v: string[] | undefined) => v?.join("\n") ?? "";
  return (
    <details className="rounded-md border border-slate-200 p-3 dark:border-slate-800" open={!state.ok}>
      <summary className="cursor-pointer text-sm font-medium">Edit the policy</summary>
      <form key={key} action={action} className="mt-3 space-y-4">
        <FormAlert state={state} fields={FIELDS} />
        <FormDone state={state} />
        <p className="hint">
          Every rule is optional: an empty field or no box ticked sets no limit. Refusals name the rule, so requesters know what to change.
        </p>
        <div className="grid gap-4 sm:grid-cols-2">
          <TextAreaField
            name="allowedNames"
            label="Allowed names"
            rows={3}
            state={state}
            defaultValue={lines(policy.allowedNames)}
            placeholder={"*.apps.example.com\napi.example.com\n*@example.com"}
            hint="DNS names and e-mail addresses, one per line. *.example.com allows any name below example.com (not example.com itself)."
          />
          <div className="space-y-4">
            <TextAreaField
              name="allowedIps"
              label="Allowed IP ranges"
              rows={2}
              state={state}
              defaultValue={lines(policy.allowedIps)}
              placeholder="10.20.0.0/16"
              hint="CIDR, IPv4 or IPv6."
            />
            <TextAreaField
              name="allowedUriPrefixes"
              label="Allowed URI prefixes"
              rows={2}
              state={state}
              defaultValue={lines(policy.allowedUriPrefixes)}
              placeholder="spiffe://prod.example/ns/"
            />
          </div>
        </div>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="allowWildcards" defaultChecked={policy.allowWildcards !== false} />
          Allow wildcard names (*.example.com)
        </label>
        <div className="grid gap-4 sm:grid-cols-2">
          <fieldset>
            <legend className="mb-1 text-sm font-medium">Key types</legend>
            <div className="flex flex-wrap gap-x-4 gap-y-1">
              {KEY_TYPES.map(([value, label]) => (
                <label key={value} className="flex items-center gap-2 text-sm">
                  <input type="checkbox" name="keyTypes" value={value} defaultChecked={policy.keyTypes?.includes(value)} />
                  {label}
                </label>
              ))}
            </div>
            <p className="hint">None ticked: any key type.</p>
          </fieldset>
          <fieldset>
            <legend className="mb-1 text-sm font-medium">Profiles</legend>
            <div className="flex flex-wrap gap-x-4 gap-y-1">
              {PROFILES.map(([value, label]) => (
                <label key={value} className="flex items-center gap-2 text-sm">
                  <input type="checkbox" name="profiles" value={value} defaultChecked={policy.profiles?.includes(value)} />
                  {label}
                </label>
              ))}
            </div>
            <p className="hint">None ticked: any profile.</p>
          </fieldset>
        </div>
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField
            name="minRsaBits"
            label="Minimum RSA size (bits)"
            type="number"
            min={2048}
            max={8192}
            state={state}
            defaultValue={policy.minRsaBits?.toString() ?? ""}
            placeholder="2048"
          />
          <TextField
            name="maxValidityDays"
            label="Maximum validity (days)"
            type="number"
            min={1}
            state={state}
            defaultValue={policy.maxValidityDays?.toString() ?? ""}
            placeholder="no limit"
          />
        </div>
        <div className="flex justify-end">
          <SubmitButton pendingText="Saving…">Save policy</SubmitButton>
        </div>
      </form>
    </details>
  );
}
