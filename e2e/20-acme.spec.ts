/**
 * ACME from the dashboard: an admin creates an endpoint and an EAB key in the UI, copies the
 * certbot set-up from the endpoint page and runs it (Debian's certbot, http-01 with its standalone
 * listener on CADESK_ACME_HTTP_PORT), then sees the account, the order and the certificate appear.
 * A run whose listener is on the wrong port fails its challenge, and the order page says why.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { opensslOk, writeFiles } from "../lib/testing/openssl";
import { API_TOKEN, snap } from "./helpers";

const auth = { Authorization: `Bearer ${API_TOKEN}` };
/** The port cadesk's http-01 validation connects to (playwright.config.ts sets CADESK_ACME_HTTP_PORT). */
const HTTP_PORT = Number(process.env.E2E_PORT ?? 3123) + 2;

/** Runs a set-up copied from the page in bash, as a user would paste it, without blocking the test. */
function runSetup(text: string, prelude: string, env: Record<string, string>): Promise<{ status: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn("bash", ["-e", "-c", `${prelude}\n${text}`], { env: { ...process.env, ...env }, timeout: 120_000 });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("close", (status) => resolve({ status: status ?? -1, output }));
  });
}

/**
 * certbot as the set-up calls it, with its state in a temp dir, its listener on `port`, and no
 * prompts; `systemctl` (the deploy hook's) is a stand-in on PATH that notes what it was asked.
 */
const certbotPrelude = (dir: string, port: number) => `
mkdir -p ${dir}/bin
printf '#!/bin/sh\necho "$*" >> ${dir}/systemctl.log\n' > ${dir}/bin/systemctl && chmod +x ${dir}/bin/systemctl
export PATH=${dir}/bin:$PATH
sudo() { "$@"; }
certbot() {
  /usr/bin/certbot "$@" --config-dir ${dir}/config --work-dir ${dir}/work --logs-dir ${dir}/logs --http-01-port ${port} --non-interactive
}`;

async function widths(page: Page, name: string) {
  await page.setViewportSize({ width: 1280, height: 900 });
  await snap(page, `${name}-1280`);
  await page.setViewportSize({ width: 390, height: 844 });
  await snap(page, `${name}-390`);
  // Nothing may widen the page on a phone: wide content wraps, or scrolls inside its card.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(390);
  await page.setViewportSize({ width: 1360, height: 900 });
}

test("an endpoint and an EAB key made in the UI; certbot from the page's set-up gets a certificate that shows with its account and order", async ({
  page,
  request,
}) => {
  test.setTimeout(180_000);
  const stamp = Date.now().toString(36);
  const root = await (await request.post("/api/v1/cas", { headers: auth, data: { commonName: `ACME E2E Root ${stamp}` } })).json();
  const issuing = await (
    await request.post("/api/v1/cas", { headers: auth, data: { commonName: `ACME E2E Issuing ${stamp}`, parentId: root.id } })
  ).json();
  const name = `e2e-${stamp}`;

  await page.goto("/");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "ACME" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "ACME" })).toBeVisible();
  await page.getByRole("link", { name: "New endpoint" }).click();
  const form = page.getByRole("form", { name: "New ACME endpoint" });
  await form.getByLabel("Name", { exact: true }).fill(name);
  await form.getByLabel("Issuing CA").selectOption(issuing.id);
  // A refused rule keeps everything typed and says what to write instead.
  await form.getByLabel("Allowed names and addresses").fill(".localhost\n127.0.0.1/8");
  await form.getByRole("button", { name: "Create endpoint" }).click();
  await expect(form.getByRole("alert")).toHaveText('"127.0.0.1/8" has host bits set: did you mean 127.0.0.0/8?');
  await expect(form.getByLabel("Name", { exact: true })).toHaveValue(name);
  await expect(form.getByLabel("Require External Account Binding")).toBeChecked();
  await widths(page, "acme-new");
  await form.getByLabel("Allowed names and addresses").fill(".localhost\n127.0.0.0/8");
  await form.getByRole("button", { name: "Create endpoint" }).click();

  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "Endpoint created" })).toBeVisible();
  const directoryUrl = await page.getByLabel("Directory URL").textContent();
  expect(directoryUrl).toMatch(new RegExp(`^http://localhost:\\d+/acme/${name}/directory$`));
  await expect(page.getByRole("note")).toContainText("RFC 8555 (section 6.1) requires ACME over HTTPS");
  const endpointUrl = page.url().split("?")[0]!;
  const endpointId = endpointUrl.split("/").pop()!;

  // The EAB key: shown once, with the set-ups filled in.
  const eab = page.getByRole("region", { name: "EAB keys" });
  await eab.getByLabel("Label (optional)").fill("e2e web servers");
  await eab.getByRole("button", { name: "Create EAB key" }).click();
  const keyId = (await eab.getByLabel("EAB key id").textContent())!;
  const hmacKey = (await eab.getByLabel("EAB HMAC key").textContent())!;
  expect(Buffer.from(hmacKey, "base64url")).toHaveLength(32);
  await expect(eab.getByRole("row", { name: new RegExp(`${keyId}.*e2e web servers.*unused`) })).toBeVisible();
  await widths(page, "acme-endpoint-eab-shown");

  // The certbot set-up as the page shows it (the one reading $EAB_KID / $EAB_HMAC).
  await page.reload();
  await expect(eab.getByLabel("EAB HMAC key")).toHaveCount(0); // shown once only
  const certbotText = (await page.locator('[data-setup="certbot"] pre').textContent())!;
  expect(certbotText).toContain(`--server ${directoryUrl}`);
  expect(certbotText).toContain("-d service.localhost");
  const dir = mkdtempSync(path.join(tmpdir(), "cadesk-e2e-certbot-"));
  const env = { EAB_KID: keyId, EAB_HMAC: hmacKey };
  // `localhost` resolves here; service.localhost does not (glibc), so the run asks for the name itself.
  const setup = certbotText.replace("-d service.localhost", "-d localhost");

  // First run: certbot's listener on another port, so cadesk's http-01 request is refused.
  const wrongPort = HTTP_PORT + 10;
  const failed = await runSetup(setup, certbotPrelude(dir, wrongPort), env);
  expect(failed.status, failed.output).not.toBe(0);
  expect(failed.output).toContain("Some challenges have failed");
  await page.reload();
  const orders = page.getByRole("region", { name: "Recent orders" });
  const failedRow = orders.getByRole("row", { name: /localhost .* invalid/ });
  await expect(failedRow).toBeVisible();
  await failedRow.getByRole("link", { name: /see why/ }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Order for localhost");
  await expect(page.getByRole("status")).toContainText(`Failed: localhost (http-01):`);
  const transcript = page.getByRole("list", { name: "What cadesk tried for http-01" });
  await expect(transcript).toContainText(`:${HTTP_PORT}`);
  await expect(transcript).toContainText(/refused/i);
  await widths(page, "acme-order-failed");

  // Second run: the listener where cadesk looks. The same account (bound to the EAB key) orders again.
  const ok = await runSetup(setup, certbotPrelude(dir, HTTP_PORT), env);
  expect(ok.status, ok.output).toBe(0);
  // certbot ran the deploy hook the set-up names.
  expect(readFileSync(path.join(dir, "systemctl.log"), "utf8")).toBe("reload nginx\n");
  const leaf = opensslOk(["x509", "-in", path.join(dir, "config/live/localhost/cert.pem")]);
  const chain = opensslOk(["crl2pkcs7", "-nocrl", "-certfile", path.join(dir, "config/live/localhost/chain.pem")]);
  expect(chain).toContain("PKCS7");
  const files = writeFiles(dir, { "root.pem": root.certificatePem, "leaf.pem": leaf });
  expect(
    opensslOk([
      "verify",
      "-CAfile",
      files["root.pem"]!,
      "-untrusted",
      path.join(dir, "config/live/localhost/chain.pem"),
      files["leaf.pem"]!,
    ]),
  ).toContain("OK");

  await page.goto(endpointUrl);
  const accounts = page.getByRole("region", { name: "Accounts" });
  const account = accounts.getByRole("row", { name: /ops@example\.internal/ });
  await expect(account).toContainText(keyId);
  await expect(account).toContainText("valid");
  await expect(account.getByRole("cell").nth(5)).toHaveText("2");
  await expect(eab.getByRole("row", { name: new RegExp(`${keyId}.*bound`) })).toBeVisible();
  const validRow = orders.getByRole("row", { name: /localhost .* valid/ }).filter({ hasNotText: "invalid" });
  await expect(validRow).toBeVisible();
  await widths(page, "acme-endpoint");

  // The certificate page names its endpoint, account and order.
  await validRow.getByRole("link", { name: "Certificate" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("localhost");
  const origin = page.getByLabel("ACME origin");
  await expect(origin).toContainText(`Issued over ACME by the endpoint ${name} to the account ops@example.internal`);
  await snap(page, "acme-certificate");
  // In the inventory it carries an ACME tag.
  await page.goto("/certificates?q=localhost");
  await expect(page.getByRole("row", { name: /^localhost .* ACME/ })).toBeVisible();

  // The overview counts it, and lists the failed order of the last 24 h.
  await page.goto("/");
  const card = page.getByRole("region", { name: "ACME" });
  await expect(card).toContainText("Certificates managed by ACME");
  await expect(card.getByRole("link", { name: "localhost" })).toBeVisible();
  await widths(page, "acme-overview");

  // The same through the API.
  const accountsApi = await (await request.get(`/api/v1/acme/endpoints/${endpointId}/accounts`, { headers: auth })).json();
  expect(accountsApi.items).toMatchObject([{ contacts: ["ops@example.internal"], eabKeyId: keyId, status: "valid", orderCount: 2 }]);
  const ordersApi = await (await request.get(`/api/v1/acme/endpoints/${endpointId}/orders`, { headers: auth })).json();
  expect(ordersApi.items.map((o: { status: string }) => o.status)).toEqual(["valid", "invalid"]);
  expect(ordersApi.items[1].error.type).toMatch(/^urn:ietf:params:acme:error:/);

  // An admin ends the account and revokes the key; the ACME server then refuses that key.
  await page.goto(endpointUrl);
  await accounts.getByRole("button", { name: "Deactivate account ops@example.internal" }).click();
  await expect(accounts.getByRole("row", { name: /ops@example\.internal/ })).toContainText("revoked");
  await eab.getByRole("button", { name: "Revoke EAB key e2e web servers" }).click();
  await expect(eab.getByRole("row", { name: new RegExp(`${keyId}.*revoked`) })).toBeVisible();
  const refused = await runSetup(setup.replace("certonly", "certonly --force-renewal"), certbotPrelude(dir, HTTP_PORT), env);
  expect(refused.status).not.toBe(0);
  // certbot 2.1 trips over its own error display here; its log has cadesk's answer.
  const log = readFileSync(path.join(dir, "logs/letsencrypt.log"), "utf8");
  expect(log).toContain('"type": "urn:ietf:params:acme:error:unauthorized"');
  expect(log).toMatch(/The account \S+ is revoked: it can no longer make requests/);

  // Edit page and the list, at both widths.
  await page.goto(`${endpointUrl}/edit`);
  await widths(page, "acme-edit");
  await page.goto("/acme-endpoints");
  await expect(page.getByRole("row", { name: new RegExp(name) })).toContainText("1"); // one failed order in 24 h
  await widths(page, "acme-list");
});

test("the admin API: create, patch, EAB, refusals with the field named, delete", async ({ request }) => {
  const ca = await (await request.post("/api/v1/cas", { headers: auth, data: { commonName: `ACME API ${Date.now()}` } })).json();
  const name = `api-${Date.now().toString(36)}`;
  const created = await request.post("/api/v1/acme/endpoints", {
    headers: auth,
    data: { name, caId: ca.id, challenges: ["dns-01"], allowedIdentifiers: [".svc.cluster.local", "10.0.0.0/8"] },
  });
  expect(created.status()).toBe(201);
  const endpoint = await created.json();
  expect(endpoint).toMatchObject({ name, caId: ca.id, challenges: ["dns-01"], requireEab: false, profiles: ["tlsserver"] });
  expect(endpoint.directoryUrl).toMatch(new RegExp(`/acme/${name}/directory$`));

  const directory = await (await request.get(endpoint.directoryUrl.replace(/^https?:\/\/[^/]+/, ""))).json();
  expect(directory.newAccount).toMatch(new RegExp(`/acme/${name}/`));

  const patched = await request.patch(`/api/v1/acme/endpoints/${endpoint.id}`, {
    headers: auth,
    data: { requireEab: true, validityDays: 30 },
  });
  expect(await patched.json()).toMatchObject({ requireEab: true, validityDays: 30, challenges: ["dns-01"] });
  const renamed = await request.patch(`/api/v1/acme/endpoints/${endpoint.id}`, { headers: auth, data: { name: "other" } });
  expect(renamed.status()).toBe(400);
  expect((await renamed.json()).error).toMatchObject({ field: "name" });
  const badRule = await request.post("/api/v1/acme/endpoints", {
    headers: auth,
    data: { name: `${name}-2`, caId: ca.id, allowedIdentifiers: ["*.internal"] },
  });
  expect(badRule.status()).toBe(400);
  expect((await badRule.json()).error.message).toBe('"*.internal": write a suffix as .internal (it allows the wildcard too).');

  const key = await request.post(`/api/v1/acme/endpoints/${endpoint.id}/eab`, { headers: auth });
  expect(key.status()).toBe(201);
  const { keyId, hmacKey } = await key.json();
  expect(Buffer.from(hmacKey, "base64url")).toHaveLength(32);
  const detail = await (await request.get(`/api/v1/acme/endpoints/${endpoint.id}`, { headers: auth })).json();
  expect(detail.eabKeys).toMatchObject([{ keyId, state: "unused" }]);
  expect(JSON.stringify(detail)).not.toContain(hmacKey);
  expect((await request.delete(`/api/v1/acme/endpoints/${endpoint.id}/eab/${keyId}`, { headers: auth })).status()).toBe(204);

  const audit = await (await request.get("/api/v1/audit?group=acme", { headers: auth })).json();
  const actions = audit.map((e: { action: string }) => e.action);
  for (const a of ["acme.endpoint.create", "acme.endpoint.update", "acme.eab_key.create", "acme.eab_key.revoke"])
    expect(actions).toContain(a);

  expect((await request.delete(`/api/v1/acme/endpoints/${endpoint.id}`, { headers: auth })).status()).toBe(204);
  expect((await request.get(`/api/v1/acme/endpoints/${endpoint.id}`, { headers: auth })).status()).toBe(404);
});
