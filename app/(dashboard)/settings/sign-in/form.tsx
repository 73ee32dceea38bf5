"use client";

import type { OidcSettingsView } from "@/lib/services/oidc-settings";
import { FormAlert, FormDone, SelectField, SubmitButton, TextAreaField, TextField } from "../../../ui/form";
import { useReauthActionState } from "../../../ui/reauth";
import { saveOidcSettingsAction } from "./actions";

type Field = keyof OidcSettingsView["values"];

export function OidcSettingsForm({ view }: { view: OidcSettingsView }) {
  const [state, action] = useReauthActionState(saveOidcSettingsAction, { ok: true });
  const env = view.fromEnv;
  const v = view.values;
  /**
   * A field the environment sets is shown disabled (browsers do not submit disabled fields, and
   * the service ignores them anyway), its hint naming the variable; the others are editable.
   */
  const field = (name: Field, hint: React.ReactNode) =>
    env[name]
      ? {
          name,
          disabled: true,
          value: v[name],
          readOnly: true,
          hint: (
            <>
              Set by <code>{env[name]}</code>: the environment wins over this page.
            </>
          ),
        }
      : { name, defaultValue: v[name], hint };
  return (
    <form action={action} className="card space-y-4" aria-label="Identity provider">
      <h2 className="text-base">Identity provider (OpenID Connect)</h2>
      <FormAlert
        state={state}
        fields={["issuer", "clientId", "clientSecret", "displayName", "scopes", "roleClaim", "roleMap", "localLogin", "breakGlassEmail"]}
      />
      <TextField
        {...field("issuer", "The provider's issuer; cadesk reads its /.well-known/openid-configuration.")}
        label="Issuer URL"
        placeholder="https://login.example.com/realms/staff"
        state={state}
      />
      <TextField
        {...field("clientId", "The client (application) id the provider gave cadesk.")}
        label="Client id"
        autoComplete="off"
        state={state}
      />
      {env.clientSecret ? (
        <TextField
          name="clientSecret"
          label="Client secret"
          disabled
          value="••••••••"
          readOnly
          hint={
            <>
              Set by <code>{env.clientSecret}</code>: the environment wins over this page.
            </>
          }
          state={state}
        />
      ) : (
        <div className="space-y-2">
          <TextField
            name="clientSecret"
            label="Client secret"
            type="password"
            autoComplete="new-password"
            placeholder={view.hasSecret ? "stored; type a new one to replace it" : "none: a public client (PKCE only)"}
            hint="Stored sealed under the master key, like the CA keys, and never shown again."
            state={state}
          />
          {view.hasSecret && (
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" name="clearSecret" value="1" /> Remove the stored secret
            </label>
          )}
        </div>
      )}
      <TextField
        {...field("displayName", 'The sign-in page says "Sign in with <name>".')}
        label="Name on the button"
        placeholder="Okta, Entra ID, Keycloak…"
        state={state}
      />
      <TextField
        {...field(
          "scopes",
          'Empty: "openid email profile", plus "groups" when the provider offers that scope and the role claim is groups.',
        )}
        label="Scopes"
        placeholder="openid email profile"
        state={state}
      />
      <TextField
        {...field("roleClaim", "The claim whose values map to roles; a dotted path reaches nested claims (Keycloak: realm_access.roles).")}
        label="Role claim"
        placeholder="groups"
        state={state}
      />
      <TextAreaField
        {...field(
          "roleMap",
          "One value=role a line. The strongest match wins, at every sign-in; someone no rule matches is refused. *=viewer lets anyone in as viewer.",
        )}
        label="Role rules"
        rows={4}
        placeholder={"cadesk-admins=admin\ncadesk-ops=operator\ncadesk-view=viewer"}
        state={state}
      />
      <h2 className="pt-2 text-base">Local passwords</h2>
      <SelectField
        {...field("localLogin", "Off: everyone signs in through the provider, except the break-glass admin below.")}
        label="Passwords"
        options={[
          { value: "on", label: "On: cadesk passwords work too" },
          { value: "off", label: "Off: only the break-glass admin's" },
        ]}
        state={state}
      />
      <TextField
        {...field(
          "breakGlassEmail",
          "A local admin who can still sign in with a password when passwords are off, for when the provider is down.",
        )}
        label="Break-glass admin"
        type="email"
        placeholder="root@example.com"
        state={state}
      />
      <div className="flex items-center justify-end gap-3">
        <FormDone state={state} />
        <SubmitButton pendingText="Saving…">Save</SubmitButton>
      </div>
    </form>
  );
}
