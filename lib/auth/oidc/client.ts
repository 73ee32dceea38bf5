/**
 * The relying-party side of OpenID Connect (Core 1.0, authorization code flow) through
 * `openid-client` v6: discovery, the authorization URL with PKCE (RFC 7636, S256), state and
 * nonce, and the callback, where openid-client checks state, the `iss` response parameter
 * (RFC 9207), the ID token's signature against the provider's JWKS, issuer, audience, expiry,
 * nonce and, for re-authentication, auth_time against max_age.
 *
 * The provider's HTTPS is checked by Node's own TLS: Mozilla's roots bundled with Node, plus
 * NODE_EXTRA_CA_CERTS (a private CA's PEM), or the system store with NODE_OPTIONS=--use-openssl-ca.
 */
import * as client from "openid-client";
import { AppError } from "../../errors";
import { openKey, sealKey } from "../../signers/sealed-key";
import { claimValues } from "./role-map";
import { DEFAULT_SCOPES, postLogoutRedirectUri, redirectUri, type EffectiveOidcSettings } from "./settings";

/** What the browser carries between leaving for the provider and coming back (sealed in a cookie). */
export interface PendingLogin {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** Where to go after signing in (a same-site path). */
  next: string;
  /** "reauth": a fresh sign-in to confirm who is at the keyboard before a sensitive action. */
  purpose: "sign-in" | "reauth";
  /** Seconds since the epoch when the browser left for the provider. */
  startedAt: number;
  /** The provider and client this login was started for (settings changed meanwhile: refused). */
  issuer: string;
  clientId: string;
}

/** A login left unfinished for longer than this is refused (the cookie also expires). */
export const PENDING_MAX_SECONDS = 600;
export const PENDING_COOKIE = "cadesk_oidc";
const PENDING_CONTEXT = "oidc-pending-login";

export function sealPending(pending: PendingLogin): string {
  return sealKey(Buffer.from(JSON.stringify(pending), "utf8"), PENDING_CONTEXT);
}

/** The pending login in a cookie, or null when it is missing, forged, from another master key or too old. */
export function openPending(sealed: string | undefined, nowSeconds = Math.floor(Date.now() / 1000)): PendingLogin | null {
  if (!sealed || sealed.length > 4000) return null;
  try {
    const pending = JSON.parse(Buffer.from(openKey(sealed, PENDING_CONTEXT)).toString("utf8")) as PendingLogin;
    return nowSeconds - pending.startedAt <= PENDING_MAX_SECONDS ? pending : null;
  } catch {
    return null;
  }
}

/** Discovery documents by issuer, kept 10 minutes: one fetch per sign-in would be wasteful, and key rotation is covered by the JWKS fetch. */
const discovered = new Map<string, { metadata: client.ServerMetadata; at: number }>();
const DISCOVERY_TTL_MS = 10 * 60_000;

/** Human words for why the provider could not be reached or read. */
function providerProblem(issuer: string, error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? (error as { code?: string }).code ?? "";
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code))
    return `cadesk does not trust the TLS certificate of ${issuer} (${code}): give the server its CA in NODE_EXTRA_CA_CERTS (a PEM file), or NODE_OPTIONS=--use-openssl-ca for the system store, and restart.`;
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET/.test(code))
    return `cadesk cannot reach ${issuer} (${code}): check the issuer URL and that this server can connect to it.`;
  return `${issuer} did not answer OpenID Connect discovery as expected: ${(error as Error).message}`;
}

/** The provider's metadata (issuer, endpoints, JWKS URI), from its discovery document. */
export async function discover(settings: EffectiveOidcSettings, nowMs = Date.now()): Promise<client.ServerMetadata> {
  const issuer = settings.issuer;
  if (!issuer)
    throw new AppError("INVALID_INPUT", "No OpenID Connect issuer is configured: set it in Settings → Sign-in or CADESK_OIDC_ISSUER.");
  const hit = discovered.get(issuer);
  if (hit && nowMs - hit.at < DISCOVERY_TTL_MS) return hit.metadata;
  try {
    const config = await client.discovery(new URL(issuer), settings.clientId ?? "-", undefined, undefined, { timeout: 15 });
    const metadata = { ...config.serverMetadata() };
    discovered.set(issuer, { metadata, at: nowMs });
    return metadata;
  } catch (error) {
    throw new AppError("INVALID_INPUT", providerProblem(issuer, error));
  }
}

/** Forgets discovery results (settings saved, tests). */
export function forgetDiscovery(): void {
  discovered.clear();
}

/**
 * A client configuration for these settings. `skewSeconds` moves the clock the ID token's
 * timestamps are checked against (tests use it to present an expired token).
 */
async function configuration(settings: EffectiveOidcSettings, skewSeconds = 0): Promise<client.Configuration> {
  const metadata = await discover(settings);
  const auth = settings.clientSecret ? client.ClientSecretBasic(settings.clientSecret) : client.None();
  return new client.Configuration(
    metadata,
    settings.clientId!,
    { [client.clockSkew]: skewSeconds, ...(settings.clientSecret ? {} : { token_endpoint_auth_method: "none" }) },
    auth,
  );
}

/** The scopes to ask for: the configured ones, or openid email profile (+ groups when offered and mapped). */
export function scopesFor(settings: EffectiveOidcSettings, metadata: client.ServerMetadata): string {
  if (settings.scopes) return settings.scopes;
  const offersGroups = settings.roleClaim === "groups" && (metadata.scopes_supported ?? []).includes("groups");
  return offersGroups ? `${DEFAULT_SCOPES} groups` : DEFAULT_SCOPES;
}

/**
 * Where to send the browser: the provider's authorization endpoint with PKCE, state and nonce.
 * Re-authentication asks for a fresh login (prompt=login, max_age=0; OpenID Connect Core 3.1.2.1).
 */
export async function authorizationRequest(
  settings: EffectiveOidcSettings,
  { next, purpose, loginHint }: { next: string; purpose: PendingLogin["purpose"]; loginHint?: string },
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<{ url: URL; pending: PendingLogin }> {
  const config = await configuration(settings);
  const pending: PendingLogin = {
    state: client.randomState(),
    nonce: client.randomNonce(),
    codeVerifier: client.randomPKCECodeVerifier(),
    next,
    purpose,
    startedAt: nowSeconds,
    issuer: settings.issuer!,
    clientId: settings.clientId!,
  };
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri(),
    scope: scopesFor(settings, config.serverMetadata()),
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: await client.calculatePKCECodeChallenge(pending.codeVerifier),
    code_challenge_method: "S256",
    ...(purpose === "reauth" ? { prompt: "login", max_age: "0" } : {}),
    ...(loginHint ? { login_hint: loginHint } : {}),
  });
  return { url, pending };
}

/** Who the provider says signed in, from the verified ID token (and UserInfo for the role claim). */
export interface ProviderIdentity {
  issuer: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
  /** The role claim's values. */
  roleValues: string[];
  /** Seconds since the epoch when the person last authenticated at the provider, if said. */
  authTime: number | null;
  /** The ID token itself (compact JWS), kept with the session as the id_token_hint of its sign-out. */
  idToken: string;
}

/** The message for a callback openid-client refused, in words a person can act on. */
function callbackProblem(name: string, error: unknown): string {
  if (error instanceof client.AuthorizationResponseError) {
    const description = error.error_description ? `: ${error.error_description}` : "";
    return error.error === "access_denied"
      ? `${name} did not sign you in (access denied${description}).`
      : `${name} refused the sign-in (${error.error}${description}).`;
  }
  // The token endpoint refused cadesk's client authentication (RFC 6749 5.2), as a JSON error or a
  // WWW-Authenticate challenge: wrong secret, or a secret sent for a public client (or none for a confidential one).
  const oauthError =
    error instanceof client.ResponseBodyError
      ? error.error
      : error instanceof client.WWWAuthenticateChallengeError
        ? error.cause.map((c) => c.parameters.error).find(Boolean)
        : undefined;
  if (oauthError === "invalid_client")
    return `${name} refused cadesk's client credentials (invalid_client): check the client id and secret in Settings → Sign-in. A public client (registered without a secret) needs the secret left empty; a confidential one needs its secret.`;
  if (oauthError) return `${name} refused the sign-in at its token endpoint (${oauthError}).`;
  // openid-client wraps oauth4webapi's error, whose message and cause say which check failed.
  const inner = (error as { cause?: { message?: string; cause?: { claim?: string } } }).cause;
  const claim = inner?.cause?.claim;
  const message = [(error as Error).message ?? String(error), inner?.message].filter(Boolean).join(": ");
  if (claim === "exp")
    return `The ID token from ${name} has expired, so it was refused. Check that the clocks of cadesk and the provider are right, then sign in again.`;
  if (claim === "auth_time")
    return `${name} did not ask for your password again (auth_time is too old), so the confirmation was refused. Try again.`;
  if (/"state"/.test(message))
    return "This sign-in response does not belong to the sign-in this browser started (its state differs), so it was refused. Start again from the sign-in page.";
  if (/nonce/.test(message)) return `The ID token from ${name} was not issued for this sign-in (its nonce differs), so it was refused.`;
  return `The sign-in through ${name} failed: ${message}`;
}

/**
 * Finishes the code flow: the callback URL's parameters against the pending login (state), the
 * code exchanged at the token endpoint with the PKCE verifier, and the ID token verified.
 */
export async function completeAuthorization(
  settings: EffectiveOidcSettings,
  pending: PendingLogin,
  callbackParams: URLSearchParams,
  { skewSeconds = 0 }: { skewSeconds?: number } = {},
): Promise<ProviderIdentity> {
  const name = settings.displayName;
  if (pending.issuer !== settings.issuer || pending.clientId !== settings.clientId)
    throw new AppError("UNAUTHORIZED", "The sign-in settings changed while you were at the provider: start again from the sign-in page.");
  const config = await configuration(settings, skewSeconds);
  // openid-client takes the redirect_uri for the token request from this URL: the registered one,
  // whatever host name the request reached this server by.
  const current = new URL(redirectUri());
  current.search = callbackParams.toString();
  let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
  try {
    tokens = await client.authorizationCodeGrant(config, current, {
      pkceCodeVerifier: pending.codeVerifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
      ...(pending.purpose === "reauth" ? { maxAge: 0 } : {}),
    });
  } catch (error) {
    throw new AppError("UNAUTHORIZED", callbackProblem(name, error));
  }
  const claims = tokens.claims()!;
  let all: Record<string, unknown> = { ...claims };
  // Providers often put groups only in UserInfo (OpenID Connect Core 5.4: claims asked for by
  // scope go there when an access token is issued): ask it when the ID token lacks the claim.
  if (claimValues(all, settings.roleClaim).length === 0 && config.serverMetadata().userinfo_endpoint && tokens.access_token) {
    try {
      all = { ...(await client.fetchUserInfo(config, tokens.access_token, claims.sub)), ...claims };
    } catch (error) {
      throw new AppError("UNAUTHORIZED", `${name}'s UserInfo endpoint did not answer: ${(error as Error).message}`);
    }
  }
  const str = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim() : null);
  return {
    issuer: claims.iss,
    subject: claims.sub,
    email: str(all.email)?.toLowerCase() ?? null,
    emailVerified: all.email_verified === true,
    name: str(all.name) ?? str(all.preferred_username),
    roleValues: claimValues(all, settings.roleClaim),
    authTime: typeof claims.auth_time === "number" ? claims.auth_time : null,
    idToken: tokens.id_token!,
  };
}

/**
 * The provider's sign-out page (RP-Initiated Logout 1.0 section 2), when its metadata names one:
 * `client_id` and `post_logout_redirect_uri` always, and `id_token_hint` (the ID token of the
 * session that signed out, RECOMMENDED there) when cadesk still has it, so the provider knows
 * which of its sessions ends and may skip asking; without it some providers refuse the redirect.
 */
export async function endSessionUrl(settings: EffectiveOidcSettings, idTokenHint?: string): Promise<string | null> {
  if (!settings.enabled) return null;
  try {
    const config = await configuration(settings);
    if (!config.serverMetadata().end_session_endpoint) return null;
    return client.buildEndSessionUrl(config, {
      post_logout_redirect_uri: postLogoutRedirectUri(),
      ...(idTokenHint ? { id_token_hint: idTokenHint } : {}),
    }).href;
  } catch {
    return null;
  }
}

/** Associated data of a sealed ID token: it opens only as one. */
const ID_TOKEN_CONTEXT = "oidc-id-token";
/** A sign-out's hint cookie (path /auth/oidc): the sealed ID token for /auth/oidc/logout. */
export const LOGOUT_COOKIE = "cadesk_oidc_logout";
/** How long after cadesk's sign-out the provider's sign-out link still carries the hint. */
export const LOGOUT_HINT_SECONDS = 600;

/** The logout cookie's attributes: only /auth/oidc/logout reads it, and not for long. */
export function logoutCookieOptions(secure: boolean) {
  return { httpOnly: true, sameSite: "lax" as const, secure, path: "/auth/oidc", maxAge: LOGOUT_HINT_SECONDS };
}

/** Browsers keep cookies up to 4 KiB: a larger sealed ID token (a token full of groups) goes without (the link then has no hint). */
export const LOGOUT_COOKIE_MAX = 3800;

/** The ID token sealed under the master key (stored with the session, carried by the logout cookie). */
export function sealIdToken(idToken: string): string {
  return sealKey(Buffer.from(idToken, "utf8"), ID_TOKEN_CONTEXT);
}

/** The sealed ID token opened, or null when missing, forged or from another master key. */
export function openIdToken(sealed: string | null | undefined): string | null {
  if (!sealed || sealed.length > 20_000) return null;
  try {
    return Buffer.from(openKey(sealed, ID_TOKEN_CONTEXT)).toString("utf8");
  } catch {
    return null;
  }
}
