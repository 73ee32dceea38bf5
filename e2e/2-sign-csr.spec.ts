import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { opensslOk, tempDir } from "../lib/testing/openssl";
import { API_TOKEN, snap } from "./helpers";

test.beforeAll(async ({ request }) => {
  const cas = await (await request.get("/api/v1/cas", { headers: { Authorization: `Bearer ${API_TOKEN}` } })).json();
  if (cas.items.length === 0) {
    await request.post("/api/v1/cas", { headers: { Authorization: `Bearer ${API_TOKEN}` }, data: { commonName: "CSR Spec Root" } });
  }
});

test("sign an openssl CSR: review what it asks for, edit the SANs, sign", async ({ page }) => {
  const dir = tempDir("cadesk-e2e-csr-");
  opensslOk([
    "req",
    "-new",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    `${dir}/svc.key`,
    "-out",
    `${dir}/svc.csr`,
    "-subj",
    "/O=Acme/CN=svc.e2e.test",
    "-addext",
    "subjectAltName=DNS:svc.e2e.test",
  ]);

  await page.goto("/certificates/sign-csr");
  await page.getByLabel("CSR (PEM)").fill(readFileSync(`${dir}/svc.csr`, "utf8"));
  await page.getByRole("button", { name: "Review CSR" }).click();
  await expect(page.getByText("O=Acme, CN=svc.e2e.test")).toBeVisible();
  await expect(page.getByText("RSA 2048")).toBeVisible();
  await expect(page.getByText("verified", { exact: true })).toBeVisible();
  await page.getByLabel("Subject Alternative Names").fill("svc.e2e.test\nsvc.internal");
  await page.getByLabel("Profile").selectOption("server-client");
  await snap(page, "09-sign-csr-review");
  await page.getByRole("button", { name: "Sign certificate" }).click();

  await expect(page.getByText("Certificate issued and stored.")).toBeVisible();
  await expect(page.getByText("DNS:svc.e2e.test, DNS:svc.internal", { exact: true })).toBeVisible();
  await expect(page.getByText(/does not hold this certificate's private key/)).toBeVisible();
  await expect(page.getByRole("link", { name: "svc.e2e.test.key.pem" })).toHaveCount(0);
  await snap(page, "10-csr-certificate-page");
});

test("a DER CSR can be uploaded as a file", async ({ page }) => {
  const dir = tempDir("cadesk-e2e-der-");
  opensslOk([
    "req",
    "-new",
    "-newkey",
    "ed25519",
    "-nodes",
    "-keyout",
    `${dir}/k.pem`,
    "-out",
    `${dir}/r.der`,
    "-outform",
    "DER",
    "-subj",
    "/CN=der.e2e.test",
  ]);
  await page.goto("/certificates/sign-csr");
  await page.getByLabel("Upload CSR file (PEM or DER)").setInputFiles(`${dir}/r.der`);
  await page.getByRole("button", { name: "Review CSR" }).click();
  await expect(page.getByText("CN=der.e2e.test")).toBeVisible();
  await expect(page.getByText("Ed25519", { exact: true })).toBeVisible();
  await expect(page.getByLabel("CSR (PEM)")).toHaveValue(/BEGIN CERTIFICATE REQUEST/);
});
