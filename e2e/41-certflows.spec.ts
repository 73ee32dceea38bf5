/**
 * The certificate page's renewal window and history (issues #11, #12), the key handed to whoever
 * issues with a generated key (#12 item 5), and feedback a person relies on: busy buttons, Copied,
 * focus on the first error, a real 404 for a missing record.
 */
import { expect, test } from "@playwright/test";
import { opensslOk } from "../lib/testing/openssl";
import path from "node:path";
import { API_TOKEN, SCREENSHOTS, snapWidths } from "./helpers";

const auth = { Authorization: `Bearer ${API_TOKEN}` };
const stamp = Date.now();
let root: { id: string };
let issuing: { id: string };
let endpointName: string;

/** "2026-12-01 11:40 UTC", as the page prints dates. */
const shown = (iso: string) => iso.slice(0, 16).replace("T", " ") + " UTC";

test.beforeAll(async ({ request }) => {
  root = await (await request.post("/api/v1/cas", { headers: auth, data: { commonName: `Certflows Root ${stamp}` } })).json();
  issuing = await (
    await request.post("/api/v1/cas", { headers: auth, data: { commonName: `Certflows Issuing ${stamp}`, parentId: root.id } })
  ).json();
  endpointName = `certflows-${stamp}`;
  const endpoint = await request.post("/api/v1/acme/endpoints", { headers: auth, data: { name: endpointName, caId: issuing.id } });
  expect(endpoint.status()).toBe(201);
});

test("the certificate page shows the ARI window renewalInfo answers, and a history that links renewals both ways", async ({
  page,
  request,
}) => {
  const cert = await (
    await request.post("/api/v1/certificates", {
      headers: auth,
      data: { caId: issuing.id, commonName: `ari-${stamp}.e2e.test`, validityDays: 30 },
    })
  ).json();
  await page.goto(`/certificates/${cert.id}`);
  const history = page.getByRole("region", { name: "History and renewal" });
  const windowText = history.getByLabel("Renewal window");
  await expect(windowText).toContainText("Renew between");

  // The certID on the page is the one an ACME client sends; renewalInfo answers the window the page shows.
  const certId = (await windowText.locator("code").textContent())!;
  const ari = await request.get(`/acme/${endpointName}/renewal-info/${certId}`);
  expect(ari.status()).toBe(200);
  const { suggestedWindow } = await ari.json();
  await expect(windowText).toContainText(`Renew between ${shown(suggestedWindow.start)} and ${shown(suggestedWindow.end)}`);
  expect(new Date(suggestedWindow.end).getTime()).toBe(new Date(cert.notAfter).getTime());

  const events = history.getByRole("list", { name: "History" });
  await expect(events.getByRole("listitem").first()).toContainText("Issued through the API by");
  await expect(events).toContainText("Renewal window opens (ARI)");
  await expect(events).toContainText("Expires");
  await history.getByRole("button", { name: "Copy certID" }).click();
  await expect(history.getByRole("button", { name: "Copied" })).toBeVisible();
  await snapWidths(page, "41-certificate-history");
  await page.setViewportSize({ width: 390, height: 844 });
  await history.screenshot({ path: path.join(SCREENSHOTS, "41-history-card-390.png") });
  await page.setViewportSize({ width: 1280, height: 900 });

  // Renewed and the old one revoked: the old page says renew now (and so does renewalInfo), both link to each other.
  const renewed = await (await request.post(`/api/v1/certificates/${cert.id}/renew`, { headers: auth, data: {} })).json();
  await request.post(`/api/v1/certificates/${cert.id}/revoke`, { headers: auth, data: { reason: "superseded" } });
  await page.reload();
  await expect(windowText).toContainText("Renew now: it is revoked");
  const revokedAri = await (await request.get(`/acme/${endpointName}/renewal-info/${certId}`)).json();
  expect(new Date(revokedAri.suggestedWindow.end).getTime()).toBeLessThanOrEqual(Date.now());
  await expect(events).toContainText("Revoked (superseded) by");
  await snapWidths(page, "41-certificate-history-revoked");
  await events.getByRole("link", { name: /the new certificate/ }).click();
  await expect(page).toHaveURL(new RegExp(`/certificates/${renewed.id}$`));
  await expect(events.getByRole("listitem").first()).toContainText("Issued as a renewal by");
  await events.getByRole("link", { name: /renews serial/ }).click();
  await expect(page).toHaveURL(new RegExp(`/certificates/${cert.id}$`));
});

test("a missing certificate answers HTTP 404 with cadesk's 404 page", async ({ page }) => {
  const response = await page.goto("/certificates/00000000-0000-0000-0000-000000000000");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "This page does not exist" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
});

test("an operator issuing with a generated key is told beforehand, sees a busy button that cannot submit twice, and gets the key once", async ({
  page,
  browser,
  request,
}) => {
  const email = `operator-certflows-${stamp}@e2e.test`;
  const password = "operator passphrase 41";
  await page.goto("/settings/users");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Role", { exact: true }).selectOption("operator");
  await page.getByLabel("Initial password").fill(password);
  await page.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByRole("status")).toContainText(`${email} can now sign in as operator`);

  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const operator = await context.newPage();
  await operator.goto("/sign-in");
  await operator.getByLabel("E-mail").fill(email);
  await operator.getByLabel("Password").fill(password);
  await operator.getByRole("button", { name: "Sign in" }).click();
  await expect(operator.getByRole("navigation", { name: "Main" })).toContainText(email);

  await operator.goto(`/certificates/new?caId=${issuing.id}`);
  const outcome = operator.locator("#key-outcome");
  await expect(outcome).toContainText("You will be able to download the key once, right after issuing");
  await expect(outcome).toContainText("your role cannot download it later");
  await operator.getByLabel("Do not keep the private key").check();
  await expect(outcome).toHaveText("You will be able to download the key once, right after issuing: cadesk does not store it.");
  await operator.getByLabel("Do not keep the private key").uncheck();

  // A failed submit moves focus to the field at fault.
  await operator.getByLabel("Common Name").fill(`operator-${stamp}.e2e.test`);
  await operator.getByLabel("Subject Alternative Names").fill("ok.e2e.test\nbad name.e2e.test");
  await operator.getByRole("button", { name: "Issue certificate" }).click();
  await expect(operator.getByRole("main").getByRole("alert").first()).toContainText("contains a space");
  await expect(operator.getByLabel("Subject Alternative Names")).toBeFocused();
  await operator.getByLabel("Subject Alternative Names").fill(`operator-${stamp}.e2e.test`);
  await snapWidths(operator, "41-issue-form-operator");

  // Busy while the server works: the request is held until the busy state has been seen and a second click tried.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let posts = 0;
  await operator.route("**/certificates/new*", async (route) => {
    if (route.request().method() === "POST") {
      posts++;
      await held;
    }
    await route.continue();
  });
  const issue = operator.getByRole("button", { name: /Issue certificate|Issuing/ });
  await issue.click();
  await expect(issue).toBeDisabled();
  await expect(issue).toHaveText(/Issuing…/);
  await issue.click({ force: true, timeout: 2_000 }).catch(() => {});
  release();
  const panel = operator.getByRole("status").filter({ hasText: "Save the private key now" });
  await expect(panel).toContainText("your role cannot download it again");
  expect(posts).toBe(1);
  await snapWidths(operator, "41-one-time-key-operator");
  const keyPem = (await operator.getByRole("figure").filter({ hasText: "Private key (PKCS#8)" }).locator("pre").textContent())!;
  await operator.getByRole("figure").filter({ hasText: "Private key (PKCS#8)" }).getByRole("button", { name: "Copy" }).click();
  await expect(operator.getByRole("button", { name: "Copied" })).toBeVisible();
  const [download] = await Promise.all([
    operator.waitForEvent("download"),
    operator.getByRole("link", { name: /^Download .*\.key\.pem$/ }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(`operator-${stamp}.e2e.test.key.pem`);
  await operator.getByRole("link", { name: "Continue to the certificate" }).click();
  await expect(operator.getByText("only an admin can download it")).toBeVisible();
  const certId = /\/certificates\/([^?]+)/.exec(operator.url())![1]!;
  // Renewing makes a new key: the operator is told so first, then gets it once too.
  const renewPanel = operator.getByRole("region", { name: "Renew or revoke" });
  await expect(renewPanel).toContainText("You will be able to download the new key once, right after renewing.");
  await renewPanel.getByRole("button", { name: "Renew", exact: true }).click();
  await expect(operator.getByRole("status").filter({ hasText: "Save the private key now" })).toContainText(
    "your role cannot download it again",
  );
  const cert = await (await request.get(`/api/v1/certificates/${certId}`, { headers: auth })).json();
  // The key shown is the certificate's: openssl derives the same public key from both.
  expect(opensslOk(["pkey", "-pubout"], keyPem.trim() + "\n")).toBe(opensslOk(["x509", "-noout", "-pubkey"], cert.certificatePem));
  await context.close();

  // The API hands a generated key to its caller too.
  const viaApi = await (
    await request.post("/api/v1/certificates", { headers: auth, data: { caId: issuing.id, commonName: `api-key-${stamp}.e2e.test` } })
  ).json();
  expect(viaApi.privateKeyPem).toContain("BEGIN PRIVATE KEY");
});

test("a client certificate's Use it tab connects to a placeholder server; a server's keeps mTLS optional", async ({ page, request }) => {
  const client = await (
    await request.post("/api/v1/certificates", {
      headers: auth,
      data: { caId: issuing.id, profile: "client", commonName: `billing-${stamp}`, sans: { uri: [`spiffe://e2e.test/billing-${stamp}`] } },
    })
  ).json();
  await page.goto(`/certificates/${client.id}`);
  await page.getByRole("tab", { name: "Use it" }).click();
  const use = page.getByRole("tabpanel");
  await expect(use).toContainText("https://your-server.example:8443/");
  await expect(use).toContainText("cert=(");
  await expect(use).toContainText("Certificates: []tls.Certificate{cert}");
  await expect(use).not.toContainText(`https://billing-${stamp}`);
  await expect(use).not.toContainText("ssl_verify_client");
  await snapWidths(page, "41-client-snippets");

  const server = await (
    await request.post("/api/v1/certificates", { headers: auth, data: { caId: issuing.id, commonName: `srv-${stamp}.e2e.test` } })
  ).json();
  await page.goto(`/certificates/${server.id}`);
  const nginx = page.getByRole("figure").filter({ hasText: "nginx" });
  await expect(nginx).toContainText("optional mTLS: uncomment");
  await expect(nginx).toContainText("# ssl_verify_client on;");
});

test("a notification channel can be edited: its secret is kept when left blank, and a bad value is refused with focus on it", async ({
  page,
  request,
}) => {
  const name = `Edit hook ${stamp}`;
  const created = await request.post("/api/v1/notifications/channels", {
    headers: auth,
    data: { kind: "webhook", name, url: "https://hooks.e2e.test/old", secret: "0123456789abcdef0123456789abcdef" },
  });
  expect(created.status()).toBe(201);
  const { id } = await created.json();
  await page.goto("/notifications");
  await page.getByRole("link", { name: `Edit channel ${name}` }).click();
  const form = page.getByRole("form", { name: `Edit the channel “${name}”` });
  await expect(form.getByLabel("URL")).toHaveValue("https://hooks.e2e.test/old");
  await expect(form.getByLabel("Signing secret (optional)")).toHaveValue("");
  await expect(form).toContainText("Leave blank to keep the stored one.");
  await snapWidths(page, "41-notifications-edit");

  await form.getByLabel("Signing secret (optional)").fill("short");
  await form.getByRole("button", { name: "Save channel" }).click();
  await expect(form.getByRole("alert").first()).toContainText("at least 16 characters");
  await expect(form.getByLabel("Signing secret (optional)")).toBeFocused();

  await form.getByLabel("Signing secret (optional)").fill("");
  await form.getByLabel("URL").fill("https://hooks.e2e.test/new");
  await form.getByRole("button", { name: "Save channel" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Channel "${name}" saved` })).toBeVisible();
  const channels = (await (await request.get("/api/v1/notifications/channels", { headers: auth })).json()).items as {
    id: string;
    settings: { url: string };
    hasSecret: boolean;
  }[];
  expect(channels.find((c) => c.id === id)).toMatchObject({ settings: { url: "https://hooks.e2e.test/new" }, hasSecret: true });
});
