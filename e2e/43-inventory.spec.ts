import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { tempDir } from "../lib/testing/openssl";
import { ADMIN_EMAIL, ADMIN_PASSWORD, API_TOKEN, downloadBy, snapWidths, makeStale } from "./helpers";

const auth = { Authorization: `Bearer ${API_TOKEN}` };
const stamp = Date.now();
/** The wildcard zone this spec's certificates live in, unique per run. */
const zone = `apps${stamp}.e2e.test`;
let root: { id: string; commonName: string };
let issuing: { id: string; commonName: string };
let revokedCa: { id: string; commonName: string };

/** "12 certificates · page 1 of 2 ..." under the table: the count the list reports. */
async function listedTotal(page: Page): Promise<number> {
  const text = await page.getByRole("navigation", { name: "Pages" }).innerText();
  return Number(/^(\d+) certificates?/.exec(text.trim())?.[1] ?? NaN);
}

test.beforeAll(async ({ request }) => {
  const post = async (url: string, data: object) => {
    const response = await request.post(url, { headers: auth, data });
    expect(response.ok(), await response.text()).toBe(true);
    return response.json();
  };
  root = await post("/api/v1/cas", { commonName: `Inventory Root ${stamp}` });
  issuing = await post("/api/v1/cas", { commonName: `Inventory Issuing ${stamp}`, parentId: root.id });
  revokedCa = await post("/api/v1/cas", { commonName: `Inventory Retired ${stamp}`, parentId: root.id });
  const issue = (commonName: string, dns: string[], validityDays = 40, caId = issuing.id) =>
    post("/api/v1/certificates", { caId, commonName, sans: { dns }, validityDays });
  await issue(`*.${zone}`, [`*.${zone}`]);
  await issue(`foo.${zone}`, [`foo.${zone}`]);
  await issue(`bar.${zone}`, [`bar.${zone}`]);
  await issue(`deep.foo.${zone}`, [`deep.foo.${zone}`]);
  const gone = await issue(`gone.${zone}`, [`gone.${zone}`]);
  await post(`/api/v1/certificates/${gone.id}/revoke`, { reason: "superseded" });
  await issue(`retired.${zone}`, [`retired.${zone}`], 40, revokedCa.id);
  await post(`/api/v1/cas/${revokedCa.id}/revoke`, { reason: "cessationOfOperation" });
});

test("the Authorities page shows the hierarchy with counts and health at 1280 and 390 px", async ({ page }) => {
  await page.goto("/authorities");
  const rootNode = page.locator(`li[data-ca="${root.commonName}"]`);
  const signed = rootNode.getByRole("list", { name: `Signed by ${root.commonName}` });
  await expect(signed.locator(`li[data-ca="${issuing.commonName}"]`)).toBeVisible();
  const issuingNode = page.locator(`li[data-ca="${issuing.commonName}"]`);
  await expect(issuingNode).toHaveAttribute("data-health", "good");
  await expect(issuingNode.locator('[data-count="valid"]')).toHaveText("4 valid");
  await expect(issuingNode.locator('[data-count="revoked"]')).toHaveText("1 revoked");
  await expect(issuingNode).toContainText("ECDSA P-256");
  const retired = page.locator(`li[data-ca="${revokedCa.commonName}"]`);
  await expect(retired).toHaveAttribute("data-health", "bad");
  await expect(retired.getByTestId("health")).toHaveText("Needs action: revoked");
  await snapWidths(page, "43-authorities");
  // Each count leads to exactly the certificates it counts.
  await issuingNode.locator('[data-count="valid"]').click();
  await expect(page).toHaveURL(new RegExp(`caId=${issuing.id}&status=valid`));
  expect(await listedTotal(page)).toBe(4);
});

test("each overview expiry bar lists exactly the certificates it counts", async ({ page }) => {
  await page.goto("/");
  const chart = page.getByRole("group", { name: /^Certificates expiring per week/ });
  await expect(chart).toBeVisible();
  await snapWidths(page, "43-overview");
  const parts = chart.locator("a");
  const links: { label: string; href: string }[] = [];
  for (let i = 0; i < (await parts.count()); i++) {
    links.push({ label: (await parts.nth(i).getAttribute("aria-label"))!, href: (await parts.nth(i).getAttribute("href"))! });
  }
  // This spec's 40-day certificates make at least one bar (the revoked one is not in it).
  expect(links.length).toBeGreaterThan(0);
  for (const { label, href } of links) {
    const shown = Number(label.split(" ")[0]);
    await page.goto(href);
    expect(await listedTotal(page), `${label} -> ${href}`).toBe(shown);
  }
  // And by clicking, as a person does: the first bar part.
  await page.goto("/");
  const first = chart.locator("a").first();
  const shown = Number((await first.getAttribute("aria-label"))!.split(" ")[0]);
  await first.locator("rect").click();
  await expect(page).toHaveURL(/\/certificates\?expiresFrom=/);
  expect(await listedTotal(page)).toBe(shown);
});

test("'covers host' finds the wildcard and the exact name; every filter lives in the URL and Back works", async ({ page, request }) => {
  await page.goto("/certificates");
  await page.getByLabel("Covers host").fill(`FOO.${zone}`);
  await page.getByLabel("Status").selectOption("valid");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/host=FOO\./);
  await expect(page).toHaveURL(/status=valid/);
  const names = page.locator("tbody tr").getByTestId("cn");
  await expect(names).toHaveText([`foo.${zone}`, `*.${zone}`]);
  await snapWidths(page, "43-inventory-host");
  // The API and the export take the same parameter.
  const api = await (await request.get(`/api/v1/certificates?host=foo.${zone}&status=valid`, { headers: auth })).json();
  expect(api.items.map((c: { commonName: string }) => c.commonName).sort()).toEqual([`*.${zone}`, `foo.${zone}`]);
  const refused = await request.get("/api/v1/certificates?host=foo%20bar", { headers: auth });
  expect(refused.status()).toBe(400);

  // A bookmark of that URL is the same view, fields included.
  const bookmarked = page.url();
  await page.goto("/certificates");
  await page.goto(bookmarked);
  await expect(page.getByLabel("Covers host")).toHaveValue(`FOO.${zone}`);
  await expect(page.getByLabel("Status")).toHaveValue("valid");
  await expect(names).toHaveCount(2);

  // Any host of the zone: the wildcard (and the revoked one's wildcard is not there: gone has its own name).
  await page.getByLabel("Covers host").fill(`new.${zone}`);
  await page.getByLabel("Status").selectOption("");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(names).toHaveText([`*.${zone}`]);
  // A name two labels down is not covered by the wildcard (RFC 6125: one label).
  await page.getByLabel("Covers host").fill(`x.deep.foo.${zone}`);
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByText(`No certificate covers x.deep.foo.${zone}.`)).toBeVisible();
  // Not a host: refused with the reason, the typed text kept.
  await page.getByLabel("Covers host").fill("foo bar");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByRole("alert").first()).toContainText('"foo bar" is not a host name or IP address');
  await expect(page.getByLabel("Covers host")).toHaveValue("foo bar");

  // Paging, sorting and page size are in the URL too; Back and Forward walk through them.
  await page.goto(`/certificates?q=${zone}&pageSize=2`);
  await expect(page.getByLabel("Per page")).toHaveValue("2");
  await expect(page.getByRole("navigation", { name: "Pages" })).toContainText("page 1 of 3");
  await page.getByRole("link", { name: "Next" }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(page.getByRole("navigation", { name: "Pages" })).toContainText("page 2 of 3");
  const secondPage = await names.allInnerTexts();
  await page.getByRole("link", { name: /Not after/ }).click();
  await expect(page).toHaveURL(/sort=expiry/);
  await expect(page).not.toHaveURL(/page=2/);
  await page.goBack();
  await expect(page).toHaveURL(/page=2/);
  await expect(names).toHaveText(secondPage);
  await page.goBack();
  await expect(page.getByRole("navigation", { name: "Pages" })).toContainText("page 1 of 3");
  await page.goForward();
  await expect(page.getByRole("navigation", { name: "Pages" })).toContainText("page 2 of 3");
});

test("bulk select: export, renew and revoke the selection, re-auth in place, failures per certificate", async ({ browser, request }) => {
  // Its own session, so making it stale touches no other spec.
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto("/sign-in");
  await page.getByLabel("E-mail").fill(ADMIN_EMAIL);
  await page.getByLabel("Password").fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/localhost:\d+\/$/);

  await page.goto(`/certificates?caId=${issuing.id}&status=valid&sort=expiry`);
  const rows = page.locator("tbody tr");
  await expect(rows).toHaveCount(4);
  const toolbar = page.getByRole("toolbar", { name: "Selected certificates" });
  await expect(toolbar.getByRole("button", { name: "Revoke…" })).toBeDisabled();
  await page.getByLabel("Select all on this page").check();
  await expect(toolbar).toContainText("4 selected");
  await page.getByRole("checkbox", { name: `deep.foo.${zone}`, exact: true }).uncheck();
  await expect(toolbar).toContainText("3 selected");
  await expect(page.getByLabel("Select all on this page")).toHaveJSProperty("indeterminate", true);

  // Export: a PEM bundle openssl reads, then a ZIP unzip reads.
  const dir = tempDir();
  await toolbar.getByRole("button", { name: "Export…" }).click();
  const bundle = await downloadBy(page, () => page.getByRole("button", { name: "Export 3 certificates" }).click(), dir);
  expect(bundle.name).toMatch(/^cadesk-certificates-.*\.pem$/);
  expect(bundle.text.match(/BEGIN CERTIFICATE/g)).toHaveLength(3);
  expect(bundle.text).not.toContain("PRIVATE KEY");
  const printed = execFileSync("sh", ["-c", `openssl crl2pkcs7 -nocrl -certfile "${bundle.file}" | openssl pkcs7 -print_certs -noout`], {
    encoding: "utf8",
  });
  expect(printed.match(/^subject=/gm)).toHaveLength(3);
  await page.getByLabel("Format").selectOption("zip");
  const zip = await downloadBy(page, () => page.getByRole("button", { name: "Export 3 certificates" }).click(), dir);
  expect(zip.name).toMatch(/\.zip$/);
  expect(execFileSync("unzip", ["-Z1", zip.file], { encoding: "utf8" }).trim().split("\n")).toHaveLength(6);
  expect(readFileSync(zip.file).subarray(0, 2).toString()).toBe("PK");
  await snapWidths(page, "43-inventory-selection");

  // Renew two: both renewed, linked to their new certificates.
  await toolbar.getByRole("button", { name: "Clear selection" }).click();
  await expect(toolbar).toContainText("or tick certificates");
  await page.getByRole("checkbox", { name: `foo.${zone}`, exact: true }).check();
  await page.getByRole("checkbox", { name: `bar.${zone}`, exact: true }).check();
  await toolbar.getByRole("button", { name: "Renew…" }).click();
  await page.getByRole("button", { name: "Renew 2 certificates" }).click();
  const outcome = page.getByTestId("bulk-outcome");
  await expect(outcome).toContainText("Renewed 2 of 2.");
  await expect(outcome.getByRole("link")).toHaveCount(2);
  // The list now holds the renewals too (same names, new serials).
  await expect(rows).toHaveCount(6);

  // Revoke after the re-auth window: the password dialog opens in place, then the revocation goes ahead.
  await makeStale(page);
  await page.getByLabel("Select all on this page").check();
  await expect(toolbar).toContainText("6 selected");
  await toolbar.getByRole("button", { name: "Revoke…" }).click();
  await page.getByLabel("Reason").selectOption("keyCompromise");
  await page.getByRole("button", { name: "Revoke 6 certificates" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Tick the box" })).toBeVisible();
  await page.getByLabel("I understand: revocation cannot be undone").check();
  await page.getByRole("button", { name: "Revoke 6 certificates" }).click();
  const dialog = page.getByRole("dialog", { name: "Confirm your password" });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel(`Password for ${ADMIN_EMAIL}`).fill(ADMIN_PASSWORD);
  await dialog.getByRole("button", { name: "Confirm and continue" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(outcome).toContainText("Revoked 6 of 6.");
  // The filter was status=valid: nothing valid is left under this CA.
  await expect(page.getByText("No certificate matches.")).toBeVisible();
  await page.goto(`/certificates?caId=${issuing.id}&status=revoked`);
  expect(await listedTotal(page)).toBe(7);

  // Already revoked ones among the selection: reported on their lines, the other goes ahead.
  const fresh = await request.post("/api/v1/certificates", {
    headers: auth,
    data: { caId: issuing.id, commonName: `gone.${zone}`, sans: { dns: [`gone.${zone}`] } },
  });
  expect(fresh.ok()).toBe(true);
  await page.goto(`/certificates?host=gone.${zone}`);
  // The new one, the one revoked in beforeAll, and the wildcard that covers the name too.
  await expect(rows).toHaveCount(3);
  await page.getByLabel("Select all on this page").check();
  await toolbar.getByRole("button", { name: "Revoke…" }).click();
  await page.getByLabel("I understand: revocation cannot be undone").check();
  await page.getByRole("button", { name: "Revoke 3 certificates" }).click();
  await expect(outcome).toContainText("Revoked 1 of 3. The others are still selected:");
  await expect(outcome.getByRole("listitem").filter({ hasText: "already revoked" })).toHaveCount(2);
  await expect(toolbar).toContainText("2 selected");
  await snapWidths(page, "43-inventory-bulk-outcome");
  await context.close();
});
