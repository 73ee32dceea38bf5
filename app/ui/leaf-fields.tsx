"use client";

import { useState } from "react";
import type { FormState } from "@/lib/form-state";
import { DEFAULT_LEAF_DAYS, LEAF_PROFILES, LONG_LEAF_WARNING_DAYS, PROFILE_SPECS, VALIDITY_PRESETS } from "@/lib/pki/profiles-data";
import { FieldError, SelectField, TextAreaField } from "./form";

export interface CaOption {
  value: string;
  label: string;
  notAfter: string;
}

/** Issuing CA and profile: shared by the issue form and the CSR review. */
export function IssuerAndProfile({ state, authorities, defaultCaId }: { state: FormState; authorities: CaOption[]; defaultCaId?: string }) {
  const [profile, setProfile] = useState(state.values?.profile ?? "server");
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <SelectField name="caId" label="Issuing CA" state={state} options={authorities} defaultValue={defaultCaId} />
      <div>
        <SelectField
          name="profile"
          label="Profile"
          state={state}
          options={LEAF_PROFILES.map((p) => ({ value: p, label: PROFILE_SPECS[p].label }))}
          value={profile}
          onChange={(e) => setProfile(e.target.value)}
          aria-describedby="profile-hint"
        />
        <p className="hint" id="profile-hint">
          {PROFILE_SPECS[profile as keyof typeof PROFILE_SPECS]?.description}
        </p>
      </div>
    </div>
  );
}

export function SanField({ state, defaultValue }: { state: FormState; defaultValue?: string }) {
  return (
    <TextAreaField
      name="sans"
      label="Subject Alternative Names"
      rows={4}
      state={state}
      defaultValue={defaultValue}
      placeholder={"api.example.com\n*.api.example.com\n10.0.0.12\nspiffe://prod/billing"}
      hint="One per line or comma-separated: DNS names (wildcards as *.example.com), IPv4/IPv6 addresses, e-mails, URIs. Clients match these, not the Common Name; for servers the CN is added here automatically."
    />
  );
}

/** Validity presets (30/90/200/365 days) or a custom number, with the 200-day warning. */
export function ValidityField({ state, maxNote }: { state: FormState; maxNote?: string }) {
  const initial = Number(state.values?.validityDays ?? DEFAULT_LEAF_DAYS);
  const [custom, setCustom] = useState(!VALIDITY_PRESETS.includes(initial as (typeof VALIDITY_PRESETS)[number]));
  const [days, setDays] = useState(initial);
  const invalid = !state.ok && state.field === "validityDays";
  return (
    <fieldset aria-describedby="validityDays-hint">
      <legend className="label">Validity</legend>
      <div className="flex flex-wrap items-center gap-2">
        {VALIDITY_PRESETS.map((d) => (
          <label
            key={d}
            className="flex cursor-pointer items-center gap-1.5 rounded-md border border-slate-300 px-2.5 py-1 text-sm has-[:checked]:border-sky-700 has-[:checked]:bg-sky-50 dark:border-slate-700 dark:has-[:checked]:bg-sky-950"
          >
            <input
              type="radio"
              name="validityPreset"
              checked={!custom && days === d}
              onChange={() => {
                setCustom(false);
                setDays(d);
              }}
            />
            {d} days
          </label>
        ))}
        <label className="flex cursor-pointer items-center gap-1.5 rounded-md border border-slate-300 px-2.5 py-1 text-sm has-[:checked]:border-sky-700 has-[:checked]:bg-sky-50 dark:border-slate-700 dark:has-[:checked]:bg-sky-950">
          <input type="radio" name="validityPreset" checked={custom} onChange={() => setCustom(true)} />
          Custom
        </label>
        <input
          aria-label="Validity in days"
          id="validityDays"
          aria-describedby={[invalid && "validityDays-error", days > LONG_LEAF_WARNING_DAYS && "validityDays-warning", "validityDays-hint"]
            .filter(Boolean)
            .join(" ")}
          aria-invalid={invalid}
          name="validityDays"
          type="number"
          min={1}
          className="input w-28"
          value={days}
          readOnly={!custom}
          onChange={(e) => setDays(Number(e.target.value))}
        />
      </div>
      {days > LONG_LEAF_WARNING_DAYS && (
        <p className="mt-1.5 text-sm text-amber-700 dark:text-amber-400" id="validityDays-warning">
          Longer than {LONG_LEAF_WARNING_DAYS} days, the public CA limit since March 2026. Short lifetimes limit the damage of a leaked key;
          automate renewal instead.
        </p>
      )}
      <FieldError state={state} name="validityDays" />
      <p className="hint" id="validityDays-hint">
        {maxNote ?? "Never beyond the issuing CA's own expiry: a longer request is shortened to it."}
      </p>
    </fieldset>
  );
}
