/**
 * The OpenID Connect settings in force: each CADESK_OIDC_* variable that is set wins over the
 * value saved on the settings page (the page shows which), so a deployment that configures the
 * provider in its environment cannot be changed from the UI, and one that does not can be.
 */
import { readConfig, type Config } from "../../config";
import { getDb } from "../../db";
import { openKey, sealKey } from "../../signers/sealed-key";
import { parseRoleMap, type RoleRule } from "./role-map";

export const DEFAULT_SCOPES = "openid email profile";
export const DEFAULT_ROLE_CLAIM = "groups";
export const DEFAULT_NAME = "your identity provider";

/** The settings a field comes from the environment for, by the variable that sets it. */
export const OIDC_ENV: Record<OidcField, keyof Config> = {
  issuer: "CADESK_OIDC_ISSUER",
  clientId: "CADESK_OIDC_CLIENT_ID",
  clientSecret: "CADESK_OIDC_CLIENT_SECRET",
  displayName: "CADESK_OIDC_NAME",
  scopes: "CADESK_OIDC_SCOPES",
  roleClaim: "CADESK_OIDC_ROLE_CLAIM",
  roleMap: "CADESK_OIDC_ROLE_MAP",
  localLogin: "CADESK_LOCAL_LOGIN",
  breakGlassEmail: "CADESK_BREAK_GLASS_EMAIL",
};

export type OidcField =
  "issuer" | "clientId" | "clientSecret" | "displayName" | "scopes" | "roleClaim" | "roleMap" | "localLogin" | "breakGlassEmail";

export interface EffectiveOidcSettings {
  /** Issuer and client id are both set: the sign-in page offers the provider. */
  enabled: boolean;
  issuer: string | null;
  clientId: string | null;
  clientSecret: string | null;
  displayName: string;
  /** Null: the default (openid email profile, plus groups when offered and the claim is groups). */
  scopes: string | null;
  roleClaim: string;
  rules: RoleRule[];
  localLogin: boolean;
  breakGlassEmail: string | null;
  /** Fields set by the environment (they win; the page shows them read-only). */
  fromEnv: OidcField[];
}

/** Associated data of the sealed client secret: it opens only as this row's secret. */
export const OIDC_SECRET_CONTEXT = "oidc-settings:client-secret";

export function sealClientSecret(secret: string): string {
  return sealKey(Buffer.from(secret, "utf8"), OIDC_SECRET_CONTEXT);
}

/** The settings row (id 1), or null before anyone saved the page. */
export function readOidcRow() {
  return getDb().oidcSettings.findUnique({ where: { id: 1 } });
}

/** What applies now: the environment over the saved row, over the defaults. */
export async function effectiveOidcSettings(config: Config = readConfig()): Promise<EffectiveOidcSettings> {
  const row = await readOidcRow();
  const fromEnv = (Object.keys(OIDC_ENV) as OidcField[]).filter((field) => config[OIDC_ENV[field]] !== undefined);
  const issuer = config.CADESK_OIDC_ISSUER ?? row?.issuer ?? null;
  const clientId = config.CADESK_OIDC_CLIENT_ID ?? row?.clientId ?? null;
  const savedSecret = row?.encryptedSecret ? Buffer.from(openKey(row.encryptedSecret, OIDC_SECRET_CONTEXT)).toString("utf8") : null;
  return {
    enabled: Boolean(issuer && clientId),
    issuer,
    clientId,
    clientSecret: config.CADESK_OIDC_CLIENT_SECRET ?? savedSecret,
    displayName: config.CADESK_OIDC_NAME ?? row?.displayName ?? DEFAULT_NAME,
    scopes: config.CADESK_OIDC_SCOPES ?? row?.scopes ?? null,
    roleClaim: config.CADESK_OIDC_ROLE_CLAIM ?? row?.roleClaim ?? DEFAULT_ROLE_CLAIM,
    rules: config.CADESK_OIDC_ROLE_MAP ?? (row?.roleMap ? parseRoleMap(row.roleMap).rules : []),
    localLogin: config.CADESK_LOCAL_LOGIN ?? row?.localLogin ?? true,
    breakGlassEmail: config.CADESK_BREAK_GLASS_EMAIL ?? row?.breakGlassEmail ?? null,
    fromEnv,
  };
}

/** The redirect URI to register at the provider (OpenID Connect Core 3.1.2.1). */
export function redirectUri(config: Config = readConfig()): string {
  return `${config.publicUrl}/auth/oidc/callback`;
}

/** Where the provider may send the browser after its own sign-out (RP-Initiated Logout 1.0). */
export function postLogoutRedirectUri(config: Config = readConfig()): string {
  return `${config.publicUrl}/sign-in`;
}
