/**
 * Settings → Sign-in: the OpenID Connect provider, its client secret (sealed under the master key,
 * as private keys are), the role rules, and whether local passwords still work. Admin only, with
 * a recent password; every change audited by field (the secret only as changed or removed).
 */
import { assertCan, assertRecentAuth } from "../auth/actor";
import { discover, forgetDiscovery } from "../auth/oidc/client";
import { formatRoleMap, parseRoleMap } from "../auth/oidc/role-map";
import {
  effectiveOidcSettings,
  OIDC_ENV,
  readOidcRow,
  redirectUri,
  postLogoutRedirectUri,
  sealClientSecret,
  type OidcField,
} from "../auth/oidc/settings";
import { getDb } from "../db";
import { AppError } from "../errors";
import { parseInput } from "../validations/parse";
import { ZOidcSettingsInput } from "../validations/oidc";
import { audit, checkSensitive } from "./audit";

export interface OidcSettingsView {
  /** What the form shows: the saved values, or the environment's where it wins. */
  values: {
    issuer: string;
    clientId: string;
    displayName: string;
    scopes: string;
    roleClaim: string;
    roleMap: string;
    localLogin: "on" | "off";
    breakGlassEmail: string;
  };
  hasSecret: boolean;
  /** Each field the environment sets, with its variable: the page shows them read-only. */
  fromEnv: Partial<Record<OidcField, string>>;
  enabled: boolean;
  redirectUri: string;
  postLogoutRedirectUri: string;
}

export async function oidcSettingsView(): Promise<OidcSettingsView> {
  assertCan("settings", "read the sign-in settings");
  const row = await readOidcRow();
  const effective = await effectiveOidcSettings();
  const env = new Set(effective.fromEnv);
  const pick = (field: OidcField, saved: string | null | undefined, current: string) => (env.has(field) ? current : (saved ?? ""));
  return {
    values: {
      issuer: pick("issuer", row?.issuer, effective.issuer ?? ""),
      clientId: pick("clientId", row?.clientId, effective.clientId ?? ""),
      displayName: pick("displayName", row?.displayName, effective.displayName),
      scopes: pick("scopes", row?.scopes, effective.scopes ?? ""),
      roleClaim: pick("roleClaim", row?.roleClaim, effective.roleClaim),
      roleMap: pick("roleMap", row?.roleMap, formatRoleMap(effective.rules)),
      localLogin: effective.localLogin ? "on" : "off",
      breakGlassEmail: pick("breakGlassEmail", row?.breakGlassEmail, effective.breakGlassEmail ?? ""),
    },
    hasSecret: Boolean(effective.clientSecret),
    fromEnv: Object.fromEntries(effective.fromEnv.map((f) => [f, OIDC_ENV[f]])),
    enabled: effective.enabled,
    redirectUri: redirectUri(),
    postLogoutRedirectUri: postLogoutRedirectUri(),
  };
}

/** Whether the provider answers discovery now, in words for the settings page. */
export async function checkOidcProvider(): Promise<{ ok: true; issuer: string; endSession: boolean } | { ok: false; problem: string }> {
  assertCan("settings", "check the identity provider");
  const settings = await effectiveOidcSettings();
  if (!settings.enabled) return { ok: false, problem: "Not set up: enter the issuer and the client id." };
  try {
    const metadata = await discover(settings);
    return { ok: true, issuer: metadata.issuer, endSession: Boolean(metadata.end_session_endpoint) };
  } catch (error) {
    return { ok: false, problem: (error as Error).message };
  }
}

export async function updateOidcSettings(raw: unknown): Promise<OidcSettingsView> {
  await checkSensitive(
    { action: "settings.oidc", objectType: "settings" },
    () => assertCan("settings", "change the sign-in settings"),
    () => assertRecentAuth(),
  );
  const input = parseInput(ZOidcSettingsInput, raw);
  const effective = await effectiveOidcSettings();
  const env = new Set(effective.fromEnv);
  const row = await readOidcRow();
  const roleMap = input.roleMap === undefined ? undefined : formatRoleMap(parseRoleMap(input.roleMap).rules) || null;
  // Fields the environment sets are not changed here (the page does not send them).
  const next = {
    issuer: env.has("issuer") ? row?.issuer : (input.issuer ?? null),
    clientId: env.has("clientId") ? row?.clientId : (input.clientId ?? null),
    displayName: env.has("displayName") ? row?.displayName : (input.displayName ?? null),
    scopes: env.has("scopes") ? row?.scopes : (input.scopes ?? null),
    roleClaim: env.has("roleClaim") ? row?.roleClaim : (input.roleClaim ?? null),
    roleMap: env.has("roleMap") ? row?.roleMap : (roleMap ?? null),
    localLogin: env.has("localLogin") ? (row?.localLogin ?? true) : input.localLogin !== "off",
    breakGlassEmail: env.has("breakGlassEmail") ? row?.breakGlassEmail : (input.breakGlassEmail ?? null),
  };
  const localLogin = env.has("localLogin") ? effective.localLogin : next.localLogin;
  const breakGlass = env.has("breakGlassEmail") ? effective.breakGlassEmail : next.breakGlassEmail;
  if (!localLogin) {
    // Turning passwords off without a way back in would lock everyone out the day the provider fails.
    const admin = breakGlass ? await getDb().user.findUnique({ where: { email: breakGlass } }) : null;
    if (!admin || admin.role !== "admin" || admin.oidcSubject)
      throw new AppError(
        "INVALID_INPUT",
        breakGlass
          ? `${breakGlass} is not a local admin: name a local (password) admin as break-glass before turning passwords off.`
          : "Name a break-glass admin (a local admin with a password) before turning passwords off: it is the way in when the identity provider is down.",
        "breakGlassEmail",
      );
  }
  let encryptedSecret = row?.encryptedSecret ?? null;
  let secretChange: "changed" | "removed" | null = null;
  if (!env.has("clientSecret")) {
    if (input.clearSecret) {
      secretChange = encryptedSecret ? "removed" : null;
      encryptedSecret = null;
    } else if (input.clientSecret) {
      encryptedSecret = sealClientSecret(input.clientSecret);
      secretChange = "changed";
    }
  }
  const data = { ...next, localLogin: next.localLogin, encryptedSecret };
  await getDb().oidcSettings.upsert({ where: { id: 1 }, create: { id: 1, ...data }, update: data });
  forgetDiscovery();
  const changed: Record<string, unknown> = {};
  for (const key of Object.keys(next) as (keyof typeof next)[]) {
    const before = key === "localLogin" ? (row?.localLogin ?? true) : (row?.[key] ?? null);
    if (before !== next[key]) changed[key] = next[key];
  }
  if (secretChange) changed.clientSecret = secretChange;
  await audit({ action: "settings.oidc", objectType: "settings", objectLabel: "Sign-in", detail: changed });
  return oidcSettingsView();
}
