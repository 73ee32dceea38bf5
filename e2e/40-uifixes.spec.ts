import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { tempDir } from "../lib/testing/openssl";
import { opensslCsr } from "../lib/testing/openssl-pki";
import { API_TOKEN, snapWidths } from "./helpers";

const auth = { Authorization: `Bearer ${API_TOKEN}` };
const stamp = Date.now();
let root: { id: string; commonName: string };
let issuing: { id: string; commonName: string };

test.beforeAll(async ({ request }) => {
  root = await (await request.post("/api/v1/cas", { headers: auth, data: { commonName: `UI Fixes Root ${stamp}` } })).json();
  issuing = await (
    await request.post("/api/v1/cas", { headers: auth, data: { commonName: `UI Fixes Issuing ${stamp}`, parentId: root.id } })
  ).json();
});

test("a SAN entry with a space is refused, naming it, and the form keeps what was typed (item 8)", async ({ page }) => {
  await page.goto(`/certificates/new?caId=${issuing.id}`);
  await page.getByLabel("Common Name").fill(`space-${stamp}.e2e.test`);
  await page.getByLabel("Subject Alternative Names").fill("ok.e2e.test\nhttp://x y");
  await page.getByRole("button", { name: "Issue certificate" }).click();
  await expect(page.getByRole("main").getByRole("alert").first()).toContainText('The entry "http://x y" contains a space');
  await expect(page.getByLabel("Subject Alternative Names")).toHaveValue("ok.e2e.test\nhttp://x y");
  await expect(page.getByLabel("Common Name")).toHaveValue(`space-${stamp}.e2e.test`);
});

test("a root CA's primary action is New intermediate; revoke buttons are red, Renew is not (item 16)", async ({ page, request }) => {
  await page.goto(`/authorities/${root.id}`);
  await expect(page.getByRole("link", { name: "New intermediate under it" })).toHaveClass(/btn-primary/);
  await expect(page.getByRole("link", { name: "Issue from this CA" })).not.toHaveClass(/btn-primary/);
  await snapWidths(page, "40-root-ca");
  await page.goto(`/authorities/${issuing.id}`);
  await expect(page.getByRole("link", { name: "Issue from this CA" })).toHaveClass(/btn-primary/);
  const revokeCa = page.getByRole("button", { name: "Revoke CA" });
  await expect(revokeCa).toHaveClass(/btn-danger/);

  const cert = await (
    await request.post("/api/v1/certificates", { headers: auth, data: { caId: issuing.id, commonName: `buttons-${stamp}.e2e.test` } })
  ).json();
  await page.goto(`/certificates/${cert.id}`);
  const panel = page.getByRole("region", { name: "Renew or revoke" });
  const background = (name: string) =>
    panel.getByRole("button", { name, exact: true }).evaluate((b) => getComputedStyle(b).backgroundColor);
  const [revoke, renew] = [await background("Revoke"), await background("Renew")];
  expect(revoke).not.toBe(renew);
  await expect(panel.getByRole("button", { name: "Revoke", exact: true })).toHaveClass(/btn-danger/);
  await expect(panel.getByRole("button", { name: "Renew", exact: true })).not.toHaveClass(/btn-danger/);
});

test("an intermediate shortened to its parent's end says so on its page (item 11)", async ({ page, request }) => {
  const shortRoot = await (
    await request.post("/api/v1/cas", { headers: auth, data: { commonName: `UI Fixes Short Root ${stamp}`, validityDays: 365 } })
  ).json();
  const child = await (
    await request.post("/api/v1/cas", { headers: auth, data: { commonName: `UI Fixes Clamped ${stamp}`, parentId: shortRoot.id } })
  ).json();
  await page.goto(`/authorities/${child.id}`);
  await expect(page.getByText(/Its validity was shortened to end with its parent CA/)).toContainText(`UI Fixes Short Root ${stamp}`);
  await page.goto(`/authorities/${issuing.id}`);
  await expect(page.getByText(/Its validity was shortened/)).toHaveCount(0);
});

test("a 30-day certificate is not expiring when issued; the overview bar links to what it counts (item 10)", async ({ page, request }) => {
  const name = `thirty-${stamp}.e2e.test`;
  await request.post("/api/v1/certificates", { headers: auth, data: { caId: issuing.id, commonName: name, validityDays: 30 } });
  const listed = await (await request.get(`/api/v1/certificates?q=${name}`, { headers: auth })).json();
  expect(listed.items[0].status).toBe("valid");
  const expiring = await (await request.get(`/api/v1/certificates?q=${name}&status=expiring`, { headers: auth })).json();
  expect(expiring.total).toBe(0);

  await page.goto("/");
  const chart = page.getByRole("group", { name: /^Certificates expiring per week/ });
  // 30 days and 5 minutes: the fifth weekly bar (days 28-35), drawn as "not yet due".
  const later = chart.getByRole("link", { name: /not yet due/ });
  await expect(chart.locator('[data-part="expiring"]')).toHaveCount(0);
  await snapWidths(page, "40-overview");
  // The link of the bar that holds the 30-day certificate lists it.
  let found = false;
  for (const link of await later.all()) {
    const href = (await link.getAttribute("href"))!;
    const url = new URL(href, "http://x");
    const from = new Date(url.searchParams.get("expiresFrom")!).getTime();
    if (from <= Date.now() + 30 * 86_400_000 && Date.now() + 30 * 86_400_000 < from + 7 * 86_400_000) {
      await link.click();
      found = true;
      break;
    }
  }
  expect(found).toBe(true);
  await expect(page).toHaveURL(/\/certificates\?expiresFrom=/);
  await expect(page.getByRole("link", { name })).toBeVisible();
  await expect(page.getByText(/^Expiring from /)).toBeVisible();
  await snapWidths(page, "40-inventory-from-bar");
});

test("a revoked certificate shows a red banner with reason and date, and says why not to deploy its files (item 12)", async ({
  page,
  request,
}) => {
  const cert = await (
    await request.post("/api/v1/certificates", { headers: auth, data: { caId: issuing.id, commonName: `revoked-${stamp}.e2e.test` } })
  ).json();
  await request.post(`/api/v1/certificates/${cert.id}/revoke`, { headers: auth, data: { reason: "keyCompromise" } });
  await page.goto(`/certificates/${cert.id}`);
  const banner = page.getByRole("alert", { name: "Revoked" });
  await expect(banner).toContainText("Revoked: not to be used");
  await expect(banner).toContainText(/Revoked on \d{4}-\d\d-\d\d \d\d:\d\d UTC for Key compromise \(keyCompromise\)/);
  await expect(page.getByText("Do not deploy these files:")).toBeVisible();
  // Downloads stay possible.
  await expect(page.getByRole("link", { name: `revoked-${stamp}.e2e.test.fullchain.pem` })).toBeVisible();
  await snapWidths(page, "40-revoked-certificate");
});

test("CSR review shows requested EKU, key usage and subject attributes with what is kept; the profile follows the CSR (item 9)", async ({
  page,
}) => {
  const dir = tempDir("cadesk-e2e-review-");
  const csr = opensslCsr(dir, "r", {
    subject: "/C=DE/O=Acme GmbH/OU=Payments/CN=payments-client",
    extra: ["-addext", "extendedKeyUsage=clientAuth", "-addext", "keyUsage=critical,digitalSignature,keyCertSign"],
  });
  await page.goto("/certificates/sign-csr");
  await page.getByLabel("CSR (PEM)").fill(readFileSync(csr.out, "utf8"));
  await page.getByRole("button", { name: "Review CSR" }).click();
  const table = page.getByRole("table", { name: "Requested attributes and usages" });
  const row = (what: string, value: string) => table.getByRole("row").filter({ hasText: what }).filter({ hasText: value });
  await expect(row("Subject O (organization)", "Acme GmbH")).toContainText("kept");
  await expect(row("Subject OU", "Payments")).toContainText("kept");
  await expect(row("Subject C (country)", "DE")).toContainText("kept");
  await expect(row("Extended key usage", "clientAuth")).toContainText("kept");
  await expect(row("Key usage", "keyCertSign")).toContainText("not kept");
  await expect(page.getByLabel("Profile")).toHaveValue("client");
  await snapWidths(page, "40-csr-review");
  await page.getByLabel("Profile").selectOption("server");
  await expect(row("Extended key usage", "clientAuth")).toContainText("not kept");
});

test("the echo server trusts a ticked intermediate alone; its error names the option as labelled (items 1, 14)", async ({
  page,
  request,
}) => {
  const server = await (
    await request.post("/api/v1/certificates", {
      headers: auth,
      data: { caId: issuing.id, profile: "server", commonName: "localhost", sans: { ip: ["127.0.0.1"] } },
    })
  ).json();
  const client = `echo-client-${stamp}`;
  // A client is known by its SAN (a one-label CN does not become a DNS name).
  await request.post("/api/v1/certificates", {
    headers: auth,
    data: { caId: issuing.id, profile: "client", commonName: client, sans: { uri: ["spiffe://e2e.test/echo-client"] } },
  });

  await page.goto("/tls");
  const echoForm = page.getByRole("form", { name: "Echo server" });
  await echoForm.getByLabel("Server certificate").selectOption({ value: server.id });
  await echoForm.getByLabel(/Required/).check();
  for (const box of await echoForm.getByRole("checkbox").all()) await box.uncheck();
  await echoForm.getByRole("button", { name: "Apply to the echo server" }).click();
  await expect(echoForm.getByRole("alert").first()).toContainText('set client certificates to "Ignored"');

  await echoForm.getByLabel(issuing.commonName).check();
  await echoForm.getByRole("button", { name: "Apply to the echo server" }).click();
  // The form's own confirmation, not the badge: the listener was already running before this apply.
  await expect(echoForm.getByRole("status")).toContainText("Applied: new connections");
  await expect(echoForm.getByText(/listening on port \d+/)).toBeVisible();

  const doctor = page.getByRole("form", { name: "Connection doctor" });
  await doctor.getByLabel("the built-in echo server").check();
  await doctor.getByLabel("Trust").selectOption({ label: `cadesk CA: ${issuing.commonName}` });
  await doctor.getByLabel("Client certificate (mTLS)").selectOption({ label: `${client} (TLS client, from ${issuing.commonName})` });
  await doctor.getByRole("button", { name: "Test connection" }).click();
  const result = page.getByRole("region", { name: "Connection result" });
  await expect(result).toContainText("Connection succeeded");
  await expect(result).toContainText(`Client certificate CN=${client} accepted.`);
  await snapWidths(page, "40-tls-intermediate");

  // The run used the stored client key: the audit log says so, as a connection test (item 13).
  await page.goto("/audit?group=tls");
  const audit = page.getByRole("row").filter({ hasText: "tls.test" }).filter({ hasText: client });
  await expect(audit.first()).toContainText("usedStoredKey: true");
  await page.goto("/audit?group=key");
  await expect(page.getByRole("row").filter({ hasText: client })).toHaveCount(0);
  await page.goto("/audit?group=settings");
  await expect(page.getByRole("row").filter({ hasText: "settings.echo" }).first()).toContainText(`clientCas: ${issuing.commonName}`);
  await snapWidths(page, "40-audit");
  // Leave the echo server as the later specs expect to find it: no client CA ticked.
  await request.put("/api/v1/echo", { headers: auth, data: { certificateId: server.id, clientCaIds: [], clientAuth: "none" } });
});
