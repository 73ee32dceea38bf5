import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { openssl, tempDir } from "../lib/testing/openssl";
import { ADMIN_EMAIL, ADMIN_PASSWORD, API_TOKEN, save, snap, makeStale } from "./helpers";

const auth = { Authorization: `Bearer ${API_TOKEN}` };

/** The dialog: labelled, modal, focus inside; a wrong password is refused in place, the right one continues. */
async function confirmInDialog(page: Page): Promise<void> {
  const dialog = page.getByRole("dialog", { name: "Confirm your password" });
  await expect(dialog).toBeVisible();
  await expect(dialog).toHaveAttribute("aria-modal", "true");
  await expect(dialog.getByLabel(`Password for ${ADMIN_EMAIL}`)).toBeFocused();
  await dialog.getByLabel(`Password for ${ADMIN_EMAIL}`).fill(ADMIN_PASSWORD);
  await dialog.getByRole("button", { name: "Confirm and continue" }).click();
  await expect(dialog).toHaveCount(0);
}

test("after the re-auth window, a key download, a PKCS#12 download and a revoke each finish after the password dialog", async ({
  browser,
  request,
}) => {
  const stamp = Date.now();
  const ca = await (await request.post("/api/v1/cas", { headers: auth, data: { commonName: `Reauth E2E ${stamp}` } })).json();
  const cert = await (
    await request.post("/api/v1/certificates", { headers: auth, data: { caId: ca.id, commonName: `reauth-${stamp}.e2e.test` } })
  ).json();

  // Its own session (not the shared admin one), so making it stale touches no other spec.
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto(`/sign-in?next=${encodeURIComponent("https://evil.example/")}`);
  await page.getByLabel("E-mail").fill(ADMIN_EMAIL);
  await page.getByLabel("Password").fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/localhost:\d+\/$/); // "next" never leads off-site
  await page.goto(`/certificates/${cert.id}`);
  const dir = tempDir("cadesk-e2e-reauth-");

  // 1. The private key: the dialog opens on the page; Escape closes it, focus returns, nothing is saved.
  await makeStale(page);
  const keyLink = page.getByRole("link", { name: /\.key\.pem$/ });
  let downloads = 0;
  page.on("download", () => downloads++);
  await keyLink.click();
  const dialog = page.getByRole("dialog", { name: "Confirm your password" });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("more than 60 minutes ago");
  await snap(page, "31-reauth-dialog");
  for (let i = 0; i < 5; i++) {
    await page.keyboard.press("Tab");
    expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true); // focus stays in the dialog
  }
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await expect(keyLink).toBeFocused();
  expect(downloads).toBe(0);

  await keyLink.click();
  await dialog.getByLabel(`Password for ${ADMIN_EMAIL}`).fill("not my password at all");
  await dialog.getByRole("button", { name: "Confirm and continue" }).click();
  await expect(dialog.getByRole("alert")).toHaveText("That is not your password.");
  const [keyDownload] = await Promise.all([page.waitForEvent("download"), confirmInDialog(page)]);
  const key = await save(keyDownload, dir);
  expect(key.name).toMatch(/\.key\.pem$/);
  expect(key.text).toContain("-----BEGIN PRIVATE KEY-----");

  // 2. PKCS#12: the password typed for the file survives the dialog and protects the download.
  await makeStale(page);
  await page.getByLabel("PKCS#12 password").fill("p12 secret 31");
  const [p12Download] = await Promise.all([
    page.waitForEvent("download"),
    (async () => {
      await page.getByRole("button", { name: /^Download .*\.p12$/ }).click();
      await confirmInDialog(page);
    })(),
  ]);
  const p12 = await save(p12Download, dir);
  expect(p12.name).toMatch(/\.p12$/);
  await expect(page.getByLabel("PKCS#12 password")).toHaveValue("p12 secret 31");
  const read = openssl(["pkcs12", "-in", p12.file, "-passin", "pass:p12 secret 31", "-nokeys", "-clcerts"]);
  expect(read.status, read.stderr).toBe(0);
  expect(read.stdout).toContain(`reauth-${stamp}.e2e.test`);
  expect(readFileSync(p12.file).length).toBeGreaterThan(500);

  // 3. Revoke: the chosen reason and the ticked box are what gets revoked once the password is in.
  await makeStale(page);
  const panel = page.getByRole("region", { name: "Renew or revoke" });
  await panel.getByLabel("Reason").selectOption("keyCompromise");
  await panel.getByLabel("Clients that check revocation will refuse it").check();
  await panel.getByRole("button", { name: "Revoke" }).click();
  await confirmInDialog(page);
  await expect(page.getByText(/Revoked on .* \(keyCompromise\)/)).toBeVisible();
  const after = await (await request.get(`/api/v1/certificates/${cert.id}`, { headers: auth })).json();
  expect(after.status).toBe("revoked");

  // All of it on the one page: no tab was opened, and the confirmation is audited.
  expect(context.pages()).toHaveLength(1);
  const audit = await (await request.get(`/api/v1/audit?group=auth&actor=${encodeURIComponent(ADMIN_EMAIL)}`, { headers: auth })).json();
  const confirms = audit.filter((e: { action: string }) => e.action === "auth.confirm_password");
  expect(confirms.filter((e: { outcome: string }) => e.outcome === "success").length).toBeGreaterThanOrEqual(3);
  expect(confirms.filter((e: { outcome: string }) => e.outcome === "failure").length).toBeGreaterThanOrEqual(1);
  await context.close();
});
