/**
 * Sign-in through a real OpenID Connect provider (oidc-provider over HTTPS, its certificate from
 * a test CA that this process trusts through NODE_EXTRA_CA_CERTS, set by global-setup.ts): users
 * created on first sign-in with the role their groups map to, the role following the groups at
 * every sign-in, refusals (no mapped group, tampered state, expired ID token, no pending login),
 * re-authentication by a fresh login at the provider, the provider's sign-out page with the
 * session's ID token as id_token_hint (RP-Initiated Logout 1.0), roles from the ID token's claims
 * (UserInfo only when the token lacks them), and a public client (no secret, PKCE alone).
 */
import { describe, expect } from "vitest";
import { publicActor, runAs, type Actor } from "../auth/actor";
import { forgetDiscovery, openIdToken } from "../auth/oidc/client";
import { findSession } from "../auth/sessions";
import { setConfigForTesting } from "../config";
import { getDb } from "../db";
import { afterAll, beforeAll, it } from "../testing/system";
import { loginAtProvider, startTestProvider, type TestPerson, type TestProvider } from "../testing/oidc-provider";
import { hashPassword } from "../auth/password";
import { confirmPassword, signIn, signOut } from "./users";
import { completeOidcSignIn, oidcSignOutUrl, startOidcReauth, startOidcSignIn } from "./oidc-sign-in";
import { refusal } from "../testing/refusal";

const PUBLIC_URL = "http://cadesk.test:3450";
const REDIRECT = `${PUBLIC_URL}/auth/oidc/callback`;
const PASSWORD = "correct horse battery staple";
const META = { ip: "192.0.2.7", userAgent: "vitest" };
const people: Record<string, TestPerson> = {
  alice: { email: "alice@corp.example", name: "Alice Admin", groups: ["staff", "cadesk-admins"] },
  victor: { email: "victor@corp.example", name: "Victor Viewer", groups: ["cadesk-view"] },
  nora: { email: "nora@corp.example", name: "Nora Nogroup", groups: ["staff"] },
  lou: { email: "lou@corp.example", groups: ["cadesk-ops"] },
};
let provider: TestProvider;

beforeAll(async () => {
  provider = await startTestProvider({
    caDir: process.env.TEST_TLS_CA_DIR!,
    redirectUri: REDIRECT,
    postLogoutRedirectUri: `${PUBLIC_URL}/sign-in`,
    people,
  });
  useMainProvider();
});

/** cadesk configured for the main provider's confidential client with every role rule. */
function useMainProvider() {
  setConfigForTesting({
    ...process.env,
    CADESK_PUBLIC_URL: PUBLIC_URL,
    CADESK_OIDC_ISSUER: provider.issuer,
    CADESK_OIDC_CLIENT_ID: provider.clientId,
    CADESK_OIDC_CLIENT_SECRET: provider.clientSecret,
    CADESK_OIDC_NAME: "Corp SSO",
    CADESK_OIDC_ROLE_MAP: "cadesk-admins=admin,cadesk-ops=operator,cadesk-view=viewer",
  });
  forgetDiscovery();
}

afterAll(async () => {
  setConfigForTesting();
  await provider?.close();
});

const asPublic = <T>(fn: () => Promise<T>) => runAs(publicActor(META.ip), fn);

/** A browser's whole round trip: start, log in at the provider, come back; returns the callback's outcome. */
async function signInAs(
  login: string,
  { tamper, skewSeconds, jar }: { tamper?: (q: URLSearchParams) => void; skewSeconds?: number; jar?: Map<string, string> } = {},
) {
  const { url, sealed } = await asPublic(() => startOidcSignIn("/certificates"));
  const callback = await loginAtProvider(url, REDIRECT, login, `pw-${login}`, jar);
  tamper?.(callback);
  return asPublic(() => completeOidcSignIn(sealed, callback, META, { skewSeconds }));
}

/** The signed-in user behind a session token, as the actor of their next request. */
async function actorFor(token: string): Promise<Actor> {
  const found = (await findSession(token))!;
  return {
    type: "user",
    id: found.user.id,
    label: found.user.email,
    role: found.user.role as Actor["role"],
    userId: found.user.id,
    ip: META.ip,
    sessionId: found.session.id,
    authenticatedAt: found.session.authenticatedAt,
  };
}

/** The claims of a compact JWS, unverified (the provider verifies the hint; this only reads it). */
const jwtClaims = (jws: string) => JSON.parse(Buffer.from(jws.split(".")[1]!, "base64url").toString("utf8")) as Record<string, unknown>;

/** A browser at the provider's end_session page: GET it, then confirm its form ("Yes, sign me out"). */
async function signOutAtProvider(url: string, jar: Map<string, string>): Promise<{ status: number; page: string; location?: string }> {
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const remember = (r: Response) => {
    for (const line of r.headers.getSetCookie()) {
      const [pair] = line.split(";");
      jar.set(pair!.slice(0, pair!.indexOf("=")), pair!.slice(pair!.indexOf("=") + 1));
    }
  };
  const page = await fetch(url, { redirect: "manual", headers: { cookie: cookie() } });
  remember(page);
  const html = await page.text();
  if (page.status !== 200) return { status: page.status, page: html };
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
  if (!action || !xsrf) return { status: page.status, page: html };
  const confirm = await fetch(new URL(action, url), {
    method: "POST",
    redirect: "manual",
    headers: { cookie: cookie(), "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ xsrf, logout: "yes" }),
  });
  remember(confirm);
  return { status: confirm.status, page: html, location: confirm.headers.get("location") ?? undefined };
}

const lastAudit = (action: string) => getDb().auditEvent.findFirst({ where: { action }, orderBy: { id: "desc" } });

describe("sign-in through the company's OpenID Connect provider", () => {
  it("asks for the code flow with PKCE (S256), state, nonce, the groups scope the provider offers, and the registered redirect URI", async () => {
    const { url } = await asPublic(() => startOidcSignIn("/"));
    const query = new URL(url).searchParams;
    expect(url.startsWith(`${provider.issuer}/auth?`)).toBe(true);
    expect(query.get("response_type")).toBe("code");
    expect(query.get("client_id")).toBe(provider.clientId);
    expect(query.get("redirect_uri")).toBe(REDIRECT);
    expect(query.get("scope")).toBe("openid email profile groups");
    expect(query.get("code_challenge_method")).toBe("S256");
    expect(query.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(query.get("state")).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(query.get("nonce")).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(query.get("prompt")).toBeNull();
  });

  it("creates an admin and a viewer on their first sign-in, from their groups, with a working session", async () => {
    const alice = await signInAs("alice");
    if (alice.kind !== "signed-in") throw new Error("expected a session");
    expect(alice.next).toBe("/certificates");
    expect(alice.user).toMatchObject({ email: "alice@corp.example", role: "admin", name: "Alice Admin", oidcSubject: "alice" });
    expect(alice.user.oidcIssuer).toBe(provider.issuer);
    expect(alice.user.passwordHash).toBe("");
    expect((await findSession(alice.token))?.user.id).toBe(alice.user.id);
    expect(await lastAudit("user.create")).toMatchObject({ objectLabel: "alice@corp.example", outcome: "success" });
    expect(JSON.parse((await lastAudit("auth.sign_in"))!.detail!)).toMatchObject({ method: "oidc", role: "admin" });

    const victor = await signInAs("victor");
    expect(victor.kind === "signed-in" && victor.user.role).toBe("viewer");
    const lou = await signInAs("lou");
    expect(lou.kind === "signed-in" && lou.user.role).toBe("operator");
    // A second sign-in finds the same user (issuer + subject), not a new one.
    const again = await signInAs("alice");
    expect(again.kind === "signed-in" && again.user.id).toBe(alice.user.id);
  });

  it("takes the role from the groups at every sign-in: demoted, then refused and signed out when no group is mapped", async () => {
    const first = await signInAs("alice");
    if (first.kind !== "signed-in") throw new Error("expected a session");
    people.alice!.groups = ["cadesk-view"];
    const demoted = await signInAs("alice");
    expect(demoted.kind === "signed-in" && demoted.user.role).toBe("viewer");
    expect(await findSession(first.token)).toBeNull(); // the admin session ended with the role
    expect(await lastAudit("user.role")).toMatchObject({ objectLabel: "alice@corp.example" });
    expect(JSON.parse((await lastAudit("user.role"))!.detail!)).toMatchObject({ from: "admin", to: "viewer" });

    people.alice!.groups = ["staff"];
    const lastSession = demoted.kind === "signed-in" ? demoted.token : "";
    const error = await refusal(signInAs("alice"));
    expect(error.code).toBe("UNAUTHORIZED");
    expect(error.message).toBe(
      "Corp SSO signed you in as alice@corp.example, but you are in none of the groups cadesk gives a role to (cadesk-admins, cadesk-ops, cadesk-view). Ask an admin to add you to one of them.",
    );
    expect(await findSession(lastSession)).toBeNull();
    people.alice!.groups = ["cadesk-admins"];
  });

  it("refuses someone in no mapped group, without creating a user", async () => {
    const error = await refusal(signInAs("nora"));
    expect(error.message).toMatch(/^Corp SSO signed you in as nora@corp.example, but you are in none of the groups/);
    expect(await getDb().user.findUnique({ where: { email: "nora@corp.example" } })).toBeNull();
    expect(await lastAudit("auth.sign_in")).toMatchObject({ outcome: "failure", actorLabel: "nora@corp.example" });
  });

  it("refuses a tampered state, a response without this browser's pending login, and an expired ID token", async () => {
    const tampered = await refusal(signInAs("victor", { tamper: (q) => q.set("state", q.get("state")!.slice(0, -2) + "xx") }));
    expect(tampered.message).toMatch(/does not belong to the sign-in this browser started \(its state differs\)/);

    const { url } = await asPublic(() => startOidcSignIn("/"));
    const callback = await loginAtProvider(url, REDIRECT, "victor", "pw-victor");
    const noCookie = await refusal(asPublic(() => completeOidcSignIn(undefined, callback, META)));
    expect(noCookie.message).toMatch(/^This sign-in was not started in this browser/);
    const forged = await refusal(asPublic(() => completeOidcSignIn("v1.forged.cookie", callback, META)));
    expect(forged.message).toMatch(/^This sign-in was not started in this browser/);

    // The provider's ID tokens live an hour: checked two hours later, openid-client refuses it.
    const expired = await refusal(signInAs("victor", { skewSeconds: 2 * 3600 }));
    expect(expired.message).toMatch(/^The ID token from Corp SSO has expired/);
  });

  it("refuses a code the browser did not get for this login (a replayed callback)", async () => {
    const { url, sealed } = await asPublic(() => startOidcSignIn("/"));
    const callback = await loginAtProvider(url, REDIRECT, "victor", "pw-victor");
    await asPublic(() => completeOidcSignIn(sealed, callback, META));
    const replay = await refusal(asPublic(() => completeOidcSignIn(sealed, callback, META)));
    expect(replay.message).toBe("Corp SSO refused the sign-in at its token endpoint (invalid_grant).");
  });

  it("never merges a provider account into a local user on the e-mail alone", async () => {
    await getDb().user.create({ data: { id: "local-pat", email: "pat@corp.example", passwordHash: "x", role: "admin" } });
    people.pat = { email: "pat@corp.example", groups: ["cadesk-view"] };
    const error = await refusal(signInAs("pat"));
    expect(error.message).toBe(
      "cadesk has a local (password) user pat@corp.example. Ask an admin to remove that user, then sign in through Corp SSO again.",
    );
    expect((await getDb().user.findUnique({ where: { id: "local-pat" } }))?.oidcSubject).toBeNull();
  });

  it("re-authenticates an OIDC user by a fresh login at the provider (prompt=login, max_age=0), as themselves only", async () => {
    const jar = new Map<string, string>();
    const signedIn = await signInAs("lou", { jar });
    if (signedIn.kind !== "signed-in") throw new Error("expected a session");
    const found = (await findSession(signedIn.token))!;
    const actor: Actor = {
      type: "user",
      id: found.user.id,
      label: found.user.email,
      role: "operator",
      userId: found.user.id,
      ip: META.ip,
      sessionId: found.session.id,
      authenticatedAt: found.session.authenticatedAt,
    };
    const later = new Date(Date.now() + 5 * 60_000);
    const start = await runAs(actor, () => startOidcReauth("/authorities"));
    const query = new URL(start.url).searchParams;
    expect(query.get("prompt")).toBe("login");
    expect(query.get("max_age")).toBe("0");
    expect(query.get("login_hint")).toBe("lou@corp.example");
    // The same browser: the provider still has Lou's session, and asks again all the same.
    const callback = await loginAtProvider(start.url, REDIRECT, "lou", "pw-lou", jar);
    const outcome = await runAs(actor, () => completeOidcSignIn(start.sealed, callback, META, { now: later }));
    expect(outcome).toEqual({ kind: "reauthenticated", next: "/authorities" });
    expect((await findSession(signedIn.token, later))!.session.authenticatedAt).toEqual(later);

    // Someone else logging in at the provider does not confirm Lou's session.
    const other = await runAs(actor, () => startOidcReauth("/"));
    const victorCallback = await loginAtProvider(other.url, REDIRECT, "victor", "pw-victor");
    const error = await refusal(runAs(actor, () => completeOidcSignIn(other.sealed, victorCallback, META)));
    expect(error.message).toMatch(/^The provider signed in another account \(victor@corp.example\), not lou@corp.example/);
  });

  it("with local passwords off, refuses every password but the break-glass admin's", async () => {
    const base = {
      ...process.env,
      CADESK_PUBLIC_URL: PUBLIC_URL,
      CADESK_OIDC_ISSUER: provider.issuer,
      CADESK_OIDC_CLIENT_ID: provider.clientId,
      CADESK_OIDC_CLIENT_SECRET: provider.clientSecret,
      CADESK_OIDC_NAME: "Corp SSO",
      CADESK_OIDC_ROLE_MAP: "cadesk-admins=admin",
    };
    const db = getDb();
    await db.user.create({
      data: { id: "local-bob", email: "bob@corp.example", passwordHash: await hashPassword(PASSWORD), role: "operator" },
    });
    await db.user.create({ data: { id: "glass", email: "root@corp.example", passwordHash: await hashPassword(PASSWORD), role: "admin" } });
    try {
      setConfigForTesting({ ...base, CADESK_LOCAL_LOGIN: "off", CADESK_BREAK_GLASS_EMAIL: "root@corp.example" });
      const bob = await refusal(asPublic(() => signIn({ email: "bob@corp.example", password: PASSWORD }, META)));
      expect(bob.message).toBe("Passwords are turned off here: sign in with Corp SSO.");
      expect(JSON.parse((await lastAudit("auth.sign_in"))!.detail!)).toEqual({ reason: "local passwords are off" });
      const glass = await asPublic(() => signIn({ email: "root@corp.example", password: PASSWORD }, META));
      expect(glass.user.id).toBe("glass");
      // An OIDC user has no password to confirm with.
      const lou = (await db.user.findFirst({ where: { oidcSubject: "lou" } }))!;
      const actor: Actor = { type: "user", id: lou.id, label: lou.email, role: "operator", userId: lou.id, ip: null, sessionId: "x" };
      const confirm = await refusal(runAs(actor, () => confirmPassword("anything")));
      expect(confirm.message).toMatch(/^You sign in through your identity provider and have no cadesk password/);
      setConfigForTesting({ ...base, CADESK_LOCAL_LOGIN: "on" });
      expect((await asPublic(() => signIn({ email: "bob@corp.example", password: PASSWORD }, META))).user.id).toBe("local-bob");
    } finally {
      setConfigForTesting(base);
    }
  });

  it("offers the provider's sign-out page (RP-Initiated Logout) after cadesk's", async () => {
    const url = new URL((await asPublic(() => oidcSignOutUrl()))!);
    expect(url.href.startsWith(`${provider.issuer}/session/end?`)).toBe(true);
    expect(url.searchParams.get("client_id")).toBe(provider.clientId);
    expect(url.searchParams.get("post_logout_redirect_uri")).toBe(`${PUBLIC_URL}/sign-in`);
    expect(url.searchParams.get("id_token_hint")).toBeNull();
  });

  it("sends the signed-out session's ID token as id_token_hint, which the provider accepts and ends its own session by", async () => {
    useMainProvider();
    const jar = new Map<string, string>();
    const signedIn = await signInAs("victor", { jar });
    if (signedIn.kind !== "signed-in") throw new Error("expected a session");
    const actor = await actorFor(signedIn.token);
    const out = await runAs(actor, () => signOut(signedIn.token));
    expect(out.viaProvider).toBe(true);
    expect(await findSession(signedIn.token)).toBeNull();
    // Stored sealed under the master key, not as the JWT itself.
    expect(out.sealedIdToken).not.toMatch(/^eyJ/);

    const url = new URL((await asPublic(() => oidcSignOutUrl(out.sealedIdToken)))!);
    expect(url.searchParams.get("client_id")).toBe(provider.clientId);
    expect(url.searchParams.get("post_logout_redirect_uri")).toBe(`${PUBLIC_URL}/sign-in`);
    const hint = url.searchParams.get("id_token_hint")!;
    expect(jwtClaims(hint)).toMatchObject({ iss: provider.issuer, aud: provider.clientId, sub: "victor" });

    // The provider refuses a hint it did not sign, so accepting this one means it checked it.
    const forged = new URL(url);
    forged.searchParams.set("id_token_hint", hint.slice(0, -4) + (hint.endsWith("AAAA") ? "BBBB" : "AAAA"));
    const refused = await signOutAtProvider(forged.href, new Map(jar));
    expect(refused.status).toBe(400);
    expect(refused.page).toContain("id_token_hint");

    const done = await signOutAtProvider(url.href, jar);
    expect(done.page).toContain("Yes, sign me out");
    expect(done.status).toBe(303);
    expect(done.location).toBe(`${PUBLIC_URL}/sign-in`);
    // Signed out at the provider too: the same browser is asked for its login again.
    const { url: again } = await asPublic(() => startOidcSignIn("/"));
    const first = await fetch(again, { redirect: "manual", headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; ") } });
    expect(new URL(first.headers.get("location")!, again).pathname).toMatch(/^\/interaction\//);

    // A forged or foreign cookie value gives no hint rather than an error.
    const noHint = new URL((await asPublic(() => oidcSignOutUrl("v1.forged.value")))!);
    expect(noHint.searchParams.get("id_token_hint")).toBeNull();
  });

  it("keeps the newer ID token of a re-authentication as the session's sign-out hint", async () => {
    useMainProvider();
    const jar = new Map<string, string>();
    const signedIn = await signInAs("lou", { jar });
    if (signedIn.kind !== "signed-in") throw new Error("expected a session");
    const actor = await actorFor(signedIn.token);
    const before = (await findSession(signedIn.token))!.session.oidcIdToken;
    const start = await runAs(actor, () => startOidcReauth("/"));
    const callback = await loginAtProvider(start.url, REDIRECT, "lou", "pw-lou", jar);
    await runAs(actor, () => completeOidcSignIn(start.sealed, callback, META));
    const after = (await findSession(signedIn.token))!.session.oidcIdToken;
    expect(after).not.toBe(before);
    const out = await runAs(actor, () => signOut(signedIn.token));
    expect(out.sealedIdToken).toBe(after);
    const hint = new URL((await asPublic(() => oidcSignOutUrl(out.sealedIdToken)))!).searchParams.get("id_token_hint")!;
    // The re-authentication's token: max_age=0 asked for auth_time, and it is the later one.
    expect(typeof jwtClaims(hint).auth_time).toBe("number");
  });

  it("takes the role from the UserInfo groups when the ID token has none", async () => {
    useMainProvider();
    // This provider (oidc-provider conforming) leaves groups out of the ID token: UserInfo has them.
    people.uma = { email: "uma@corp.example", groups: ["cadesk-view"], idTokenGroups: ["cadesk-admins"] };
    const uma = await signInAs("uma");
    expect(uma.kind === "signed-in" && uma.user.role).toBe("viewer");
  });
});

describe("roles from the ID token's claims (as the README documents: UserInfo only when the token lacks them)", () => {
  let idTokenProvider: TestProvider;
  const idPeople: Record<string, TestPerson> = {
    // Different groups in the ID token and in UserInfo, so the role says which one was read.
    ida: { email: "ida@corp.example", idTokenGroups: ["cadesk-admins"], groups: ["cadesk-view"] },
    ned: { email: "ned@corp.example", idTokenGroups: ["staff"], groups: ["cadesk-admins"] },
  };

  beforeAll(async () => {
    idTokenProvider = await startTestProvider({
      caDir: process.env.TEST_TLS_CA_DIR!,
      redirectUri: REDIRECT,
      postLogoutRedirectUri: `${PUBLIC_URL}/sign-in`,
      people: idPeople,
      groupsInIdToken: true,
    });
    setConfigForTesting({
      ...process.env,
      CADESK_PUBLIC_URL: PUBLIC_URL,
      CADESK_OIDC_ISSUER: idTokenProvider.issuer,
      CADESK_OIDC_CLIENT_ID: idTokenProvider.clientId,
      CADESK_OIDC_CLIENT_SECRET: idTokenProvider.clientSecret,
      CADESK_OIDC_NAME: "Corp SSO",
      CADESK_OIDC_ROLE_MAP: "cadesk-admins=admin,cadesk-ops=operator,cadesk-view=viewer",
    });
    forgetDiscovery();
  });

  afterAll(async () => {
    await idTokenProvider?.close();
  });

  it("maps the ID token's groups, not UserInfo's, when the token carries the claim", async () => {
    const ida = await signInAs("ida");
    if (ida.kind !== "signed-in") throw new Error("expected a session");
    expect(ida.user.role).toBe("admin");
    const hint = jwtClaims(openIdToken((await findSession(ida.token))!.session.oidcIdToken)!);
    expect(hint.groups).toEqual(["cadesk-admins"]);
    // The token's groups decide even when UserInfo would grant more: none of Ned's is mapped.
    const error = await refusal(signInAs("ned"));
    expect(error.message).toMatch(/^Corp SSO signed you in as ned@corp.example, but you are in none of the groups/);
  });
});

describe("a public client: no secret, PKCE alone (README: CADESK_OIDC_CLIENT_SECRET unset)", () => {
  beforeAll(() => {
    setConfigForTesting({
      ...process.env,
      CADESK_PUBLIC_URL: PUBLIC_URL,
      CADESK_OIDC_ISSUER: provider.issuer,
      CADESK_OIDC_CLIENT_ID: provider.publicClientId,
      CADESK_OIDC_NAME: "Corp SSO",
      CADESK_OIDC_ROLE_MAP: "cadesk-admins=admin,cadesk-ops=operator,cadesk-view=viewer",
    });
    forgetDiscovery();
  });

  it("signs in through a client registered with token_endpoint_auth_method none, and signs out with the hint", async () => {
    const { url } = await asPublic(() => startOidcSignIn("/"));
    const query = new URL(url).searchParams;
    expect(query.get("client_id")).toBe(provider.publicClientId);
    expect(query.get("code_challenge_method")).toBe("S256");
    people.pia = { email: "pia@corp.example", groups: ["cadesk-ops"] };
    const jar = new Map<string, string>();
    const pia = await signInAs("pia", { jar });
    if (pia.kind !== "signed-in") throw new Error("expected a session");
    expect(pia.user.role).toBe("operator");
    const out = await runAs(await actorFor(pia.token), () => signOut(pia.token));
    const logout = new URL((await asPublic(() => oidcSignOutUrl(out.sealedIdToken)))!);
    expect(logout.searchParams.get("client_id")).toBe(provider.publicClientId);
    expect(jwtClaims(logout.searchParams.get("id_token_hint")!)).toMatchObject({ aud: provider.publicClientId, sub: "pia" });
    expect((await signOutAtProvider(logout.href, jar)).location).toBe(`${PUBLIC_URL}/sign-in`);
  });

  it("is refused by the provider when cadesk is given a secret the public client does not have", async () => {
    setConfigForTesting({
      ...process.env,
      CADESK_PUBLIC_URL: PUBLIC_URL,
      CADESK_OIDC_ISSUER: provider.issuer,
      CADESK_OIDC_CLIENT_ID: provider.publicClientId,
      CADESK_OIDC_CLIENT_SECRET: "not-registered",
      CADESK_OIDC_NAME: "Corp SSO",
      CADESK_OIDC_ROLE_MAP: "cadesk-ops=operator",
    });
    forgetDiscovery();
    const error = await refusal(signInAs("pia"));
    expect(error.message).toMatch(/^Corp SSO refused cadesk's client credentials \(invalid_client\): check the client id and secret/);
  });
});
