import { expect, test } from "@playwright/test";
import { openssl, opensslOk, tempDir, writeFiles } from "../lib/testing/openssl";
import { downloadBy, lightness, snap } from "./helpers";

test("first run: root and intermediate CA, issue a server certificate, find it, download and verify it", async ({ page }) => {
  const dir = tempDir("cadesk-e2e-files-");

  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Welcome to cadesk" })).toBeVisible();
  await snap(page, "01-first-run");

  // Root CA
  await page.getByRole("link", { name: "Create a root CA" }).click();
  await expect(page.getByRole("heading", { name: "New certificate authority" })).toBeVisible();
  await page.getByLabel("Common Name").fill("E2E Root CA");
  await page.getByLabel("Organization (O)").fill("cadesk e2e");
  await snap(page, "02-new-root-form");
  await page.getByRole("button", { name: "Create root CA" }).click();
  await expect(page.getByRole("heading", { name: "E2E Root CA" })).toBeVisible();
  await expect(page.getByText("Root CA", { exact: true })).toBeVisible();
  await snap(page, "03-root-ca-page");
  const root = await downloadBy(page, () => page.getByRole("link", { name: /\.crt \(PEM\)/ }).click(), dir);
  expect(root.name).toBe("E2E_Root_CA.crt");

  // Intermediate under it
  await page.getByRole("link", { name: "New intermediate under it" }).click();
  await expect(page.getByLabel("Signed by")).toHaveValue(/.+/);
  await page.getByLabel("Common Name").fill("E2E Issuing CA");
  await page.getByRole("button", { name: "Create intermediate CA" }).click();
  await expect(page.getByRole("heading", { name: "E2E Issuing CA" })).toBeVisible();
  await expect(page.getByRole("listitem").filter({ hasText: "E2E Root CA" })).toBeVisible();

  // Issue a server certificate with DNS and IP SANs
  await page.getByRole("link", { name: "Issue from this CA" }).click();
  await expect(page.getByLabel("Issuing CA")).toHaveValue(/.+/);
  await page.getByLabel("Common Name").fill("api.e2e.test");
  await page.getByLabel("Subject Alternative Names").fill("www.e2e.test\n10.20.30.40");
  await page.getByRole("radio", { name: "365 days" }).check();
  await expect(page.getByText(/Longer than 200 days/)).toBeVisible();
  await page.getByRole("radio", { name: "90 days" }).check();
  await snap(page, "04-issue-form");
  await page.getByRole("button", { name: "Issue certificate" }).click();
  await expect(page.getByText("Certificate issued and stored.")).toBeVisible();
  await expect(page.getByText("DNS:api.e2e.test, DNS:www.e2e.test, IP:10.20.30.40")).toBeVisible();
  await snap(page, "05-certificate-page");

  // Find it in the inventory by a SAN
  await page.getByRole("link", { name: "Certificates", exact: true }).click();
  await page.getByRole("searchbox", { name: "Search" }).fill("10.20.30.40");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/q=10.20.30.40/);
  const rows = page.getByRole("row").filter({ hasText: "api.e2e.test" });
  await expect(rows).toHaveCount(1);
  await snap(page, "06-inventory-search");
  await rows.getByRole("link", { name: "api.e2e.test" }).click();

  // Download fullchain and key, then check them with openssl
  const fullchain = await downloadBy(page, () => page.getByRole("link", { name: "api.e2e.test.fullchain.pem" }).click(), dir);
  const key = await downloadBy(page, () => page.getByRole("link", { name: "api.e2e.test.key.pem" }).click(), dir);
  expect(fullchain.text.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);

  const [leaf, intermediate] = fullchain.text.split(/(?=-----BEGIN CERTIFICATE-----)/);
  const f = writeFiles(dir, { "leaf.pem": leaf!, "intermediate.pem": intermediate! });
  const verify = openssl([
    "verify",
    "-x509_strict",
    "-purpose",
    "sslserver",
    "-CAfile",
    root.file,
    "-untrusted",
    f["intermediate.pem"]!,
    f["leaf.pem"]!,
  ]);
  expect(verify.status, verify.stderr).toBe(0);
  expect(opensslOk(["x509", "-noout", "-ext", "subjectAltName"], leaf)).toContain(
    "DNS:api.e2e.test, DNS:www.e2e.test, IP Address:10.20.30.40",
  );
  expect(opensslOk(["pkey", "-in", key.file, "-pubout"])).toBe(opensslOk(["x509", "-noout", "-pubkey"], leaf));

  // A PKCS#12 with the typed password
  await page.getByLabel("PKCS#12 password").fill("e2e-secret");
  const p12 = await downloadBy(page, () => page.getByRole("button", { name: "Download api.e2e.test.p12" }).click(), dir);
  const opened = openssl(["pkcs12", "-in", p12.file, "-passin", "pass:e2e-secret", "-nokeys"]);
  expect(opened.status, opened.stderr).toBe(0);
  expect(opened.stdout.match(/BEGIN CERTIFICATE/g)).toHaveLength(3);

  // The overview now counts what was made
  await page.getByRole("link", { name: "Overview" }).click();
  await expect(page.getByRole("link", { name: /Authorities\s*2/ })).toBeVisible();
  // One 90-day certificate: it expires in the last of the 13 weekly bars.
  const chart = page.getByRole("group", { name: /^Certificates expiring per week: (0, ){12}1$/ });
  await expect(chart).toBeVisible();
  // Not amber: 90 days left is outside the 30-day notice window.
  await expect(chart.locator('[data-part="expiring"]')).toHaveCount(0);
  await expect(chart.locator('[data-part="later"]')).toHaveCount(1);
  await expect(page.getByRole("listitem").filter({ hasText: "api.e2e.test" }).first()).toBeVisible();
  await snap(page, "07-overview");
  await page.getByRole("link", { name: "Authorities", exact: true }).click();
  // The hierarchy: the intermediate sits in the list of what its root signed.
  await expect(page.getByRole("list", { name: /^Signed by / }).locator('li[data-ca="E2E Issuing CA"]')).toContainText("Intermediate");
  await snap(page, "08-authorities");

  // Dark mode follows the system setting.
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(lightness(await background())).toBeGreaterThan(0.9);
  await page.emulateMedia({ colorScheme: "dark" });
  expect(lightness(await background())).toBeLessThan(0.25);
  await page.getByRole("link", { name: "Certificates", exact: true }).click();
  await page.getByRole("link", { name: "api.e2e.test" }).click();
  await snap(page, "15-certificate-dark");
});
