/**
 * A real OpenID Connect provider for tests: the npm `oidc-provider` package (the certified
 * Node.js implementation) over HTTPS with a certificate from a test CA made by lib/pki, with
 * test people and groups served by its findAccount. Used by lib/services/oidc-sign-in.test.ts and
 * the 52- e2e spec; cadesk trusts the CA through NODE_EXTRA_CA_CERTS, as in production.
 */
import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import path from "node:path";
import Provider, { type Configuration } from "oidc-provider";
import { certificatePem, signLeafCertificate } from "../pki/certificate";
import { x509 } from "../pki/crypto-provider";
import { generateKeyPair, privateKeyPem } from "../pki/keys";
import { buildName } from "../pki/names";
import { computeValidity } from "../pki/profiles";
import { randomSerial } from "../pki/serial";
import { pkcs8Signer } from "../signers/webcrypto";

export interface TestPerson {
  email?: string;
  name?: string;
  groups?: string[];
  /** Groups the ID token says, when they differ from UserInfo's `groups` (only with groupsInIdToken). */
  idTokenGroups?: string[];
  /** The password the provider's login form wants (default "pw-" + the login). */
  password?: string;
}

/** A server certificate for localhost and 127.0.0.1 from the CA in `dir`. */
async function serverCertificate(dir: string): Promise<{ cert: string; key: string }> {
  const caPem = readFileSync(path.join(dir, "ca.pem"), "utf8");
  const caKeyDer = x509.PemConverter.decode(readFileSync(path.join(dir, "ca-key.pem"), "utf8"))[0]!;
  const ca = new x509.X509Certificate(caPem);
  const leafKey = await generateKeyPair("ecdsa-p256");
  const leaf = await signLeafCertificate({
    issuer: { certificate: ca, signer: await pkcs8Signer(new Uint8Array(caKeyDer), "ecdsa-p256") },
    subject: buildName({ commonName: "localhost" }),
    publicKey: leafKey.keys.publicKey,
    sans: [
      { type: "dns", value: "localhost" },
      { type: "ip", value: "127.0.0.1" },
    ],
    profile: "server",
    validity: computeValidity(7, new Date()),
    serialNumber: randomSerial(),
  });
  return { cert: certificatePem(leaf) + caPem, key: privateKeyPem(leafKey.pkcs8) };
}

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** A public client of the same redirect URIs: no secret, token_endpoint_auth_method none, PKCE alone. */
  publicClientId: string;
  people: Record<string, TestPerson>;
  close(): Promise<void>;
}

/**
 * Starts the provider on 127.0.0.1 (port 0: any free one) with one confidential client whose
 * redirect URI is `redirectUri`. Logins are the keys of `people`; its login form is
 * oidc-provider's own development form, and consent is granted without asking (as a company's
 * provider does for its own applications).
 */
export async function startTestProvider(options: {
  caDir: string;
  redirectUri: string;
  postLogoutRedirectUri: string;
  people: Record<string, TestPerson>;
  port?: number;
  /** Put the groups claim in the ID token too (default: only UserInfo has it, as oidc-provider conforms by default). */
  groupsInIdToken?: boolean;
}): Promise<TestProvider> {
  const { cert, key } = await serverCertificate(options.caDir);
  let handler: Parameters<typeof createServer>[1] = (_req, res) => res.end();
  const server: Server = createServer({ cert, key }, (req, res) => handler!(req, res));
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const issuer = `https://localhost:${(server.address() as AddressInfo).port}`;
  const clientId = "cadesk-test";
  const publicClientId = "cadesk-public";
  const clientSecret = "test-secret-" + Math.random().toString(36).slice(2);
  const jwk = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" });
  const people = options.people;
  const configuration: Configuration = {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [options.redirectUri],
        post_logout_redirect_uris: [options.postLogoutRedirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
      {
        client_id: publicClientId,
        redirect_uris: [options.redirectUri],
        post_logout_redirect_uris: [options.postLogoutRedirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "none",
      },
    ],
    jwks: { keys: [{ ...jwk, kid: "test-key", use: "sig", alg: "RS256" } as never] },
    cookies: { keys: ["cadesk-test-cookie-key"] },
    claims: { email: ["email", "email_verified"], profile: ["name", "preferred_username"], groups: ["groups"] },
    conformIdTokenClaims: !options.groupsInIdToken,
    pkce: { required: () => true },
    // ID tokens live an hour (the expiry test checks one two hours later).
    ttl: { IdToken: 3600, AccessToken: 600, Interaction: 600, Grant: 3600, Session: 3600 },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    async findAccount(_ctx, id) {
      const person = people[id];
      if (!person) return undefined;
      return {
        accountId: id,
        // `use` is "id_token" or "userinfo": a person may have other groups in each, to tell them apart.
        async claims(use) {
          return {
            sub: id,
            ...(person.email ? { email: person.email, email_verified: true } : {}),
            name: person.name ?? id,
            preferred_username: id,
            groups: (use === "id_token" ? person.idTokenGroups : undefined) ?? person.groups ?? [],
          };
        },
      };
    },
    // Consent is granted for whatever the client asks (skips the consent page).
    async loadExistingGrant(ctx) {
      const session = ctx.oidc.session;
      if (!session?.accountId || !ctx.oidc.client) return undefined;
      const clientId = ctx.oidc.client.clientId;
      const grantId = ctx.oidc.result?.consent?.grantId || session.grantIdFor(clientId);
      const found = grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined;
      const grant =
        found && found.accountId === session.accountId ? found : new ctx.oidc.provider.Grant({ clientId, accountId: session.accountId });
      grant.addOIDCScope(String(ctx.oidc.params?.scope ?? "openid"));
      await grant.save();
      return grant;
    },
  };
  const provider = new Provider(issuer, configuration);
  // oidc-provider's development login accepts any password; this one checks the person's.
  provider.use(async (ctx, next) => {
    if (ctx.method === "POST" && /^\/interaction\/[^/]+\/login$/.test(ctx.path)) {
      const body = await readForm(ctx.req);
      const login = body.get("login") ?? "";
      const person = people[login];
      if (!person || body.get("password") !== (person.password ?? `pw-${login}`)) {
        ctx.status = 401;
        ctx.type = "text/html";
        ctx.body = "<!doctype html><title>Wrong password</title><p>Wrong login or password.</p>";
        return;
      }
      // Hand the body on to the dev interaction, which reads it again.
      (ctx.req as unknown as { body: Record<string, string> }).body = Object.fromEntries(body);
    }
    await next();
  });
  // A provider-side failure shows as "server_error" in the browser: say why in the test output.
  provider.on("server_error", (_ctx, error) => console.error("[test provider] server_error:", (error as Error).stack));
  handler = provider.callback();
  return {
    issuer,
    clientId,
    clientSecret,
    publicClientId,
    people,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function readForm(req: NodeJS.ReadableStream): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

/**
 * What a browser does at the provider, over real HTTPS: follows the authorization URL to the
 * login form, posts the login and password, and follows redirects until the provider sends the
 * browser to `redirectUri`; returns that callback's query. `jar` keeps the provider's cookies
 * (pass the same one again for a second login in the same browser).
 */
export async function loginAtProvider(
  authorizationUrl: string,
  redirectUri: string,
  login: string,
  password: string,
  jar: Map<string, string> = new Map(),
): Promise<URLSearchParams> {
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const remember = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const at = pair!.indexOf("=");
      jar.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
  };
  let url = authorizationUrl;
  let body: URLSearchParams | undefined;
  for (let hop = 0; hop < 20; hop++) {
    if (url.startsWith(redirectUri)) return new URL(url).searchParams;
    const response = await fetch(url, {
      method: body ? "POST" : "GET",
      redirect: "manual",
      headers: { cookie: cookieHeader(), ...(body ? { "content-type": "application/x-www-form-urlencoded" } : {}) },
      body,
    });
    remember(response);
    body = undefined;
    const location = response.headers.get("location");
    if (location) {
      url = new URL(location, url).href;
      continue;
    }
    const html = await response.text();
    if (response.status !== 200) throw new Error(`the provider answered ${response.status} at ${url}: ${html.slice(0, 300)}`);
    // The login form: post the login and password to its action.
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (!action) throw new Error(`no form at ${url}: ${html.slice(0, 300)}`);
    body = new URLSearchParams({ prompt: "login", login, password });
    url = new URL(action, url).href;
  }
  throw new Error("the provider never redirected back");
}
