import { assertCan } from "../auth/actor";
import { randomUUID } from "node:crypto";
import type { NotificationDelivery } from "@/generated/prisma/client";
import { readConfig } from "../config";
import { getDb } from "../db";
import { sendEmail } from "../notify/email";
import { testNotice, type Notice } from "../notify/message";
import { sendWebhook, type SendResult } from "../notify/webhook";
import { findChannel, openChannel, trustedPems } from "./notification-channels";
import { metrics } from "../ops/metrics";

const MINUTE = 60_000;
/** Waits after the 1st, 2nd, ... failed attempt; after the last one the delivery is given up. */
export const RETRY_DELAYS_MS = [1, 5, 15, 60, 240].map((m) => m * MINUTE);
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
/** A claimed delivery is not picked up again for this long, so two runs never send it twice. */
const CLAIM_MS = 2 * MINUTE;

/** Stores a notice as a pending delivery due now. Expiry notices carry a unique dedupe key. */
export async function queueDelivery(
  channelId: string,
  kind: "expiry" | "test",
  notice: Notice & { id: string },
  now: Date,
  dedupeKey?: string,
): Promise<NotificationDelivery> {
  assertCan("settings", "queue notifications");
  return getDb().notificationDelivery.create({
    data: {
      id: notice.id,
      channelId,
      kind,
      dedupeKey: dedupeKey ?? null,
      subject: notice.subject,
      text: notice.text,
      payload: JSON.stringify(notice.payload),
      status: "pending",
      nextAttemptAt: now,
      createdAt: now,
    },
  });
}

async function send(delivery: NotificationDelivery, now: Date): Promise<SendResult> {
  const channel = openChannel(await findChannel(delivery.channelId));
  const ca = await trustedPems(channel.settings.trustCaId);
  if (channel.kind === "webhook") {
    return sendWebhook(channel.settings.url, delivery.payload, { secret: channel.secret, deliveryId: delivery.id, ca, now });
  }
  // Delivery is at least once (a claim runs out when its instance dies mid-send): the delivery id
  // names every attempt, as X-Cadesk-Delivery does for webhooks, so a repeat can be dropped.
  const messageId = `<${delivery.id}@cadesk.notifications>`;
  return sendEmail(channel.settings, { subject: delivery.subject, text: delivery.text, messageId }, { password: channel.secret, ca });
}

/**
 * One attempt at a delivery this run has claimed; records the outcome and, on failure, when to
 * try again (tests are not retried: their result is shown at once).
 */
async function attempt(delivery: NotificationDelivery, now: Date): Promise<NotificationDelivery> {
  let result: SendResult;
  try {
    result = await send(delivery, now);
  } catch (error) {
    result = { ok: false, detail: (error as Error).message };
  }
  const attempts = delivery.attempts + 1;
  const retry = !result.ok && delivery.kind !== "test" && attempts < MAX_ATTEMPTS;
  metrics().deliveries.inc({ outcome: result.ok ? "delivered" : retry ? "retry" : "failed" });
  return getDb().notificationDelivery.update({
    where: { id: delivery.id },
    data: {
      attempts,
      lastResult: result.detail.slice(0, 1000),
      status: result.ok ? "delivered" : retry ? "pending" : "failed",
      deliveredAt: result.ok ? new Date() : null,
      nextAttemptAt: retry ? new Date(now.getTime() + RETRY_DELAYS_MS[attempts - 1]!) : null,
    },
  });
}

/** Claims a due delivery for this run: false when another run got it first. */
async function claim(id: string, now: Date): Promise<boolean> {
  const { count } = await getDb().notificationDelivery.updateMany({
    where: { id, status: "pending", nextAttemptAt: { lte: now } },
    data: { nextAttemptAt: new Date(now.getTime() + CLAIM_MS) },
  });
  return count === 1;
}

/** Sends every pending delivery that is due (first tries and retries). */
export async function deliverDue(now = new Date(), limit = 100): Promise<NotificationDelivery[]> {
  assertCan("settings", "deliver notifications");
  const due = await getDb().notificationDelivery.findMany({
    where: { status: "pending", nextAttemptAt: { lte: now } },
    orderBy: { nextAttemptAt: "asc" },
    take: limit,
  });
  const done: NotificationDelivery[] = [];
  for (const delivery of due) {
    if (await claim(delivery.id, now)) done.push(await attempt(delivery, now));
  }
  return done;
}

/** "Send test notification": sends at once and returns the logged outcome. */
export async function sendTestNotification(channelId: string, now = new Date()): Promise<NotificationDelivery> {
  assertCan("settings", "send test notifications");
  const channel = await findChannel(channelId, "id");
  const id = randomUUID();
  const notice = testNotice(channel.name, { now, baseUrl: readConfig().publicUrl, deliveryId: id });
  const delivery = await queueDelivery(channel.id, "test", { ...notice, id }, now);
  await claim(delivery.id, now);
  return attempt(delivery, now);
}
