import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { opensslOk, tempDir } from "../lib/testing/openssl";
import { snap } from "./helpers";

test("import a CA made with openssl req -x509; a key from another CA is refused", async ({ page }) => {
  const dir = tempDir("cadesk-e2e-import-");
  for (const name of ["Imported Ops CA", "Other CA"]) {
    opensslOk([
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      `${dir}/${name}.key`,
      "-out",
      `${dir}/${name}.pem`,
      "-days",
      "365",
      "-subj",
      `/O=Ops/CN=${name}`,
    ]);
  }
  await page.goto("/authorities/new?type=import");
  await page.getByLabel("CA certificate (PEM)").fill(readFileSync(`${dir}/Imported Ops CA.pem`, "utf8"));
  await page.getByLabel("CA private key (PEM)").fill(readFileSync(`${dir}/Other CA.key`, "utf8"));
  await page.getByRole("button", { name: "Import CA" }).click();
  await expect(page.getByText(/does not belong to this certificate/)).toBeVisible();
  await snap(page, "13-import-mismatch");

  // The pasted certificate was kept; choose the matching key file and try again.
  await expect(page.getByLabel("CA certificate (PEM)")).toHaveValue(/BEGIN CERTIFICATE/);
  await page.getByLabel("CA private key (PEM)").fill("");
  await page.getByLabel("Upload CA private key file").setInputFiles(`${dir}/Imported Ops CA.key`);
  await page.getByRole("button", { name: "Import CA" }).click();
  await expect(page.getByRole("heading", { name: "Imported Ops CA" })).toBeVisible();
  await expect(page.getByText("Root CA · imported")).toBeVisible();

  // It issues like any other CA, and its page lists what it issued.
  await page.getByRole("link", { name: "Issue from this CA" }).click();
  await page.getByLabel("Common Name").fill("ops.e2e.test");
  await page.getByRole("button", { name: "Issue certificate" }).click();
  await expect(page.getByText("Certificate issued and stored.")).toBeVisible();
  await page.getByRole("link", { name: "Imported Ops CA" }).first().click();
  // Wait for the CA page itself: the certificate page also has rows naming ops.e2e.test (its downloads).
  await expect(page).toHaveURL(/\/authorities\/[^/?]+$/);
  await expect(page.getByRole("heading", { name: "Imported Ops CA" })).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: "ops.e2e.test" })).toBeVisible();
  await snap(page, "14-imported-ca-page");
});
