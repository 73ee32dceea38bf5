/**
 * The certificate page's renewal window and history (issues #11, #12), the key handed to whoever
 * issues with a generated key (#12 item 5), and feedback a person relies on: busy buttons, Copied,
 * focus on the first error, a real 404 for a missing record.
 */
import { expect, test, type Page } from "@playwright/test";
import { API_TOKEN, snap } from "./helpers";

const auth = { Authorization: `Bearer ${API_TOKEN}` };
const stamp = Date.now();
let root: { id: string };
let issuing: { id: string };
let endpointName: string;

/** The page at laptop and phone width, each kept for a person to look at. */
async function snapBoth(page: Page, name: string): Promise<void> {
  for (const [width, height] of [
    [1280, 900],
    [390, 844],
  ] as const) {
    await page.setViewportSize({ width, height });
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `${name} at ${width}px`).toBe(true);
    await snap(page, `41-${name}-${width}`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

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
  await snapBoth(page, "certificate-history");

  // Renewed and the old one revoked: the old page says renew now (and so does renewalInfo), both link to each other.
  const renewed = await (await request.post(`/api/v1/certificates/${cert.id}/renew`, { headers: auth, data: {} })).json();
  await request.post(`/api/v1/certificates/${cert.id}/revoke`, { headers: auth, data: { reason: "superseded" } });
  await page.reload();
  await expect(windowText).toContainText("Renew now: it is revoked");
  const revokedAri = await (await request.get(`/acme/${endpointName}/renewal-info/${certId}`)).json();
  expect(new Date(revokedAri.suggestedWindow.end).getTime()).toBeLessThanOrEqual(Date.now());
  await expect(events).toContainText("Revoked (superseded) by");
  await snapBoth(page, "certificate-history-revoked");
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
