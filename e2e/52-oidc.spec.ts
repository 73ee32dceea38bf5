/**
 * Sign-in through a real OpenID Connect provider in Chromium: oidc-provider over HTTPS (its
 * certificate from a test CA made by lib/pki) and a second cadesk server (scripts/serve.mjs on its
 * own SQLite file, in this spec's port block) that trusts the CA through NODE_EXTRA_CA_CERTS and
 * is configured by CADESK_OIDC_*, so the other specs' server is untouched. Covers the role
 * mapping (admin, viewer), a person in no mapped group, a tampered state, re-authentication in a
 * pop-up, sign-out at cadesk and at the provider (with id_token_hint), the break-glass password, and screenshots.
 */
import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";
import Database from "better-sqlite3";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startTestProvider, type TestPerson, type TestProvider } from "../lib/testing/oidc-provider";
import { writeTestTlsCa } from "../lib/testing/tls-ca";
import { snap } from "./helpers";

// This spec's block: the main e2e server is E2E_PORT (+1 echo, +2 ACME); ours start at +10.
const BASE_PORT = Number(process.env.E2E_PORT ?? 3123) + 10;
const CADESK_PORT = BASE_PORT;
const PROVIDER_PORT = BASE_PORT + 2;
const CADESK = `http://localhost:${CADESK_PORT}`;
const GLASS_EMAIL = "glass@e2e.test";
const GLASS_PASSWORD = "emergency access passphrase 52";

const people: Record<string, TestPerson> = {
  alice: { email: "alice@corp.example", name: "Alice Admin", groups: ["staff", "cadesk-admins"] },
  victor: { email: "victor@corp.example", name: "Victor Viewer", groups: ["cadesk-view"] },
  nora: { email: "nora@corp.example", name: "Nora Nogroup", groups: ["staff"] },
};

let dir: string;
let provider: TestProvider;
let server: ChildProcess;
const serverOutput: string[] = [];

function run(script: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { env, stdio: "ignore" });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${script} exited ${code}`))));
  });
}

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  dir = mkdtempSync(path.join(tmpdir(), "cadesk-oidc-e2e-"));
  const ca = await writeTestTlsCa(path.join(dir, "tls-ca"));
  provider = await startTestProvider({
    caDir: path.join(dir, "tls-ca"),
    redirectUri: `${CADESK}/auth/oidc/callback`,
    postLogoutRedirectUri: `${CADESK}/sign-in`,
    people,
    port: PROVIDER_PORT,
  });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CADESK_DATA_DIR: path.join(dir, "data"),
    CADESK_PUBLIC_URL: CADESK,
    CADESK_ECHO_PORT: String(BASE_PORT + 1),
    CADESK_API_TOKEN: "oidc-e2e-token-not-secret",
    CADESK_ADMIN_EMAIL: GLASS_EMAIL,
    CADESK_ADMIN_PASSWORD: GLASS_PASSWORD,
    CADESK_OIDC_ISSUER: provider.issuer,
    CADESK_OIDC_CLIENT_ID: provider.clientId,
    CADESK_OIDC_CLIENT_SECRET: provider.clientSecret,
    CADESK_OIDC_NAME: "Corp SSO",
    CADESK_OIDC_ROLE_MAP: "cadesk-admins=admin,cadesk-ops=operator,cadesk-view=viewer",
    CADESK_LOCAL_LOGIN: "off",
    CADESK_BREAK_GLASS_EMAIL: GLASS_EMAIL,
    // cadesk trusts the provider's certificate the documented way.
    NODE_EXTRA_CA_CERTS: ca.certFile,
    NEXT_TELEMETRY_DISABLED: "1",
  };
  await run("scripts/prepare-db.mjs", env);
  server = spawn(process.execPath, ["scripts/serve.mjs", "--port", String(CADESK_PORT)], { env, stdio: ["ignore", "pipe", "pipe"] });
  server.stdout!.on("data", (d) => serverOutput.push(String(d)));
  server.stderr!.on("data", (d) => serverOutput.push(String(d)));
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${CADESK}/healthz`)).ok) break;
    } catch {}
    if (i > 240) throw new Error(`the OIDC cadesk server did not start:\n${serverOutput.join("").slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
});

test.afterAll(async () => {
  server?.kill("SIGTERM");
  await new Promise((r) => server?.once("exit", r));
  await provider?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh browser with no cadesk session; the provider's certificate is the test CA's, which Chromium is not given. */
async function freshContext(browser: Browser, viewport = { width: 1280, height: 900 }): Promise<BrowserContext> {
  return browser.newContext({ baseURL: CADESK, ignoreHTTPSErrors: true, viewport, storageState: { cookies: [], origins: [] } });
}

/** At the provider's login form: type the person's login and password. */
async function loginAtProvider(page: Page, login: string) {
  await expect(page).toHaveURL(new RegExp(`^${provider.issuer}/interaction/`));
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill(`pw-${login}`);
  await page.getByRole("button", { name: "Sign-in" }).click();
}

/** cadesk's own alert (Next's route announcer is an empty alert too). */
const alert = (page: Page) => page.locator('[role="alert"]:not(#__next-route-announcer__)');

async function signIn(page: Page, login: string) {
  await page.goto("/sign-in");
  await page.getByRole("link", { name: "Sign in with Corp SSO" }).click();
  await loginAtProvider(page, login);
}

test("an admin and a viewer sign in through the provider with the roles their groups map to", async ({ browser }) => {
  for (const viewport of [
    { width: 1280, height: 900 },
    { width: 390, height: 844 },
  ]) {
    const context = await freshContext(browser, viewport);
    const page = await context.newPage();
    await page.goto("/sign-in");
    await expect(page.getByRole("link", { name: "Sign in with Corp SSO" })).toBeVisible();
    await expect(page.locator("summary", { hasText: "Break-glass admin" })).toBeVisible();
    await snap(page, `52-sign-in-${viewport.width}`);
    await context.close();
  }

  const context = await freshContext(browser);
  const page = await context.newPage();
  await signIn(page, "alice");
  await expect(page).toHaveURL(`${CADESK}/`);
  await expect(page.getByText("alice@corp.example").first()).toBeVisible();
  await expect(page.getByRole("link", { name: "Users" })).toBeVisible(); // admins manage users
  await page.goto("/settings/users");
  await expect(page.getByRole("cell", { name: "alice@corp.example" })).toBeVisible();
  await context.close();

  const viewerContext = await freshContext(browser);
  const viewer = await viewerContext.newPage();
  await signIn(viewer, "victor");
  await expect(viewer).toHaveURL(`${CADESK}/`);
  await expect(viewer.getByRole("link", { name: "Certificates", exact: true })).toBeVisible();
  await expect(viewer.getByRole("link", { name: "Issue certificate" })).toHaveCount(0);
  await viewer.goto("/settings/users");
  await expect(viewer).toHaveURL(/\/forbidden$/);
  await viewerContext.close();
});

test("someone in no mapped group is refused with a plain message", async ({ browser }) => {
  const context = await freshContext(browser);
  const page = await context.newPage();
  await signIn(page, "nora");
  await expect(page).toHaveURL(/\/sign-in\?problem=/);
  await expect(alert(page)).toHaveText(
    "Corp SSO signed you in as nora@corp.example, but you are in none of the groups cadesk gives a role to (cadesk-admins, cadesk-ops, cadesk-view). Ask an admin to add you to one of them.",
  );
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in/); // no session
  await context.close();
});

test("a callback whose state was tampered with is refused", async ({ browser }) => {
  const context = await freshContext(browser);
  const page = await context.newPage();
  // The start, as the link does it, but stopping at the redirect (the context keeps cadesk's
  // pending-login cookie); the state sent to the provider is then changed, so the one coming back
  // is not this browser's.
  const start = await page.request.get("/auth/oidc/start?next=%2F", { maxRedirects: 0 });
  expect(start.status()).toBe(303);
  const authorization = new URL(start.headers()["location"]!);
  authorization.searchParams.set("state", `${authorization.searchParams.get("state")!.slice(0, -3)}bad`);
  await page.goto(authorization.href);
  await loginAtProvider(page, "alice");
  await expect(alert(page)).toHaveText(
    "This sign-in response does not belong to the sign-in this browser started (its state differs), so it was refused. Start again from the sign-in page.",
  );
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in/);
  await context.close();
});

test("a sensitive action re-authenticates at the provider in a pop-up; the settings page says what the environment sets", async ({
  browser,
}) => {
  const context = await freshContext(browser);
  const page = await context.newPage();
  await signIn(page, "alice");
  await expect(page).toHaveURL(`${CADESK}/`);
  await page.goto("/settings/sign-in");
  await expect(page.getByRole("heading", { name: "Sign-in", level: 1 })).toBeVisible();
  await expect(page.getByText(`${CADESK}/auth/oidc/callback`)).toBeVisible();
  await expect(page.getByText(`${provider.issuer} answers discovery`)).toBeVisible();
  await expect(page.getByLabel("Issuer URL")).toBeDisabled();
  await expect(page.getByLabel("Issuer URL")).toHaveValue(provider.issuer);
  await expect(page.getByText("CADESK_OIDC_ISSUER").first()).toBeVisible();
  await snap(page, "52-settings-1280");
  await page.setViewportSize({ width: 390, height: 844 });
  await snap(page, "52-settings-390");
  await page.setViewportSize({ width: 1280, height: 900 });

  // Make the sign-in old (as if an hour had passed) so that saving needs a fresh confirmation.
  const db = new Database(path.join(dir, "data", "cadesk.db"));
  db.prepare(`UPDATE "Session" SET "authenticatedAt" = ?`).run(new Date(Date.now() - 3600_000).toISOString().replace("Z", "+00:00"));
  db.close();
  await page.getByLabel("Scopes").fill("openid email profile groups");
  await page.getByRole("button", { name: "Save" }).click();
  const dialog = page.getByRole("dialog", { name: "Confirm it is you" });
  await expect(dialog).toBeVisible();
  const [popup] = await Promise.all([page.waitForEvent("popup"), dialog.getByRole("button", { name: "Confirm with Corp SSO" }).click()]);
  // prompt=login: the provider asks for the password again even though its session is alive.
  await expect(popup.locator('input[name="password"]')).toBeVisible();
  // The form is pre-filled with the login_hint cadesk sends (her e-mail); this provider's logins are names.
  await expect(popup.locator('input[name="login"]')).toHaveValue("alice@corp.example");
  await popup.locator('input[name="login"]').fill("alice");
  await popup.locator('input[name="password"]').fill("pw-alice");
  await popup.getByRole("button", { name: "Sign-in" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await expect(dialog).toHaveCount(0);
  await page.reload();
  await expect(page.getByLabel("Scopes")).toHaveValue("openid email profile groups");
  await context.close();
});

test("sign-out ends the cadesk session and offers the provider's sign-out, with the session's ID token as id_token_hint", async ({
  browser,
}) => {
  const context = await freshContext(browser);
  const page = await context.newPage();
  await signIn(page, "victor");
  await expect(page).toHaveURL(`${CADESK}/`);
  await page.getByRole("button", { name: "Sign out" }).first().click();
  await expect(page).toHaveURL(/\/sign-in\?signed-out=provider/);
  await expect(page.getByRole("status")).toContainText("You are signed out of cadesk, but still signed in at Corp SSO.");
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto("/sign-in?signed-out=provider");
  // The link goes through cadesk (/auth/oidc/logout), which adds the hint (RP-Initiated Logout 1.0 section 2).
  const endSession = page.waitForRequest((r) => r.url().startsWith(`${provider.issuer}/session/end?`));
  await page.getByRole("link", { name: "Sign out of Corp SSO too" }).click();
  const query = new URL((await endSession).url()).searchParams;
  expect(query.get("client_id")).toBe(provider.clientId);
  expect(query.get("post_logout_redirect_uri")).toBe(`${CADESK}/sign-in`);
  const hint = JSON.parse(Buffer.from(query.get("id_token_hint")!.split(".")[1]!, "base64url").toString("utf8"));
  expect(hint).toMatchObject({ iss: provider.issuer, aud: provider.clientId, sub: "victor" });
  await page.getByRole("button", { name: "Yes, sign me out" }).click();
  await expect(page).toHaveURL(`${CADESK}/sign-in`);
  // Signed out there too: the next sign-in asks for the login again.
  await page.getByRole("link", { name: "Sign in with Corp SSO" }).click();
  await expect(page.locator('input[name="login"]')).toBeVisible();
  await context.close();
});

test("with passwords off, only the break-glass admin signs in with one", async ({ browser }) => {
  const context = await freshContext(browser);
  const page = await context.newPage();
  await page.goto("/sign-in");
  await page.locator("summary", { hasText: "Break-glass admin" }).click();
  await expect(page.getByText("Passwords are turned off: everyone signs in with Corp SSO.")).toBeVisible();
  await page.getByLabel("E-mail").fill("alice@corp.example");
  await page.getByLabel("Password", { exact: true }).fill("anything at all");
  await page.getByRole("button", { name: "Sign in with password" }).click();
  await expect(alert(page)).toHaveText("Passwords are turned off here: sign in with Corp SSO.");
  await page.getByLabel("E-mail").fill(GLASS_EMAIL);
  await page.getByLabel("Password", { exact: true }).fill(GLASS_PASSWORD);
  await page.getByRole("button", { name: "Sign in with password" }).click();
  await expect(page).toHaveURL(`${CADESK}/`);
  await context.close();
});
