import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { webhookSignature } from "../lib/notify/webhook";
import { API_TOKEN, snap } from "./helpers";

test("add a signed webhook and an e-mail channel, send test notifications, add a rule", async ({ page, request }) => {
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const receiver = createServer((request, response) => {
    let body = "";
    request.on("data", (c) => (body += c));
    request.on("end", () => {
      received.push({ headers: request.headers, body });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/cadesk`;
  const secret = "e2e-signing-secret-0123456789";

  await page.goto("/");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Notifications" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Notifications" })).toBeVisible();

  await page.getByLabel("Name").fill("Platform hooks");
  await page.getByLabel("URL").fill(url);
  await page.getByLabel("Signing secret (optional)").fill(secret);
  await page.getByRole("button", { name: "Add channel" }).click();
  await expect(page.getByRole("status").filter({ hasText: 'Channel "Platform hooks" added' })).toBeVisible();
  const channels = page.getByRole("region", { name: "Channels" });
  const row = channels.getByRole("row", { name: /Platform hooks/ });
  await expect(row).toContainText("Webhook, signed");
  await expect(row).toContainText("All CAs: 30, 7, 1 days");

  await row.getByRole("button", { name: "Send test notification to Platform hooks" }).click();
  await expect(row.getByRole("status")).toHaveText("Delivered: HTTP 204 No Content");
  expect(received).toHaveLength(1);
  const hit = received[0]!;
  expect(JSON.parse(hit.body)).toMatchObject({ type: "test", channel: "Platform hooks" });
  expect(hit.headers["x-cadesk-signature"]).toBe(webhookSignature(secret, Number(hit.headers["x-cadesk-timestamp"]), hit.body));

  // A refused form keeps what was typed, the channel type included.
  await page.getByLabel("Type").selectOption("email");
  await page.getByLabel("Name").fill("On-call mail");
  await page.getByLabel("SMTP host").fill("127.0.0.1");
  await page.getByLabel("Port").fill("1");
  await page.getByLabel("From").fill("cadesk@example.internal");
  await page.getByLabel("To", { exact: true }).fill("oncall@example.internal, nobody");
  await page.getByRole("button", { name: "Add channel" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toHaveText('"nobody" is not an e-mail address.');
  await expect(page.getByLabel("Type")).toHaveValue("email");
  await expect(page.getByLabel("SMTP host")).toHaveValue("127.0.0.1");
  await page.getByLabel("To", { exact: true }).fill("oncall@example.internal");
  await page.getByLabel("Security").selectOption("none");
  await page.getByRole("button", { name: "Add channel" }).click();
  const mailRow = channels.getByRole("row", { name: /On-call mail/ });
  await mailRow.getByRole("button", { name: "Send test notification to On-call mail" }).click();
  await expect(mailRow.getByRole("status")).toHaveText("Failed: Connection refused by 127.0.0.1:1: nothing listens there.");

  const rules = page.getByRole("region", { name: "Rules" });
  await rules.getByLabel("Channel").selectOption({ label: "On-call mail" });
  await rules.getByLabel("Days before expiry").fill("14, 2");
  await rules.getByRole("button", { name: "Add rule" }).click();
  await expect(rules.getByRole("row", { name: /On-call mail All CAs 14, 2/ })).toBeVisible();

  const log = page.getByRole("region", { name: "Deliveries" });
  await expect(log.getByRole("row", { name: /Platform hooks .* delivered 1 HTTP 204/ })).toBeVisible();
  await expect(log.getByRole("row", { name: /On-call mail .* failed 1 Connection refused/ })).toBeVisible();
  await snap(page, "22-notifications");

  // The same through the API: secrets never come back, and the test answer is the logged delivery.
  const auth = { Authorization: `Bearer ${API_TOKEN}` };
  const list = await (await request.get("/api/v1/notifications/channels", { headers: auth })).json();
  expect(JSON.stringify(list)).not.toContain(secret);
  const platform = list.items.find((c: { name: string }) => c.name === "Platform hooks");
  expect(platform).toMatchObject({ kind: "webhook", hasSecret: true, settings: { url }, rules: [{ caId: null, daysBefore: [30, 7, 1] }] });
  const delivery = await (await request.post(`/api/v1/notifications/channels/${platform.id}/test`, { headers: auth })).json();
  expect(delivery).toMatchObject({ kind: "test", status: "delivered", attempts: 1, lastResult: "HTTP 204 No Content" });
  expect(received).toHaveLength(2);
  receiver.close();
});
