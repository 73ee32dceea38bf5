import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { API_TOKEN, snapWidths } from "./helpers";

// A delivery that may have arrived (the receiver took the whole request, then the connection broke
// with no answer) is shown as uncertain and is not repeated; Send again is the operator's call.
test("an uncertain delivery is explained, not repeated, and sent again only when the operator asks", async ({ page, request }) => {
  const seen: (string | undefined)[] = [];
  let answer = false;
  const receiver = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      seen.push(req.headers["x-cadesk-delivery"] as string | undefined);
      // The first time: read it all and hang up, as a receiver that crashed before answering would.
      if (!answer) return req.socket.destroy();
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const auth = { Authorization: `Bearer ${API_TOKEN}` };
  const channel = await request.post("/api/v1/notifications/channels", {
    headers: auth,
    data: { kind: "webhook", name: "Flaky receiver", url },
  });
  expect(channel.status()).toBe(201);
  const { id: channelId } = await channel.json();

  await page.goto("/notifications");
  const channels = page.getByRole("region", { name: "Channels" });
  const row = channels.getByRole("row", { name: /Flaky receiver/ });
  await row.getByRole("button", { name: "Send test notification to Flaky receiver" }).click();
  await expect(row.getByRole("status")).toContainText("Failed: The whole request went out to 127.0.0.1");
  expect(seen).toHaveLength(1);

  await page.reload();
  const log = page.getByRole("region", { name: "Deliveries" });
  await expect(log.getByRole("alert")).toContainText("1 notice may not have arrived");
  await expect(log.getByRole("alert")).toContainText("does not send it again by itself");
  const uncertain = log.getByRole("row", { name: /Flaky receiver .* uncertain 1/ });
  await expect(uncertain).toContainText("The receiver may have acted on it before the connection broke.");
  await snapWidths(page, "99-delivery-uncertain");

  // Nothing repeats it by itself: the API says uncertain still, and the receiver saw one request.
  const listed = await (await request.get("/api/v1/notifications/deliveries?status=uncertain", { headers: auth })).json();
  const delivery = listed.items.find((d: { channelId: string }) => d.channelId === channelId);
  expect(delivery).toMatchObject({ status: "uncertain", attempts: 1 });
  expect(seen).toHaveLength(1);

  answer = true;
  await uncertain.getByRole("button", { name: /^Send again:/ }).click();
  // The row itself now says delivered (its Send again is gone with the uncertainty).
  await expect(log.getByRole("row", { name: /Flaky receiver .* delivered 2 HTTP 200 OK/ })).toBeVisible();
  expect(seen).toEqual([delivery.id, delivery.id]);
  await page.reload();
  await expect(log.getByRole("row", { name: /Flaky receiver .* delivered 2 HTTP 200 OK/ })).toBeVisible();
  await expect(log.getByRole("alert")).toHaveCount(0);
  await snapWidths(page, "99-delivery-sent-again");

  // Once delivered it cannot be sent again (409), and the decision is in the audit log.
  const again = await request.post(`/api/v1/notifications/deliveries/${delivery.id}/resend`, { headers: auth });
  expect(again.status()).toBe(409);
  const audit = await (await request.get("/api/v1/audit?format=json", { headers: auth })).json();
  const events = (Array.isArray(audit) ? audit : audit.items) as { action: string; objectId: string }[];
  expect(events.some((e) => e.action === "settings.notification_delivery.resend" && e.objectId === delivery.id)).toBe(true);
  receiver.close();
});
