import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { ADMIN_STATE } from "../playwright.config";
import { ADMIN_EMAIL, ADMIN_PASSWORD, snap } from "./helpers";

test("first run asks for the setup token from the log, creates the admin and signs in", async ({ page, request }) => {
  // Nothing is reachable before setup: pages send the browser to /setup.
  await page.goto("/certificates");
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole("heading", { name: "Set up cadesk" })).toBeVisible();

  // Security headers on the page: a nonce CSP without unsafe-inline scripts, no framing, nosniff.
  const response = await request.get("/setup");
  const headers = response.headers();
  expect(headers["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
  expect(headers["content-security-policy"]).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["referrer-policy"]).toBe("same-origin");

  await page.getByLabel("Setup token").fill("a-guess-from-a-stranger");
  await page.getByLabel("Your e-mail").fill(ADMIN_EMAIL);
  await page.getByLabel("Password", { exact: true }).fill(ADMIN_PASSWORD);
  await page.getByLabel("Password again").fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Create admin and sign in" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toContainText("That setup token is not right");
  await expect(page.getByLabel("Your e-mail")).toHaveValue(ADMIN_EMAIL);
  // Only the token was wrong: everything typed stays, passwords included.
  await expect(page.getByLabel("Setup token")).toHaveValue("a-guess-from-a-stranger");
  await expect(page.getByLabel("Password", { exact: true })).toHaveValue(ADMIN_PASSWORD);
  await expect(page.getByLabel("Password again")).toHaveValue(ADMIN_PASSWORD);

  const token = readFileSync(path.join(process.env.E2E_DATA_DIR!, "setup-token"), "utf8").trim();
  await page.getByLabel("Setup token").fill(token);
  await snap(page, "00-setup");
  await page.getByRole("button", { name: "Create admin and sign in" }).click();
  await expect(page.getByRole("heading", { name: "Welcome to cadesk" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" })).toContainText(ADMIN_EMAIL);

  const cookie = (await page.context().cookies()).find((c) => c.name === "cadesk_session")!;
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", secure: false });

  // The setup page is gone once an admin exists.
  await page.goto("/setup");
  await expect(page).not.toHaveURL(/\/setup/);
  await page.context().storageState({ path: ADMIN_STATE });
});
