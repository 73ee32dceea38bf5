import { writeFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { tempDir } from "../lib/testing/openssl";
import { opensslPem, opensslSelfSigned } from "../lib/testing/openssl-pki";
import { API_TOKEN, snap } from "./helpers";

const auth = { Authorization: `Bearer ${API_TOKEN}` };
let caId: string;

async function certificateCount(request: APIRequestContext): Promise<number> {
  return (await (await request.get("/api/v1/certificates?pageSize=1", { headers: auth })).json()).total;
}

test.beforeAll(async ({ request }) => {
  const res = await request.post("/api/v1/cas", { headers: auth, data: { commonName: `Bad Input Root ${Date.now()}` } });
  caId = (await res.json()).id;
});

test("the CSR form explains malformed PEM and a certificate pasted as a CSR, and keeps the text", async ({ page, request }) => {
  const before = await certificateCount(request);
  await page.goto("/certificates/sign-csr");
  const broken = "-----BEGIN CERTIFICATE REQUEST-----\nMIIB!!not-base64\n-----END CERTIFICATE REQUEST-----";
  await page.getByLabel("CSR (PEM)").fill(broken);
  await page.getByRole("button", { name: "Review CSR" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toContainText("is not valid base64");
  await expect(page.getByLabel("CSR (PEM)")).toHaveValue(broken);
  await snap(page, "11-csr-malformed");

  const dir = tempDir();
  const notACsr = opensslSelfSigned(dir, "c", { subject: "/CN=not-a-csr" });
  await page.getByLabel("CSR (PEM)").fill(opensslPem.certificate(notACsr.out));
  await page.getByRole("button", { name: "Review CSR" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toContainText("You pasted a certificate");
  expect(await certificateCount(request)).toBe(before);
});

test("an upload over 1 MiB is refused in the form before it is sent", async ({ page }) => {
  const dir = tempDir();
  const big = path.join(dir, "huge.csr");
  writeFileSync(big, Buffer.alloc(1536 * 1024, 0x41));
  await page.goto("/certificates/sign-csr");
  await page.getByLabel("Upload CSR file (PEM or DER)").setInputFiles(big);
  await expect(page.getByRole("main").getByRole("alert")).toContainText("This file is 1.5 MiB; the limit is 1 MiB");
  await page.getByRole("button", { name: "Review CSR" }).click();
  // The browser blocks the submission: no review appears.
  await expect(page.getByRole("heading", { name: "2. What it asks for" })).toHaveCount(0);
});

test("the issue form names the bad SAN and keeps every field", async ({ page, request }) => {
  const before = await certificateCount(request);
  await page.goto(`/certificates/new?caId=${caId}`);
  await page.getByLabel("Common Name").fill("keep.e2e.test");
  await page.getByLabel("Subject Alternative Names").fill("ok.e2e.test\nbad_name.e2e.test");
  await page.getByLabel("Organization (O)").fill("Keep Org");
  await page.getByLabel("Key type").selectOption("rsa-3072");
  await page.getByRole("button", { name: "Issue certificate" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toContainText(
    'The DNS name "bad_name.e2e.test" is not valid: underscores are not allowed',
  );
  await expect(page.getByLabel("Common Name")).toHaveValue("keep.e2e.test");
  await expect(page.getByLabel("Subject Alternative Names")).toHaveValue("ok.e2e.test\nbad_name.e2e.test");
  await expect(page.getByLabel("Organization (O)")).toHaveValue("Keep Org");
  await expect(page.getByLabel("Key type")).toHaveValue("rsa-3072");
  await snap(page, "12-issue-bad-san");
  expect(await certificateCount(request)).toBe(before);
});

test("a duplicate CA name is refused in the form", async ({ page }) => {
  await page.goto("/authorities/new");
  await page.getByLabel("Common Name").fill("Duplicate E2E Root");
  await page.getByRole("button", { name: "Create root CA" }).click();
  await expect(page.getByRole("heading", { name: "Duplicate E2E Root" })).toBeVisible();
  await page.goto("/authorities/new");
  await page.getByLabel("Common Name").fill("Duplicate E2E Root");
  await page.getByRole("button", { name: "Create root CA" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toContainText("already exists");
});

test("the API refuses oversized, unknown and malformed input with JSON errors and stores nothing", async ({ request }) => {
  const before = await certificateCount(request);
  const huge = await request.post("/api/v1/certificates", { headers: auth, data: { caId, csrPem: "A".repeat(1024 * 1024 + 10) } });
  expect(huge.status()).toBe(413);
  const unknown = await request.post("/api/v1/certificates", { headers: auth, data: { caId: "no-such-ca", commonName: "x.e2e.test" } });
  expect(unknown.status()).toBe(404);
  expect((await unknown.json()).error.message).toContain('no CA with id "no-such-ca"');
  const malformed = await request.post("/api/v1/certificates", {
    headers: auth,
    data: { caId, csrPem: "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----" },
  });
  expect(malformed.status()).toBe(400);
  expect((await malformed.json()).error.code).toBe("INVALID_CSR");
  const noToken = await request.get("/api/v1/certificates");
  expect(noToken.status()).toBe(401);
  expect(await certificateCount(request)).toBe(before);
});
