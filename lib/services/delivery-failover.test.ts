/**
 * The delivery state machine that makes a notice arrive at most once (issue #14): an attempt is
 * committed as "sending" before anything goes out; a "sending" row whose lease ran out (its
 * instance died) becomes "uncertain" and is never sent again by cadesk; only failures that
 * certainly did not deliver are retried; "Send again" is the operator's decision. Real SMTP
 * servers (smtp-server) and HTTP receivers on loopback sockets; both stores (scripts/test.mjs).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { SMTPServer } from "smtp-server";
import { describe, expect } from "vitest";
import { afterAll, beforeAll, it } from "../testing/system";
import { readConfig } from "../config";
import { getDb } from "../db";
import { AppError } from "../errors";
import { metrics } from "../ops/metrics";
import { deliverDue, queueDelivery, resendDelivery } from "./deliver-notifications";
import { createChannel } from "./notification-channels";
import { randomUUID } from "node:crypto";

const LEASE_MS = readConfig().CADESK_DELIVERY_LEASE_SECONDS * 1000;

/**
 * What the SMTP server does with a message, by its recipient: hold@ waits until released,
 * hangup@ is read whole and the connection closed without a reply (the first copy of each
 * Message-ID only); anyone else gets 250.
 */
interface Mail {
  raw: string;
  messageId: string | undefined;
}
const mails: Mail[] = [];
let release: (() => void) | null = null;
let smtp: SMTPServer;
/** The server's sockets by the client's port, to hang up on one. */
const sockets = new Map<number, Socket>();
let smtpPort: number;

let hooks: Server;
let hookUrl: string;
const hookBodies: { delivery: string | undefined; path: string | undefined }[] = [];

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith("refused@")) return callback(Object.assign(new Error("No such user here"), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      let raw = "";
      const to = session.envelope.rcptTo[0]?.address;
      stream.on("data", (c) => (raw += c));
      stream.on("end", () => {
        const messageId = /^Message-ID: (.*?)\r?$/im.exec(raw)?.[1];
        const first = !mails.some((m) => m.messageId === messageId);
        mails.push({ raw, messageId });
        if (to === "hangup@failover.test" && first) {
          // The whole message arrived; the answer to the final dot never leaves.
          const socket = sockets.get(session.remotePort);
          socket?.destroy();
          return;
        }
        if (to === "hold@failover.test") {
          release = () => callback();
          return;
        }
        callback();
      });
    },
  });
  smtp.server.on("connection", (socket: Socket) => sockets.set(socket.remotePort!, socket));
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;

  hooks = createServer((request, response) => {
    let body = "";
    request.on("data", (c) => (body += c));
    request.on("end", () => {
      hookBodies.push({ delivery: request.headers["x-cadesk-delivery"] as string | undefined, path: request.url });
      if (request.url === "/hangup") return request.socket.destroy();
      response.writeHead(request.url === "/busy" ? 503 : 200).end();
    });
  });
  await new Promise<void>((resolve) => hooks.listen(0, "127.0.0.1", resolve));
  hookUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await new Promise<void>((resolve) => hooks.close(() => resolve()));
});

let channels = 0;
async function mailChannel(to = "oncall@failover.test") {
  return createChannel({
    kind: "email",
    name: `Failover mail ${++channels}`,
    host: "127.0.0.1",
    port: smtpPort,
    security: "none",
    from: "cadesk@failover.test",
    to,
  });
}

/** A due expiry-like notice on a channel, as queueExpiryNotices stores it. */
async function queue(channelId: string, now: Date, subject = "Failover notice") {
  const id = randomUUID();
  return queueDelivery(channelId, "expiry", { id, subject: `[cadesk] ${subject}`, text: `${subject}\n`, payload: { deliveryId: id } }, now);
}

const row = (id: string) => getDb().notificationDelivery.findUniqueOrThrow({ where: { id } });
const mailsFor = (id: string) => mails.filter((m) => m.messageId === `<${id}@cadesk.notifications>`);

async function counter(outcome: string): Promise<number> {
  const json = await metrics().deliveries.get();
  return json.values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
}

describe("a delivery whose instance died while sending", () => {
  it("is marked uncertain once its lease runs out, is never sent again by cadesk, and is counted", async () => {
    const channel = await mailChannel();
    const now = new Date("2031-01-01T10:00:00Z");
    const delivery = await queue(channel.id, now);
    // What a kill -9 between committing "sending" and recording the answer leaves behind.
    const sendingAt = new Date(now.getTime() + 1000);
    await getDb().notificationDelivery.update({
      where: { id: delivery.id },
      data: {
        status: "sending",
        attempts: 1,
        sendingBy: "cadesk-b:4242",
        sendingAt,
        nextAttemptAt: new Date(sendingAt.getTime() + LEASE_MS),
      },
    });
    const before = await counter("uncertain");

    // Within the lease the sender may still be alive: nobody touches it.
    await deliverDue(new Date(sendingAt.getTime() + LEASE_MS - 1000));
    expect(await row(delivery.id)).toMatchObject({ status: "sending", attempts: 1 });

    await deliverDue(new Date(sendingAt.getTime() + LEASE_MS + 1000));
    const settled = await row(delivery.id);
    expect(settled).toMatchObject({ status: "uncertain", attempts: 1, nextAttemptAt: null, deliveredAt: null });
    expect(settled.lastResult).toBe(
      `The instance cadesk-b:4242 stopped while sending (${sendingAt.toISOString()}): it may or may not have arrived. Not repeated, so it cannot arrive twice; use "Send again" if it did not arrive.`,
    );
    expect(await counter("uncertain")).toBe(before + 1);

    // Later runs, hours later: still nothing sent.
    await deliverDue(new Date(now.getTime() + 6 * 3600_000));
    expect(mailsFor(delivery.id)).toHaveLength(0);
    expect((await row(delivery.id)).status).toBe("uncertain");
    expect(await counter("uncertain")).toBe(before + 1);
  });

  it("keeps the real answer of a sender that outlived its lease (the late 250 wins over uncertain)", async () => {
    const channel = await mailChannel("hold@failover.test");
    const now = new Date("2031-01-02T10:00:00Z");
    const delivery = await queue(channel.id, now);
    const slow = deliverDue(now);
    await until(() => mailsFor(delivery.id).length === 1 && release !== null);
    expect((await row(delivery.id)).status).toBe("sending");
    // Another instance's run after the lease: it cannot tell a slow sender from a dead one.
    await deliverDue(new Date(now.getTime() + LEASE_MS + 1000));
    expect((await row(delivery.id)).status).toBe("uncertain");
    release!();
    release = null;
    await slow;
    expect(await row(delivery.id)).toMatchObject({ status: "delivered", attempts: 1 });
    expect((await row(delivery.id)).lastResult).toMatch(/^250 /);
    expect(mailsFor(delivery.id)).toHaveLength(1);
  });
});

describe("what a failed attempt means", () => {
  it("a connection that breaks after the whole message went out is uncertain, not retried", async () => {
    const channel = await mailChannel("hangup@failover.test");
    const now = new Date("2031-01-03T10:00:00Z");
    const delivery = await queue(channel.id, now);
    await deliverDue(now);
    const after = await row(delivery.id);
    expect(after).toMatchObject({ status: "uncertain", attempts: 1, nextAttemptAt: null });
    expect(after.lastResult).toMatch(/^The whole message went out to 127\.0\.0\.1:\d+, then: .* The server may have accepted it/);
    for (const hours of [1, 5, 24]) await deliverDue(new Date(now.getTime() + hours * 3600_000));
    expect(mailsFor(delivery.id)).toHaveLength(1);
  });

  it("a refusal before the message (550 at RCPT) or nothing listening is retried with backoff", async () => {
    const refusing = await mailChannel("refused@failover.test");
    const now = new Date("2031-01-04T10:00:00Z");
    const refused = await queue(refusing.id, now);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const nobody = await createChannel({
      kind: "email",
      name: "Failover nobody",
      host: "127.0.0.1",
      port,
      security: "none",
      from: "cadesk@failover.test",
      to: "oncall@failover.test",
    });
    const unreachable = await queue(nobody.id, now);
    await deliverDue(now);
    expect(await row(refused.id)).toMatchObject({ status: "pending", attempts: 1, nextAttemptAt: new Date(now.getTime() + 60_000) });
    expect((await row(refused.id)).lastResult).toMatch(/550/);
    expect(await row(unreachable.id)).toMatchObject({ status: "pending", attempts: 1 });
    expect((await row(unreachable.id)).lastResult).toBe(`Connection refused by 127.0.0.1:${port}: nothing listens there.`);
  });

  it("a message some recipients got and others refused is final: sending again would repeat it to them", async () => {
    const channel = await mailChannel("oncall@failover.test, refused@failover.test");
    const now = new Date("2031-01-04T12:00:00Z");
    const partial = await queue(channel.id, now);
    await deliverDue(now);
    const after = await row(partial.id);
    expect(after).toMatchObject({ status: "failed", attempts: 1, nextAttemptAt: null });
    expect(after.lastResult).toMatch(
      /^Delivered to oncall@failover\.test, but the server refused refused@failover\.test: 250 .*not retried/,
    );
    await deliverDue(new Date(now.getTime() + 3600_000));
    expect(mailsFor(partial.id)).toHaveLength(1);
  });

  it("webhooks follow the same rule: a reset after the whole request is uncertain, a 503 is retried", async () => {
    const hangup = await createChannel({ kind: "webhook", name: "Failover hangup hook", url: `${hookUrl}/hangup` });
    const busy = await createChannel({ kind: "webhook", name: "Failover busy hook", url: `${hookUrl}/busy` });
    const now = new Date("2031-01-05T10:00:00Z");
    const lost = await queue(hangup.id, now);
    const retried = await queue(busy.id, now);
    await deliverDue(now);
    expect(await row(lost.id)).toMatchObject({ status: "uncertain", attempts: 1 });
    expect((await row(lost.id)).lastResult).toMatch(/^The whole request went out to 127\.0\.0\.1:\d+, then: .* closed the connection/);
    expect(await row(retried.id)).toMatchObject({ status: "pending", attempts: 1, lastResult: "HTTP 503 Service Unavailable" });
    await deliverDue(new Date(now.getTime() + 3600_000));
    expect(hookBodies.filter((h) => h.delivery === lost.id)).toHaveLength(1);
    expect(hookBodies.filter((h) => h.delivery === retried.id)).toHaveLength(2);
  });
});

describe("two runs at once", () => {
  it("send each of twenty due notices once (the committed claim decides)", async () => {
    const channel = await mailChannel();
    const now = new Date("2031-01-06T10:00:00Z");
    const ids = [];
    for (let i = 0; i < 20; i++) ids.push((await queue(channel.id, now, `Race ${i}`)).id);
    await Promise.all([deliverDue(now), deliverDue(now), deliverDue(now)]);
    for (const id of ids) {
      expect(mailsFor(id)).toHaveLength(1);
      expect(await row(id)).toMatchObject({ status: "delivered", attempts: 1 });
    }
  });
});

describe("Send again", () => {
  it("sends an uncertain delivery at once under the same Message-ID, audited; a delivered one is refused", async () => {
    const channel = await mailChannel("hangup@failover.test");
    const now = new Date("2031-01-07T10:00:00Z");
    const delivery = await queue(channel.id, now);
    await deliverDue(now);
    expect((await row(delivery.id)).status).toBe("uncertain");
    const again = await resendDelivery(delivery.id, new Date(now.getTime() + 600_000));
    expect(again).toMatchObject({ status: "delivered", attempts: 2 });
    const copies = mailsFor(delivery.id);
    expect(copies).toHaveLength(2);
    expect(copies[1]!.messageId).toBe(`<${delivery.id}@cadesk.notifications>`);
    const audit = await getDb().auditEvent.findFirstOrThrow({
      where: { action: "settings.notification_delivery.resend", objectId: delivery.id },
    });
    expect(JSON.parse(audit.detail!)).toMatchObject({ previousStatus: "uncertain", attempts: 1 });

    const refused = await resendDelivery(delivery.id).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).message).toMatch(/This delivery is delivered: only an uncertain or failed delivery can be sent again/);
    expect(await resendDelivery("no-such-delivery").catch((e: unknown) => (e as AppError).code)).toBe("NOT_FOUND");
  });

  it("pressed twice at once sends one copy", async () => {
    const channel = await mailChannel();
    const now = new Date("2031-01-08T10:00:00Z");
    const delivery = await queue(channel.id, now);
    await getDb().notificationDelivery.update({
      where: { id: delivery.id },
      data: { status: "uncertain", attempts: 1, sendingBy: "gone:1", sendingAt: now, nextAttemptAt: null },
    });
    const results = await Promise.allSettled([resendDelivery(delivery.id, now), resendDelivery(delivery.id, now)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect((rejected.reason as AppError).code).toBe("CONFLICT");
    expect(mailsFor(delivery.id)).toHaveLength(1);
    expect(await row(delivery.id)).toMatchObject({ status: "delivered", attempts: 2 });
  });
});

async function until(probe: () => boolean | Promise<boolean>, seconds = 60): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`gave up after ${seconds} s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
