import { assertCan } from "../auth/actor";
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { NotificationDelivery } from "@/generated/prisma/client";
import { readConfig } from "../config";
import { getDb } from "../db";
import { sendEmail } from "../notify/email";
import { testNotice, type Notice } from "../notify/message";
import { sendWebhook, type SendResult } from "../notify/webhook";
import { findChannel, openChannel, trustedPems } from "./notification-channels";
import { metrics } from "../ops/metrics";
import { AppError } from "../errors";
import { audit } from "./audit";

const MINUTE = 60_000;
/** Waits after the 1st, 2nd, ... failed attempt; after the last one the delivery is given up. */
export const RETRY_DELAYS_MS = [1, 5, 15, 60, 240].map((m) => m * MINUTE);
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
/** Who takes an attempt, as the scheduler's lease names it (lib/services/job-run.ts). */
const HOLDER = `${hostname()}:${process.pid}`;

/**
 * The outcome recorded for a delivery whose sender's lease ran out while it was "sending": the
 * instance died (or hung) between committing "sending" and recording the answer.
 */
function uncertainAfterDeath(sendingBy: string | null, sendingAt: Date | null): string {
  const who = sendingBy ? `The instance ${sendingBy}` : "The instance sending it";
  const when = sendingAt ? ` (${sendingAt.toISOString()})` : "";
  return `${who} stopped while sending${when}: it may or may not have arrived. Not repeated, so it cannot arrive twice; use "Send again" if it did not arrive.`;
}

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
  // The delivery id names the message, as X-Cadesk-Delivery does for webhooks: a copy the
  // operator chose to send again carries the same id, so the recipient's system can drop it.
  const messageId = `<${delivery.id}@cadesk.notifications>`;
  return sendEmail(channel.settings, { subject: delivery.subject, text: delivery.text, messageId }, { password: channel.secret, ca });
}

/**
 * Takes one attempt at a due delivery for this instance, in its own committed step before anything
 * is sent: status "sending", who and when, the attempt counted, and a lease (nextAttemptAt) after
 * which other instances treat the sender as dead. False when another run took it first.
 */
async function claim(delivery: NotificationDelivery, now: Date): Promise<NotificationDelivery | null> {
  const { count } = await getDb().notificationDelivery.updateMany({
    where: { id: delivery.id, status: "pending", attempts: delivery.attempts, nextAttemptAt: { lte: now } },
    data: sendingState(delivery.attempts, now),
  });
  return count === 1 ? { ...delivery, ...sendingState(delivery.attempts, now) } : null;
}

/**
 * The columns of a delivery this instance is about to send, after `attempts` earlier attempts. The
 * lease counts from the clock, not from the run's start (`now`), which a long run leaves behind;
 * tests that pass a later `now` get their own time.
 */
function sendingState(attempts: number, now: Date) {
  const from = Math.max(now.getTime(), Date.now());
  return {
    status: "sending",
    attempts: attempts + 1,
    sendingBy: HOLDER,
    sendingAt: new Date(from),
    nextAttemptAt: new Date(from + readConfig().CADESK_DELIVERY_LEASE_SECONDS * 1000),
  };
}

/**
 * Sends a claimed delivery once and records what happened. Only a failure that certainly did not
 * deliver (refused, nothing listening, a 4xx/5xx answer) is retried later (tests are not retried:
 * their result is shown at once); a maybe-delivered one is "uncertain" and never sent again by
 * cadesk. The record is fenced by this attempt's number and sender, so a sender that outlived its
 * lease still records its real answer, but never overwrites an attempt the operator started since.
 */
async function attempt(delivery: NotificationDelivery, now: Date): Promise<NotificationDelivery> {
  let result: SendResult;
  try {
    result = await send(delivery, now);
  } catch (error) {
    // Before the channel was opened or the first byte went out (a deleted channel, a sealed secret that does not open).
    result = { ok: false, detail: (error as Error).message };
  }
  const retry = !result.ok && !result.uncertain && !result.final && delivery.kind !== "test" && delivery.attempts < MAX_ATTEMPTS;
  const status = result.ok ? "delivered" : result.uncertain ? "uncertain" : retry ? "pending" : "failed";
  metrics().deliveries.inc({ outcome: result.ok ? "delivered" : result.uncertain ? "uncertain" : retry ? "retry" : "failed" });
  const data = {
    lastResult: result.detail.slice(0, 1000),
    status,
    deliveredAt: result.ok ? new Date() : null,
    nextAttemptAt: retry ? new Date(now.getTime() + RETRY_DELAYS_MS[delivery.attempts - 1]!) : null,
  };
  const db = getDb();
  const { count } = await db.notificationDelivery.updateMany({
    where: { id: delivery.id, attempts: delivery.attempts, sendingBy: HOLDER, status: { in: ["sending", "uncertain"] } },
    data,
  });
  if (count === 0) return db.notificationDelivery.findUniqueOrThrow({ where: { id: delivery.id } });
  return { ...delivery, ...data };
}

/**
 * Deliveries whose sender's lease ran out while "sending" become "uncertain": whether the message
 * arrived cannot be known (an SMTP server cannot be asked), and sending it again could deliver it
 * twice. Each is counted in /metrics and shown with "Send again" on the notifications page.
 */
async function settleAbandoned(now: Date): Promise<number> {
  const db = getDb();
  const abandoned = await db.notificationDelivery.findMany({
    where: { status: "sending", nextAttemptAt: { lte: now } },
    select: { id: true, attempts: true, sendingBy: true, sendingAt: true },
  });
  let settled = 0;
  for (const d of abandoned) {
    const { count } = await db.notificationDelivery.updateMany({
      where: { id: d.id, status: "sending", attempts: d.attempts, nextAttemptAt: { lte: now } },
      data: { status: "uncertain", nextAttemptAt: null, lastResult: uncertainAfterDeath(d.sendingBy, d.sendingAt) },
    });
    if (count === 1) {
      settled++;
      metrics().deliveries.inc({ outcome: "uncertain" });
      console.error(`[cadesk] delivery ${d.id}: ${uncertainAfterDeath(d.sendingBy, d.sendingAt)}`);
    }
  }
  return settled;
}

/** Settles deliveries abandoned mid-send, then sends every pending delivery that is due (first tries and retries). */
export async function deliverDue(now = new Date(), limit = 100): Promise<NotificationDelivery[]> {
  assertCan("settings", "deliver notifications");
  await settleAbandoned(now);
  const due = await getDb().notificationDelivery.findMany({
    where: { status: "pending", nextAttemptAt: { lte: now } },
    orderBy: { nextAttemptAt: "asc" },
    take: limit,
  });
  const done: NotificationDelivery[] = [];
  for (const delivery of due) {
    const claimed = await claim(delivery, now);
    if (claimed) done.push(await attempt(claimed, now));
  }
  return done;
}

/** "Send test notification": sends at once and returns the logged outcome. */
export async function sendTestNotification(channelId: string, now = new Date()): Promise<NotificationDelivery> {
  assertCan("settings", "send test notifications");
  const channel = await findChannel(channelId, "id");
  const id = randomUUID();
  const notice = testNotice(channel.name, { now, baseUrl: readConfig().publicUrl, deliveryId: id });
  // Stored already taken by this instance, so no scheduler elsewhere can pick it up first.
  const delivery = await getDb().notificationDelivery.create({
    data: {
      id,
      channelId: channel.id,
      kind: "test",
      subject: notice.subject,
      text: notice.text,
      payload: JSON.stringify(notice.payload),
      createdAt: now,
      ...sendingState(0, now),
    },
  });
  return attempt(delivery, now);
}

/**
 * "Send again": the operator's decision for an "uncertain" delivery (it may have arrived: only
 * someone who can look at the mailbox or receiver knows) or a "failed" one. It goes out at once
 * under the same id (Message-ID, X-Cadesk-Delivery) and is audited with the outcome it replaced.
 */
export async function resendDelivery(id: string, now = new Date()): Promise<NotificationDelivery> {
  assertCan("settings", "send notifications again");
  const db = getDb();
  const delivery = await db.notificationDelivery.findUnique({ where: { id }, include: { channel: { select: { name: true } } } });
  if (!delivery)
    throw new AppError("NOT_FOUND", `There is no delivery with id "${id.slice(0, 100)}": it may have been deleted with its channel.`);
  if (delivery.status !== "uncertain" && delivery.status !== "failed") {
    throw new AppError(
      "CONFLICT",
      `This delivery is ${delivery.status}: only an uncertain or failed delivery can be sent again (a pending one goes out by itself).`,
    );
  }
  const { count } = await db.notificationDelivery.updateMany({
    where: { id, status: delivery.status, attempts: delivery.attempts },
    data: { status: "pending", nextAttemptAt: now },
  });
  if (count === 0) throw new AppError("CONFLICT", "Someone else sent this delivery again a moment ago: see its new outcome in the log.");
  await audit({
    action: "settings.notification_delivery.resend",
    objectType: "notification_delivery",
    objectId: id,
    objectLabel: delivery.subject,
    detail: {
      channel: delivery.channel.name,
      previousStatus: delivery.status,
      previousResult: delivery.lastResult,
      attempts: delivery.attempts,
    },
  });
  const { channel: _channel, ...row } = delivery;
  const claimed = await claim({ ...row, status: "pending", nextAttemptAt: now }, now);
  // The scheduler of some instance took it between the two steps: it is being sent.
  if (!claimed) return db.notificationDelivery.findUniqueOrThrow({ where: { id } });
  return attempt(claimed, now);
}
