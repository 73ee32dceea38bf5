import { expect, test } from "@playwright/test";
import { API_TOKEN, snap } from "./helpers";

const auth = { Authorization: `Bearer ${API_TOKEN}` };
const PASSWORD = "viewer passphrase 42";

test("users, roles, API tokens and the audit log: the UI hides, the server refuses", async ({ page, browser, request }) => {
  const stamp = Date.now();
  const ca = await (await request.post("/api/v1/cas", { headers: auth, data: { commonName: `Security E2E ${stamp}` } })).json();
  const viewerEmail = `viewer-${stamp}@e2e.test`;

  // An admin adds a viewer.
  await page.goto("/settings/users");
  await page.getByLabel("E-mail").fill(viewerEmail);
  await page.getByLabel("Role", { exact: true }).selectOption("viewer");
  await page.getByLabel("Initial password").fill("aaaaaaaaaaaaaaaa");
  await page.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toContainText("repeats too few characters");
  await expect(page.getByLabel("E-mail")).toHaveValue(viewerEmail);
  await page.getByLabel("Initial password").fill(PASSWORD);
  await page.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByRole("status")).toContainText(`${viewerEmail} can now sign in as viewer`);
  await expect(page.getByRole("row", { name: new RegExp(viewerEmail) })).toContainText("viewer");
  await snap(page, "30-users");

  // An API token, shown once; an operator token may issue but not create CAs.
  await page.goto("/settings/tokens");
  await page.getByLabel("Name").fill(`ci-${stamp}`);
  await page.getByLabel("Role", { exact: true }).selectOption("operator");
  await page.getByLabel("Expires after (days)").fill("30");
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByLabel("New API token").textContent())!.trim();
  expect(token).toMatch(/^cdk_/);
  await snap(page, "31-api-token");
  const asOperator = { Authorization: `Bearer ${token}` };
  const issued = await request.post("/api/v1/certificates", {
    headers: asOperator,
    data: { caId: ca.id, commonName: `token-${stamp}.e2e.test` },
  });
  expect(issued.status()).toBe(201);
  const refused = await request.post("/api/v1/cas", { headers: asOperator, data: { commonName: "Not allowed" } });
  expect(refused.status()).toBe(403);
  expect(refused.headers()["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
  expect(refused.headers()["x-content-type-options"]).toBe("nosniff");
  expect((await refused.json()).error.message).toContain("role (operator) may not");
  await page.reload();
  await expect(page.getByRole("row", { name: new RegExp(`ci-${stamp}`) })).not.toContainText("never");
  await page.getByRole("button", { name: `Revoke token ci-${stamp}` }).click();
  await expect(page.getByRole("row", { name: new RegExp(`ci-${stamp}`) })).toContainText("revoked");
  expect((await request.get("/api/v1/cas", { headers: asOperator })).status()).toBe(401);

  // The viewer signs in: no issuing in the UI, and the server refuses it anyway.
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const viewer = await context.newPage();
  await viewer.goto("/certificates/new");
  await expect(viewer).toHaveURL(/\/sign-in\?next=%2Fcertificates%2Fnew/);
  await viewer.getByLabel("E-mail").fill(viewerEmail);
  await viewer.getByLabel("Password").fill("wrong password here");
  await viewer.getByRole("button", { name: "Sign in" }).click();
  await expect(viewer.getByRole("main").getByRole("alert")).toHaveText("That e-mail and password do not match an account.");
  await viewer.getByLabel("Password").fill(PASSWORD);
  await viewer.getByRole("button", { name: "Sign in" }).click();
  await expect(viewer.getByRole("heading", { name: "Not available to your role" })).toBeVisible();
  await viewer.goto("/");
  const nav = viewer.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Certificates" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Issue certificate" })).toHaveCount(0);
  await expect(nav.getByRole("link", { name: "Audit log" })).toHaveCount(0);
  await viewer.goto(`/certificates/${(await issued.json()).id}`);
  await expect(viewer.getByRole("region", { name: "Renew or revoke" })).toHaveCount(0);
  await expect(viewer.getByText("only an admin can download it")).toBeVisible();
  const keyDownload = await viewer.request.get(`/download/certificates/${(await issued.json()).id}?format=key`);
  expect(keyDownload.status()).toBe(403);
  await snap(viewer, "32-viewer-certificate");

  // CSRF: a form posted from another site is refused before it reaches any action.
  const forged = await viewer.request.post("/certificates/new", {
    headers: { Origin: "https://evil.example", "Content-Type": "application/x-www-form-urlencoded" },
    data: "caId=x",
  });
  expect(forged.status()).toBe(403);

  await nav.getByRole("button", { name: "Sign out" }).click();
  await expect(viewer).toHaveURL(/\/sign-in/);
  await viewer.goto("/certificates");
  await expect(viewer).toHaveURL(/\/sign-in/);
  await context.close();

  await page.goto("/account");
  await expect(page.getByRole("region", { name: "Where you are signed in" })).toContainText("this browser");
  await snap(page, "34-account");

  // The audit log has all of it, filterable and exportable.
  await page.goto("/audit");
  await page.getByLabel("Who").fill(viewerEmail);
  await page.getByRole("button", { name: "Filter" }).click();
  const events = page.getByRole("region", { name: "Events" });
  await expect(events.getByRole("row").filter({ hasText: "auth.sign_in" }).filter({ hasText: "failed" })).toHaveCount(1);
  await expect(events.getByRole("row").filter({ hasText: "auth.sign_out" })).toHaveCount(1);
  await snap(page, "33-audit");
  await page.emulateMedia({ colorScheme: "dark" });
  await snap(page, "35-audit-dark");
  await page.emulateMedia({ colorScheme: "light" });
  await page.goto("/audit?group=token");
  await expect(page.getByRole("region", { name: "Events" })).toContainText("token.revoke");
  const csv = await page.request.get("/download/audit?format=csv&group=certificate");
  const text = await csv.text();
  expect(text.split("\r\n")[0]).toBe("id,at,actorType,actorLabel,action,outcome,objectType,objectId,objectLabel,ip,requestId,detail");
  expect(text).toContain(`"token ""ci-${stamp}"""`);
  expect(text).toContain(`"token-${stamp}.e2e.test"`);
  const api = await request.get(`/api/v1/audit?group=auth&actor=${encodeURIComponent(viewerEmail)}`, { headers: auth });
  expect(api.headers()["content-type"]).toContain("application/json");
  expect((await api.json()).map((e: { action: string; outcome: string }) => `${e.action}:${e.outcome}`)).toEqual([
    "auth.sign_in:failure",
    "auth.sign_in:success",
    "auth.sign_out:success",
  ]);
});

test("a CA limited to chosen operators is not offered to others, and an operator cannot reconfigure the echo server", async ({
  page,
  browser,
  request,
}) => {
  const stamp = Date.now();
  const open = await (await request.post("/api/v1/cas", { headers: auth, data: { commonName: `Open CA ${stamp}` } })).json();
  const limited = await (await request.post("/api/v1/cas", { headers: auth, data: { commonName: `Limited CA ${stamp}` } })).json();
  const operatorEmail = `operator-${stamp}@e2e.test`;

  await page.goto("/settings/users");
  await page.getByLabel("E-mail").fill(operatorEmail);
  await page.getByLabel("Role", { exact: true }).selectOption("operator");
  await page.getByLabel("Initial password").fill(PASSWORD);
  await page.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByRole("status")).toContainText(`${operatorEmail} can now sign in as operator`);

  await page.goto(`/authorities/${limited.id}`);
  const limits = page.getByRole("region", { name: "Who may issue from this CA" });
  await limits.getByLabel("Only the operators ticked below").check();
  await expect(limits.getByLabel(operatorEmail)).not.toBeChecked();
  await limits.getByRole("button", { name: "Save" }).click();
  await expect(limits.getByRole("status")).toHaveText("Saved.");
  // What was saved is what the form shows afterwards.
  await expect(limits.getByLabel("Only the operators ticked below")).toBeChecked();
  await expect(limits.getByLabel(operatorEmail)).not.toBeChecked();
  await snap(page, "36-ca-operators");

  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const operator = await context.newPage();
  await operator.goto("/sign-in");
  await operator.getByLabel("E-mail").fill(operatorEmail);
  await operator.getByLabel("Password").fill(PASSWORD);
  await operator.getByRole("button", { name: "Sign in" }).click();
  await expect(operator.getByRole("navigation", { name: "Main" })).toContainText(operatorEmail);
  await operator.goto("/certificates/new");
  const options = await operator.getByLabel("Issuing CA").locator("option").allTextContents();
  expect(options.some((o) => o.includes(`Open CA ${stamp}`))).toBe(true);
  expect(options.some((o) => o.includes(`Limited CA ${stamp}`))).toBe(false);
  await operator.goto(`/authorities/${limited.id}`);
  await expect(operator.getByRole("heading", { level: 1 })).toHaveText(`Limited CA ${stamp}`);
  await expect(operator.getByRole("link", { name: "Issue from this CA" })).toHaveCount(0);
  await expect(operator.getByRole("region", { name: "Who may issue from this CA" })).toHaveCount(0);
  await operator.goto(`/authorities/${open.id}`);
  await expect(operator.getByRole("link", { name: "Issue from this CA" })).toBeVisible();
  await operator.goto("/tls");
  await expect(operator.getByText("Only an admin can change the echo server")).toBeVisible();
  await expect(operator.getByRole("button", { name: "Apply to the echo server" })).toHaveCount(0);
  await context.close();
});
