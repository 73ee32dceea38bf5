"use client";

import type { FormState } from "@/lib/form-state";
import { DEFAULT_KEY_TYPE, KEY_TYPE_LABELS, KEY_TYPES } from "@/lib/pki/key-types";
import { FileInput, FormAlert, SelectField, SubmitButton, TextAreaField, TextField, useRemountKey } from "../../../ui/form";
import { useReauthActionState } from "../../../ui/reauth";
import { createAuthorityAction, importAuthorityAction } from "../actions";

const KEY_OPTIONS = KEY_TYPES.map((k) => ({ value: k, label: KEY_TYPE_LABELS[k] }));
const SUBJECT_FIELDS = ["commonName", "organization", "organizationalUnit", "country", "state", "locality"];
const NC_FORMS = [
  { form: "dns", label: "DNS names", placeholder: { permitted: ".internal\nexample.com", excluded: "secret.internal" } },
  { form: "ip", label: "IP ranges (CIDR)", placeholder: { permitted: "10.0.0.0/8\nfd00::/8", excluded: "10.99.0.0/16" } },
  { form: "email", label: "E-mail", placeholder: { permitted: ".example.com", excluded: "ceo@example.com" } },
  { form: "uri", label: "URI hosts", placeholder: { permitted: "spiffe://prod.example/", excluded: "legacy.example.com" } },
] as const;
const NC_FIELDS = ["permitted", "excluded"].flatMap((kind) => NC_FORMS.map((f) => `nameConstraints.${kind}.${f.form}`));

/**
 * Name Constraints (RFC 5280 4.2.1.10) for the new CA: folded away, since most CAs need none, and
 * open when something was typed or one of its entries was refused.
 */
function NameConstraintsFields({ state }: { state: FormState }) {
  const open = NC_FIELDS.some((f) => state.values?.[f]) || !!state.field?.startsWith("nameConstraints.");
  return (
    <details open={open} className="rounded-md border border-slate-200 p-3 dark:border-slate-800">
      <summary className="cursor-pointer text-sm font-semibold">Name constraints (optional)</summary>
      <p className="hint mt-2">
        Limit the names this CA, and every CA below it, may sign. Clients enforce them too: they are written into the CA certificate as a
        critical Name Constraints extension, so even a stolen key cannot mint a certificate for other names. One entry per line or comma; an
        empty box sets no limit of that kind. <code>.internal</code> and <code>internal</code> both mean internal and every name below it; a
        URI constraint names a host (the path is not part of it).
      </p>
      <div className="mt-3 grid gap-4 sm:grid-cols-2">
        {(["permitted", "excluded"] as const).map((kind) => (
          <fieldset key={kind} className="space-y-3">
            <legend className="mb-1 text-sm font-medium">
              {kind === "permitted" ? "Permitted: names must lie inside" : "Excluded: names must lie outside"}
            </legend>
            {NC_FORMS.map((f) => (
              <TextAreaField
                key={f.form}
                name={`nameConstraints.${kind}.${f.form}`}
                label={f.label}
                rows={2}
                state={state}
                placeholder={f.placeholder[kind]}
              />
            ))}
          </fieldset>
        ))}
      </div>
    </details>
  );
}

/** The key-storage choice, offered only when a PKCS#11 module is configured (`token` names its token). */
function KeyStorageField({ token, state }: { token: string; state: FormState }) {
  return (
    <SelectField
      name="keyStorage"
      label="Private key storage"
      state={state}
      defaultValue="sealed"
      options={[
        { value: "sealed", label: "Sealed in cadesk's store (encrypted)" },
        { value: "pkcs11", label: `Inside the HSM: ${token}` },
      ]}
      hint="In the HSM the key is made and kept inside the token, sensitive and not extractable: nobody can copy it, cadesk included."
    />
  );
}

export function CreateAuthorityForm({
  parents,
  defaultParentId,
  token,
}: {
  parents?: { value: string; label: string }[];
  defaultParentId?: string;
  /** The configured PKCS#11 token, when there is one. */
  token?: string;
}) {
  const [state, action] = useReauthActionState<FormState>(createAuthorityAction, { ok: true });
  const key = useRemountKey(state);
  const isIntermediate = !!parents;
  return (
    <form key={key} action={action} className="card space-y-5">
      <FormAlert
        state={state}
        fields={[...SUBJECT_FIELDS, "keyType", "validityDays", "parentId", "pathLen", "keyStorage", "pkcs11KeyLabel", ...NC_FIELDS]}
      />
      {isIntermediate && (
        <SelectField
          name="parentId"
          label="Signed by"
          state={state}
          options={parents}
          defaultValue={defaultParentId}
          hint="The new CA's certificate is signed by this CA, and its validity cannot exceed it."
        />
      )}
      <fieldset className="grid gap-4 sm:grid-cols-2">
        <legend className="mb-2 text-sm font-semibold">Subject</legend>
        <div className="sm:col-span-2">
          <TextField
            name="commonName"
            label="Common Name"
            required
            maxLength={64}
            state={state}
            placeholder={isIntermediate ? "Acme Issuing CA 1" : "Acme Root CA"}
            autoFocus
          />
        </div>
        <TextField name="organization" label="Organization (O)" state={state} placeholder="Acme Inc." />
        <TextField name="organizationalUnit" label="Organizational unit (OU)" state={state} placeholder="Platform" />
        <TextField name="country" label="Country (C)" state={state} placeholder="US" maxLength={2} hint="Two-letter ISO code." />
        <TextField name="state" label="State or province (ST)" state={state} />
        <TextField name="locality" label="Locality (L)" state={state} />
      </fieldset>
      <div className="grid gap-4 sm:grid-cols-3">
        <SelectField name="keyType" label="Key type" state={state} options={KEY_OPTIONS} defaultValue={DEFAULT_KEY_TYPE} />
        <TextField
          name="validityDays"
          label="Validity (days)"
          type="number"
          min={1}
          state={state}
          defaultValue={isIntermediate ? "1825" : "3650"}
          hint={isIntermediate ? "Default 5 years." : "Default 10 years."}
        />
        <TextField
          name="pathLen"
          label="Path length"
          type="number"
          min={0}
          max={10}
          state={state}
          placeholder={isIntermediate ? "0" : "unlimited"}
          hint={isIntermediate ? "0: may issue leaf certificates only." : "How many CAs may stand below. Empty: no limit."}
        />
      </div>
      {token && (
        <div className="grid gap-4 sm:grid-cols-2">
          <KeyStorageField token={token} state={state} />
          <TextField
            name="pkcs11KeyLabel"
            label="Key label in the HSM"
            state={state}
            maxLength={64}
            hint="Only for the HSM. Default: the Common Name."
          />
        </div>
      )}
      <NameConstraintsFields state={state} />
      <div className="flex justify-end">
        <SubmitButton pendingText="Creating…">{isIntermediate ? "Create intermediate CA" : "Create root CA"}</SubmitButton>
      </div>
    </form>
  );
}

export function ImportAuthorityForm({ token }: { token?: string }) {
  const [state, action] = useReauthActionState<FormState>(importAuthorityAction, { ok: true });
  const key = useRemountKey(state);
  return (
    <form key={key} action={action} className="card space-y-5">
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Bring a CA made elsewhere (with <code>openssl req -x509</code>, minica or another tool). Its key is checked against the certificate
        and stored encrypted.
      </p>
      <FormAlert
        state={state}
        fields={["certificatePem", "privateKeyPem", "keyPassphrase", "keyStorage", "pkcs11KeyId", "pkcs11KeyLabel"]}
      />
      <div className="space-y-2">
        <TextAreaField
          name="certificatePem"
          label="CA certificate (PEM)"
          rows={6}
          state={state}
          placeholder="-----BEGIN CERTIFICATE-----"
        />
        <FileInput name="certificateFile" aria-label="Upload CA certificate file" accept=".pem,.crt,.cer,.der" />
      </div>
      <div className="space-y-2">
        <TextAreaField name="privateKeyPem" label="CA private key (PEM)" rows={6} state={state} placeholder="-----BEGIN PRIVATE KEY-----" />
        <FileInput name="privateKeyFile" aria-label="Upload CA private key file" accept=".pem,.key" />
      </div>
      <TextField
        name="keyPassphrase"
        label="Key passphrase"
        type="password"
        autoComplete="off"
        state={state}
        hint="Only if the key is encrypted."
      />
      {token && (
        <fieldset className="grid gap-4 sm:grid-cols-3">
          <legend className="mb-2 text-sm font-semibold">Or a key already in the HSM</legend>
          <KeyStorageField token={token} state={state} />
          <TextField
            name="pkcs11KeyId"
            label="Key id (hex)"
            state={state}
            placeholder="0a1b2c3d"
            hint="As pkcs11-tool --list-objects shows it."
          />
          <TextField name="pkcs11KeyLabel" label="or key label" state={state} hint="Leave the private key above empty." />
        </fieldset>
      )}
      <div className="flex justify-end">
        <SubmitButton pendingText="Importing…">Import CA</SubmitButton>
      </div>
    </form>
  );
}
