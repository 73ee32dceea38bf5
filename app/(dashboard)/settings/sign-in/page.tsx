import type { Metadata } from "next";
import { actAs, requireUser } from "@/lib/auth/request";
import { checkOidcProvider, oidcSettingsView } from "@/lib/services/oidc-settings";
import { CopyButton } from "../../../ui/copy-button";
import { OidcSettingsForm } from "./form";

export const metadata: Metadata = { title: "Sign-in" };

export default async function SignInSettingsPage() {
  await requireUser("settings");
  const [view, provider] = await Promise.all([actAs("settings", oidcSettingsView), actAs("settings", checkOidcProvider)]);
  const envNames = Object.values(view.fromEnv);
  return (
    <div className="space-y-6">
      <div>
        <h1>Sign-in</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          Let people sign in with the company&apos;s identity provider (OpenID Connect: Keycloak, Entra ID, Okta, Authentik…). Their role
          comes from a claim such as <code>groups</code> at every sign-in, so leaving the group takes the role away.
        </p>
      </div>
      <section className="card space-y-3" aria-label="Register cadesk at the provider">
        <h2 className="text-base">Register cadesk at the provider</h2>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Create a confidential web client (authorization code flow with PKCE) with these addresses, then enter its issuer, client id and
          secret below.
        </p>
        <dl className="space-y-2 text-sm">
          <div>
            <dt className="font-medium">Redirect URI</dt>
            <dd className="flex flex-wrap items-center gap-2">
              <code className="wrap-anywhere">{view.redirectUri}</code>
              <CopyButton text={view.redirectUri} label="Copy redirect URI" />
            </dd>
          </div>
          <div>
            <dt className="font-medium">Post-logout redirect URI</dt>
            <dd className="flex flex-wrap items-center gap-2">
              <code className="wrap-anywhere">{view.postLogoutRedirectUri}</code>
              <CopyButton text={view.postLogoutRedirectUri} label="Copy post-logout URI" />
            </dd>
          </div>
        </dl>
        <p className="text-xs text-slate-500">
          Both come from <code>CADESK_PUBLIC_URL</code>. The provider&apos;s HTTPS certificate must chain to a root this server trusts:
          Node&apos;s bundled roots, <code>NODE_EXTRA_CA_CERTS</code>, or the system store with <code>NODE_OPTIONS=--use-openssl-ca</code>.
        </p>
      </section>
      <section className="card space-y-1 text-sm" aria-label="Provider status" role="status">
        <h2 className="text-base">Status</h2>
        {provider.ok ? (
          <p className="text-emerald-700 dark:text-emerald-400">
            {provider.issuer} answers discovery; the sign-in page offers it.
            {provider.endSession
              ? " Its sign-out page is offered after cadesk's."
              : " It advertises no sign-out page (end_session_endpoint)."}
          </p>
        ) : (
          <p className={view.enabled ? "text-red-700 dark:text-red-400" : "text-slate-600 dark:text-slate-400"}>{provider.problem}</p>
        )}
        {envNames.length > 0 && (
          <p className="text-slate-600 dark:text-slate-400">
            Set in the environment, which wins over this page: {envNames.map((n, i) => [i > 0 && ", ", <code key={n}>{n}</code>])}.
          </p>
        )}
      </section>
      <OidcSettingsForm view={view} />
    </div>
  );
}
