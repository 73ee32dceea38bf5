import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { describe, expect } from "vitest";
import { afterAll, beforeAll, it } from "../testing/system";
import { getDb } from "../db";
import { webhookSignature } from "../notify/webhook";
import { createAuthority } from "./create-authority";
import { deliverDue, MAX_ATTEMPTS, resendDelivery, sendTestNotification } from "./deliver-notifications";
import { exportCertificate } from "./export-certificate";
import { queueExpiryNotices, reachedThreshold } from "./expiry-notices";
import { issueCertificate } from "./issue-certificate";
import { createChannel, createRule } from "./notification-channels";
import { renewCertificate } from "./renew-certificate";
import { refreshCrls } from "./scheduler";
import { DAY } from "../time";

const SECRET = "a-webhook-secret-of-32-characters";

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}
const received: Received[] = [];
/** Status codes the receiver answers with on a path, one per request, then 200. */
const answers = new Map<string, number[]>();
let receiver: Server;
let receiverUrl: string;
let caId: string;

beforeAll(async () => {
  receiver = createServer((request, response) => {
    let body = "";
    request.on("data", (c) => (body += c));
    request.on("end", () => {
      received.push({ headers: request.headers, body });
      response.writeHead(answers.get(request.url ?? "")?.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/cadesk`;
  caId = (await createAuthority({ commonName: "Notify Root" })).authority.id;
});

afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

function bodiesAbout(id: string) {
  return received.map((r) => ({ ...r, json: JSON.parse(r.body) })).filter((r) => r.json.certificate?.id === id);
}

describe("expiry thresholds", () => {
  const issued = new Date("2026-01-01T00:00:00Z");
  const at = (days: number) => new Date(issued.getTime() + days * DAY);
  const notAfter = at(90);
  it("picks the smallest threshold reached, and none before the first or after expiry", () => {
    expect(reachedThreshold([30, 7, 1], issued, notAfter, at(10))).toBeNull();
    expect(reachedThreshold([30, 7, 1], issued, notAfter, at(60))).toBe(30);
    expect(reachedThreshold([30, 7, 1], issued, notAfter, at(84))).toBe(7);
    expect(reachedThreshold([30, 7, 1], issued, notAfter, at(89.5))).toBe(1);
    expect(reachedThreshold([30, 7, 1], issued, notAfter, at(91))).toBeNull();
  });
  it("skips thresholds as long as the certificate's whole life", () => {
    const shortLived = new Date(issued.getTime() + DAY);
    expect(reachedThreshold([30, 7, 1], issued, shortLived, new Date(issued.getTime() + 1000))).toBeNull();
    expect(reachedThreshold([30, 7, 1], issued, at(20), at(1))).toBeNull();
    expect(reachedThreshold([30, 7, 1], issued, at(20), at(14))).toBe(7);
  });
});

describe("webhook notifications", () => {
  it("delivers a signed JSON notice once per threshold, even across repeated and concurrent runs", async () => {
    const channel = await createChannel({ kind: "webhook", name: "Platform hooks", url: receiverUrl, secret: SECRET });
    await createRule({ channelId: channel.id, caId, daysBefore: "30, 7, 1" });
    const now = new Date();
    const { certificate } = await issueCertificate(
      { caId, commonName: "expiring.example.com", sans: { dns: ["expiring.example.com", "alt.example.com"] }, validityDays: 40 },
      now,
    );

    const day11 = new Date(now.getTime() + 11 * DAY);
    // Two schedulers racing (or a restart mid-run) queue the notice once.
    await Promise.all([queueExpiryNotices(day11), queueExpiryNotices(day11)]);
    // The store is shared by every suite of the run, whose own rules may queue notices too: count this certificate's.
    expect(await getDb().notificationDelivery.count({ where: { dedupeKey: { contains: `:certificate:${certificate.id}:` } } })).toBe(1);
    await deliverDue(day11);
    let hits = bodiesAbout(certificate.id);
    expect(hits).toHaveLength(1);
    const hit = hits[0]!;
    expect(hit.json).toMatchObject({
      type: "certificate.expiring",
      thresholdDays: 30,
      daysLeft: 29,
      certificate: {
        commonName: "expiring.example.com",
        sans: ["expiring.example.com", "alt.example.com"],
        serialNumber: certificate.serialHex,
        issuer: { id: caId, commonName: "Notify Root" },
      },
    });
    expect(hit.json.certificate.url).toBe(`http://localhost:3000/certificates/${certificate.id}`);
    expect(hit.headers["content-type"]).toBe("application/json");
    const timestamp = Number(hit.headers["x-cadesk-timestamp"]);
    expect(hit.headers["x-cadesk-signature"]).toBe(webhookSignature(SECRET, timestamp, hit.body));
    expect(hit.headers["x-cadesk-signature"]).not.toBe(webhookSignature("another-secret-of-32-characters!", timestamp, hit.body));

    // A later run (as after a restart: the scheduler keeps no memory) sends nothing new.
    expect(await queueExpiryNotices(new Date(day11.getTime() + 3600_000))).toBe(0);
    await deliverDue(new Date(day11.getTime() + 3600_000));
    expect(bodiesAbout(certificate.id)).toHaveLength(1);

    // Crossing the 7-day threshold sends the next notice.
    const day34 = new Date(now.getTime() + 34 * DAY);
    await queueExpiryNotices(day34);
    await deliverDue(day34);
    hits = bodiesAbout(certificate.id);
    expect(hits.map((h) => h.json.thresholdDays)).toEqual([30, 7]);
    const logged = await getDb().notificationDelivery.findMany({ where: { channelId: channel.id, kind: "expiry" } });
    expect(logged.every((d) => d.status === "delivered" && d.attempts === 1 && d.lastResult === "HTTP 200 OK")).toBe(true);
  });

  it("stays quiet about a certificate that was already renewed", async () => {
    const now = new Date();
    const { certificate } = await issueCertificate({ caId, commonName: "renewed.example.com", validityDays: 40 }, now);
    await renewCertificate(certificate.id, {}, now);
    const day34 = new Date(now.getTime() + 34 * DAY);
    await queueExpiryNotices(day34);
    await deliverDue(day34);
    expect(bodiesAbout(certificate.id)).toHaveLength(0);
  });

  it("retries a failed delivery with backoff and logs each outcome", async () => {
    const ca = (await createAuthority({ commonName: "Notify Retry CA" })).authority.id;
    const channel = await createChannel({ kind: "webhook", name: "Flaky receiver", url: receiverUrl + "/flaky" });
    await createRule({ channelId: channel.id, caId: ca, daysBefore: [7] });
    const now = new Date();
    const { certificate } = await issueCertificate({ caId: ca, commonName: "retry.example.com", validityDays: 30 }, now);
    const day25 = new Date(now.getTime() + 25 * DAY);
    answers.set("/hooks/cadesk/flaky", [500]);
    await queueExpiryNotices(day25);
    await deliverDue(day25);
    const failed = await getDb().notificationDelivery.findFirstOrThrow({ where: { channelId: channel.id } });
    expect(failed).toMatchObject({ status: "pending", attempts: 1, lastResult: "HTTP 500 Internal Server Error" });
    expect(failed.nextAttemptAt!.getTime()).toBe(day25.getTime() + 60_000);

    expect(await deliverDue(new Date(day25.getTime() + 30_000))).toHaveLength(0);
    await deliverDue(new Date(day25.getTime() + 61_000));
    const delivered = await getDb().notificationDelivery.findUniqueOrThrow({ where: { id: failed.id } });
    expect(delivered).toMatchObject({ status: "delivered", attempts: 2, lastResult: "HTTP 200 OK", nextAttemptAt: null });
    expect(bodiesAbout(certificate.id)).toHaveLength(2);
  });

  it("gives up after the last retry, saying why", async () => {
    const ca = (await createAuthority({ commonName: "Notify Dead CA" })).authority.id;
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const channel = await createChannel({ kind: "webhook", name: "Nobody home", url: `http://127.0.0.1:${port}/` });
    await createRule({ channelId: channel.id, caId: ca, daysBefore: [7] });
    const now = new Date();
    await issueCertificate({ caId: ca, commonName: "dead.example.com", validityDays: 30 }, now);
    let time = new Date(now.getTime() + 25 * DAY);
    await queueExpiryNotices(time);
    for (let i = 0; i < MAX_ATTEMPTS + 2; i++) {
      await deliverDue(time);
      time = new Date(time.getTime() + 5 * 3600_000);
    }
    const delivery = await getDb().notificationDelivery.findFirstOrThrow({ where: { channelId: channel.id } });
    expect(delivery).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS, nextAttemptAt: null });
    expect(delivery.lastResult).toBe(`Connection refused by 127.0.0.1:${port}: nothing listens there.`);
  });

  it("sends a test notification at once and reports the result", async () => {
    const channel = await createChannel({ kind: "webhook", name: "Test button", url: receiverUrl + "/test", secret: SECRET });
    const ok = await sendTestNotification(channel.id);
    expect(ok).toMatchObject({ status: "delivered", attempts: 1, lastResult: "HTTP 200 OK", kind: "test" });
    const body = JSON.parse(received.at(-1)!.body);
    expect(body).toMatchObject({ type: "test", channel: "Test button", deliveryId: ok.id });

    answers.set("/hooks/cadesk/test", [404]);
    const refused = await sendTestNotification(channel.id);
    expect(refused).toMatchObject({ status: "failed", attempts: 1, lastResult: "HTTP 404 Not Found", nextAttemptAt: null });
  });

  it("refuses bad channel settings with messages that say what to fix", async () => {
    await expect(createChannel({ kind: "webhook", name: "x", url: "ftp://example.com" })).rejects.toThrow(/http:\/\/ or https:\/\//);
    await expect(createChannel({ kind: "webhook", name: "x", url: "https://u:p@example.com/" })).rejects.toThrow(/credentials/);
    await expect(createChannel({ kind: "webhook", name: "x", url: receiverUrl, secret: "short" })).rejects.toThrow(/at least 16/);
    await expect(createChannel({ kind: "webhook", name: "Platform hooks", url: receiverUrl })).rejects.toThrow(/exists already/);
    await expect(
      createChannel({
        kind: "email",
        name: "y",
        host: "smtp.example.com",
        from: "cadesk@example.com",
        to: "ops@example.com, not-an-address",
      }),
    ).rejects.toThrow(/"not-an-address" is not an e-mail address/);
    await expect(createChannel({ kind: "pager", name: "z" })).rejects.toThrow(/kind must be one of webhook, email/);
    const channel = await createChannel({ kind: "webhook", name: "Rules", url: receiverUrl });
    await expect(createRule({ channelId: channel.id, daysBefore: "30, soon" })).rejects.toThrow(/whole numbers/);
    await expect(createRule({ channelId: channel.id, daysBefore: [0] })).rejects.toThrow(/at least 1/);
    await expect(createRule({ channelId: "nope" })).rejects.toThrow(/no notification channel/);
    const rule = await createRule({ channelId: channel.id, daysBefore: "1 7 30 7" });
    expect(JSON.parse(rule.daysBefore)).toEqual([30, 7, 1]);
    expect(rule.authorityId).toBeNull();
  });
});

describe("e-mail notifications", () => {
  interface Mail {
    raw: string;
    secure: boolean;
    user?: string;
    to: string[];
  }
  const mails: Mail[] = [];
  let smtp: SMTPServer;
  let port: number;
  let trustCaId: string;

  beforeAll(async () => {
    trustCaId = (await createAuthority({ commonName: "Mail Relay CA" })).authority.id;
    const tlsCert = await issueCertificate({ caId: trustCaId, commonName: "localhost", sans: { dns: ["localhost"] } });
    const text = async (format: string) => String((await exportCertificate(tlsCert.certificate.id, format)).body);
    smtp = new SMTPServer({
      key: await text("key"),
      cert: await text("fullchain"),
      authMethods: ["PLAIN", "LOGIN"],
      logger: false,
      onAuth(auth, _session, callback) {
        if (auth.username === "cadesk" && auth.password === "mail-password") callback(null, { user: auth.username });
        else callback(Object.assign(new Error("Invalid username or password"), { responseCode: 535 }));
      },
      onData(stream, session, callback) {
        let raw = "";
        stream.on("data", (c) => (raw += c));
        stream.on("end", () => {
          mails.push({
            raw,
            secure: session.secure,
            user: session.user as string | undefined,
            to: session.envelope.rcptTo.map((r) => r.address),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
    port = (smtp.server.address() as AddressInfo).port;
  });

  afterAll(() => new Promise<void>((resolve) => smtp.close(() => resolve())));

  const channelInput = (name: string, extra: Record<string, unknown> = {}) => ({
    kind: "email",
    name,
    host: "localhost",
    port,
    security: "starttls",
    username: "cadesk",
    password: "mail-password",
    from: "cadesk@example.internal",
    to: "oncall@example.internal, pki@example.internal",
    trustCaId,
    ...extra,
  });

  /** The message body with quoted-printable soft breaks and escapes undone. */
  const decoded = (raw: string) =>
    raw
      .replace(/\r?\n[ \t]+/g, " ")
      .replace(/=\r?\n/g, "")
      .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

  it("sends expiry notices over STARTTLS with authentication to every recipient", async () => {
    const ca = (await createAuthority({ commonName: "Mail Notify CA" })).authority.id;
    const channel = await createChannel(channelInput("On-call mail"));
    await createRule({ channelId: channel.id, caId: ca, daysBefore: [30, 7, 1] });
    const now = new Date();
    const { certificate } = await issueCertificate({ caId: ca, commonName: "mail.example.com", validityDays: 60 }, now);
    const day54 = new Date(now.getTime() + 54 * DAY);
    await queueExpiryNotices(day54);
    const delivery = (await deliverDue(day54)).find((d) => d.channelId === channel.id);
    expect(delivery).toMatchObject({ status: "delivered", attempts: 1 });
    expect(delivery!.lastResult).toMatch(/^250 /);
    const mail = mails.at(-1)!;
    expect(mail.secure).toBe(true);
    expect(mail.user).toBe("cadesk");
    expect(mail.to).toEqual(["oncall@example.internal", "pki@example.internal"]);
    const text = decoded(mail.raw);
    expect(text).toMatch(/^Subject: \[cadesk\] Certificate mail\.example\.com expires in 6 days \(\d{4}-\d{2}-\d{2}\)/m);
    expect(text).toContain('Certificate "mail.example.com" expires in 6 days');
    expect(text).toContain(`Serial:  ${certificate.serialHex}`);
    expect(text).toContain("Issuer:  Mail Notify CA");
    expect(text).toContain(`Details: http://localhost:3000/certificates/${certificate.id}`);
    expect(text).toContain("watches for expiries 7 days ahead");
    expect(mail.raw).toMatch(new RegExp(`^Message-ID: <${delivery!.id}@cadesk\\.notifications>\r?$`, "m"));
  });

  it("does not send again by itself a delivery whose instance died before recording the outcome; Send again keeps its Message-ID", async () => {
    const ca = (await createAuthority({ commonName: "Mail Repeat CA" })).authority.id;
    const channel = await createChannel(channelInput("Repeat mail"));
    await createRule({ channelId: channel.id, caId: ca, daysBefore: [7] });
    const now = new Date();
    await issueCertificate({ caId: ca, commonName: "repeat.example.com", validityDays: 60 }, now);
    const day54 = new Date(now.getTime() + 54 * DAY);
    await queueExpiryNotices(day54);
    const first = (await deliverDue(day54)).find((d) => d.channelId === channel.id)!;
    const firstMail = mails.at(-1)!;
    const count = mails.length;
    // What a crash after the server's 250 leaves: the attempt committed as "sending", no outcome.
    await getDb().notificationDelivery.update({
      where: { id: first.id },
      data: { status: "sending", deliveredAt: null, lastResult: null, nextAttemptAt: day54 },
    });
    expect((await deliverDue(new Date(day54.getTime() + 1000))).find((d) => d.id === first.id)).toBeUndefined();
    expect(await getDb().notificationDelivery.findUniqueOrThrow({ where: { id: first.id } })).toMatchObject({ status: "uncertain" });
    expect(mails).toHaveLength(count);
    const again = await resendDelivery(first.id);
    expect(again).toMatchObject({ status: "delivered", attempts: 2 });
    const secondMail = mails.at(-1)!;
    expect(secondMail).not.toBe(firstMail);
    const id = (raw: string) => /^Message-ID: (.*?)\r?$/m.exec(raw)?.[1];
    expect(id(secondMail.raw)).toBe(id(firstMail.raw));
    expect(id(firstMail.raw)).toBe(`<${first.id}@cadesk.notifications>`);
  });

  it("reports a wrong password and an untrusted relay certificate in plain words", async () => {
    const wrong = await createChannel(channelInput("Wrong password", { password: "not-it" }));
    const refused = await sendTestNotification(wrong.id);
    expect(refused.status).toBe("failed");
    expect(refused.lastResult).toMatch(/refused the user name or password: 535/);

    const untrusted = await createChannel(channelInput("No trust", { trustCaId: undefined }));
    const tlsFailure = await sendTestNotification(untrusted.id);
    expect(tlsFailure.status).toBe("failed");
    expect(tlsFailure.lastResult).toMatch(/does not trust|TLS with localhost/);
    expect(tlsFailure.lastResult).toContain('choose that CA under "Trust"');

    const good = await sendTestNotification((await createChannel(channelInput("Test mail"))).id);
    expect(good.status).toBe("delivered");
    expect(decoded(mails.at(-1)!.raw)).toContain('Expiry notices for the channel "Test mail" will arrive here.');
  });
});

describe("scheduled CRLs", () => {
  it("signs a new CRL before the current one runs out", async () => {
    const ca = (await createAuthority({ commonName: "Scheduled CRL CA" })).authority.id;
    await refreshCrls();
    const first = await getDb().crl.findUniqueOrThrow({ where: { authorityId: ca } });
    await getDb().crl.update({ where: { authorityId: ca }, data: { nextUpdate: new Date(Date.now() + 3600_000) } });
    await refreshCrls();
    const second = await getDb().crl.findUniqueOrThrow({ where: { authorityId: ca } });
    expect(second.number).toBe(first.number + 1);
    expect(second.nextUpdate.getTime()).toBeGreaterThan(Date.now() + 6 * DAY);
  });
});
