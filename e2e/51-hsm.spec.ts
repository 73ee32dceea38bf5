import { spawnSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { API_TOKEN, snap } from "./helpers";

/**
 * A root CA whose key is generated in the HSM (the SoftHSM2 token playwright.config.ts makes for
 * the e2e server): chosen in the new-CA form, its page says where the key is and offers no key,
 * it issues, and when its key is gone from the token the page says so and what to do.
 */
test.skip(process.env.E2E_PKCS11 !== "1", "Debian's softhsm2 is not installed: no token for the e2e server");

const pkcs11Tool = (args: string[]) =>
  spawnSync(
    "pkcs11-tool",
    ["--module", "/usr/lib/softhsm/libsofthsm2.so", "--token-label", "cadesk-e2e", "--login", "--pin", "e2e-pin-2468", ...args],
    { encoding: "utf8", env: process.env },
  );

test("a root CA with its key in the HSM: created in the form, its page says where the key is", async ({ page, request }) => {
  await page.goto("/authorities/new");
  await page.getByLabel("Common Name").fill("E2E HSM Root");
  await page.getByLabel("Private key storage").selectOption({ label: 'Inside the HSM: token "cadesk-e2e"' });
  await page.getByLabel("Key label in the HSM").fill("e2e-hsm-root");
  await snap(page, "51-new-ca-hsm");
  await page.getByRole("button", { name: "Create root CA" }).click();
  await expect(page.getByRole("heading", { name: "E2E HSM Root" })).toBeVisible();

  const key = page
    .locator("div")
    .filter({ has: page.getByRole("heading", { name: "Private key" }) })
    .last();
  await expect(key.getByText(/In the HSM \(PKCS#11\)/)).toBeVisible();
  await expect(key.getByText("cadesk-e2e", { exact: true })).toBeVisible();
  await expect(key.getByText("e2e-hsm-root", { exact: true })).toBeVisible();
  await expect(key.getByText("The token answers: this CA can sign.")).toBeVisible();
  // No key to download: only the certificate.
  await expect(page.getByRole("link", { name: /\.key|private key/i })).toHaveCount(0);
  const id = page.url().split("/authorities/")[1]!.split("?")[0]!;

  // The API says the same, and the CA issues.
  const auth = { Authorization: `Bearer ${API_TOKEN}` };
  const ca = await (await request.get(`/api/v1/cas/${id}`, { headers: auth })).json();
  expect(ca).toMatchObject({ keyStorage: "pkcs11", pkcs11: { tokenLabel: "cadesk-e2e", keyLabel: "e2e-hsm-root" } });
  await expect(key.getByText(ca.pkcs11.keyId, { exact: true })).toBeVisible();
  const issued = await request.post("/api/v1/certificates", { headers: auth, data: { caId: id, commonName: "hsm.e2e.test" } });
  expect(issued.status()).toBe(201);
  // The private key object is in the token, sensitive and never extractable.
  const listing = pkcs11Tool(["--list-objects", "--type", "privkey"]);
  expect(listing.stdout.split(/\n(?=Private Key Object)/).find((b) => b.includes(ca.pkcs11.keyId))).toMatch(
    /sensitive, always sensitive, never extractable/,
  );
  await page.reload();
  await snap(page, "51-hsm-ca-page");

  // The key removed from the token (as a mistaken HSM clean-up would): the page and issuance say so.
  expect(pkcs11Tool(["--delete-object", "--type", "privkey", "--id", ca.pkcs11.keyId]).status).toBe(0);
  await page.reload();
  await expect(page.getByRole("alert").filter({ hasText: "This CA cannot sign now" })).toContainText(
    `holds no private key with the id ${ca.pkcs11.keyId}`,
  );
  await snap(page, "51-hsm-key-missing");
  const refused = await request.post("/api/v1/certificates", { headers: auth, data: { caId: id, commonName: "gone.e2e.test" } });
  expect(refused.status()).toBe(503);
  expect((await refused.json()).error).toMatchObject({ code: "KEY_UNAVAILABLE" });
  const ready = await (await request.get("/readyz")).json();
  expect(ready.checks.find((c: { name: string }) => c.name === `tokenKey:${id}`)).toMatchObject({ ok: false });
});
