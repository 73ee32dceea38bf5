/**
 * An instance killed mid-run (issue #14): two cadesk instances on one PostgreSQL queue a burst of
 * expiry notices to a real SMTP server, which holds one message (all of it received, no answer
 * yet) while the instance sending it is killed with SIGKILL. Then: every notice arrived at most
 * once, every one that was not in flight arrived, the one in flight is "uncertain" (never sent
 * again), the survivor finished the run, and the CRL the scheduler had to renew was renewed once.
 * `npx vitest run --config scripts/instances/vitest.config.ts scripts/instances/failover.test.ts`
 */
import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, startCluster, startMailServer, until, type Cluster, type Instance, type MailServer } from "./cluster";

const NOTICES = 12;
/** The message the SMTP server holds: the 4th, so three went out before the kill. */
const HOLD_AT = 4;
const LEASE_SECONDS = 15;

let cluster: Cluster;
let smtp: MailServer;
/** Message-IDs as the SMTP server received them (every byte of the message, answered or not). */
const received: string[] = [];
let held: { messageId: string; release: () => void } | null = null;

beforeAll(async () => {
  smtp = await startMailServer((raw, answer) => {
    const messageId = /^Message-ID: (.*?)\r?$/im.exec(raw)?.[1] ?? "(none)";
    received.push(messageId);
    // The whole message is here; the 250 waits until the sender has been killed.
    if (received.length === HOLD_AT) held = { messageId, release: answer };
    else answer();
  });
  cluster = await startCluster({
    publicUrl: "http://cadesk.failover.test",
    env: { CADESK_DELIVERY_LEASE_SECONDS: String(LEASE_SECONDS) },
  });
  await cluster.start("a");
  await cluster.start("b");
}, 600_000);

afterAll(async () => {
  held?.release();
  await cluster?.stop();
  await smtp?.close();
}, 120_000);

describe("SIGKILL of the instance that is sending a burst of notices", () => {
  it("delivers every notice at most once, leaves the one in flight uncertain, and the survivor finishes the run", async () => {
    const [a] = cluster.instances as [Instance, Instance];
    const call = api(a.url, cluster.token);
    const ca = await call<{ id: string }>("POST", "/cas", { commonName: "Failover Test CA", keyType: "ecdsa-p256" });
    expect(ca.status).toBe(201);
    const ids: string[] = [];
    for (let i = 0; i < NOTICES; i++) {
      const issued = await call<{ id: string }>("POST", "/certificates", {
        caId: ca.json.id,
        profile: "server",
        commonName: `notice-${i}.failover.test`,
        validityDays: 30,
      });
      expect(issued.status).toBe(201);
      ids.push(issued.json.id);
    }
    // As if issued 25 days ago: each certificate's 7-day notice is due at the next run.
    await cluster.sql(
      `UPDATE "Certificate" SET "notBefore" = "notBefore" - interval '25 days', "notAfter" = "notAfter" - interval '25 days', "expiringFrom" = "expiringFrom" - interval '25 days' WHERE id = ANY($1)`,
      [ids],
    );
    // And the CA's CRL within a day of nextUpdate: the scheduler must renew it, once.
    await fetch(`${a.url}/crl/${ca.json.id}`);
    const [crlBefore] = await cluster.sql<{ number: string }>(`SELECT number::text AS number FROM "Crl" WHERE "authorityId" = $1`, [
      ca.json.id,
    ]);
    expect(crlBefore).toBeDefined();
    await cluster.sql(`UPDATE "Crl" SET "nextUpdate" = now() + interval '1 hour' WHERE "authorityId" = $1`, [ca.json.id]);

    const channel = await call<{ id: string }>("POST", "/notifications/channels", {
      kind: "email",
      name: "Failover mail",
      host: "127.0.0.1",
      port: smtp.port,
      security: "none",
      from: "cadesk@failover.test",
      to: "oncall@failover.test",
    });
    expect(channel.status).toBe(201);
    expect((await call("POST", "/notifications/rules", { channelId: channel.json.id, caId: ca.json.id, daysBefore: [7] })).status).toBe(
      201,
    );

    // The 4th message is held: find who is sending it (its committed "sending" row says) and kill it.
    await until("the held message", async () => held, 180);
    const deliveryId = /^<(.+)@cadesk\.notifications>$/.exec(held!.messageId)![1]!;
    const [sending] = await cluster.sql<{ status: string; sendingBy: string }>(
      `SELECT status, "sendingBy" FROM "NotificationDelivery" WHERE id = $1`,
      [deliveryId],
    );
    expect(sending).toMatchObject({ status: "sending" });
    // The sender is the instance's process, or one of its workers (CADESK_WORKERS): both die.
    const pid = Number(sending!.sendingBy.split(":").at(-1));
    const parentOf = (p: number) => Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${p}/status`, "utf8"))?.[1]);
    const victim = cluster.instances.find((i) => i.process.pid === pid || i.process.pid === parentOf(pid));
    expect(victim, `the instance of pid ${pid}`).toBeDefined();
    const survivor = cluster.instances.find((i) => i !== victim)!;
    victim!.process.kill("SIGKILL");
    if (victim!.process.pid !== pid) process.kill(pid, "SIGKILL");
    await victim!.exited;
    expect(victim!.process.signalCode).toBe("SIGKILL");
    await until("the sender gone", async () => !existsSync(`/proc/${pid}`), 30);
    const killedAt = Date.now();
    // The server's 250 comes too late: nobody is there to read it.
    held!.release();

    // The survivor takes over: every other notice delivered, the one in flight settled as uncertain.
    type Row = { id: string; status: string; attempts: number; lastResult: string | null; sendingBy: string | null };
    const rows = () =>
      cluster.sql<Row>(`SELECT id, status, attempts, "lastResult", "sendingBy" FROM "NotificationDelivery" WHERE "channelId" = $1`, [
        channel.json.id,
      ]);
    const settled = await until(
      "every delivery settled",
      async () => {
        const all = await rows();
        return all.length === NOTICES && all.every((r) => r.status === "delivered" || r.status === "uncertain") && all;
      },
      LEASE_SECONDS + 150,
    );
    const inFlight = settled.find((r) => r.id === deliveryId)!;
    expect(inFlight).toMatchObject({ status: "uncertain", attempts: 1 });
    expect(inFlight.lastResult).toContain(`The instance ${sending!.sendingBy} stopped while sending`);
    expect(inFlight.lastResult).toContain("Not repeated, so it cannot arrive twice");
    const others = settled.filter((r) => r.id !== deliveryId);
    expect(others.map((r) => r.status)).toEqual(others.map(() => "delivered"));

    // Two more scheduler periods on the survivor: nothing is sent again.
    const jobsAfterKill = () =>
      survivor.lines.filter((l) => l.msg === "job" && l.job === "scheduler" && Date.parse(String(l.time)) > killedAt).length;
    const seen = jobsAfterKill();
    await until("two more scheduler runs on the survivor", async () => jobsAfterKill() >= seen + 2, 120);
    const counts = new Map<string, number>();
    for (const id of received) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect([...counts.values()].filter((n) => n > 1)).toEqual([]);
    expect(received).toHaveLength(NOTICES);
    for (const r of settled) expect(counts.get(`<${r.id}@cadesk.notifications>`), r.id).toBe(1);

    // Counted where Prometheus looks, and shown by the API as uncertain.
    const metrics = await (await fetch(`${survivor.url}/metrics`, { headers: { Authorization: `Bearer ${cluster.token}` } })).text();
    expect(metrics).toMatch(/^cadesk_notification_delivery_attempts_total\{outcome="uncertain"\} 1$/m);
    expect(metrics).toMatch(/^cadesk_notification_deliveries\{status="uncertain"\} 1$/m);
    const listed = await api(survivor.url, cluster.token)<{ items: { id: string }[] }>("GET", "/notifications/deliveries?status=uncertain");
    expect(listed.json.items.map((d) => d.id)).toEqual([deliveryId]);

    // One notice row per certificate (the dedupe key), and the CRL renewed once across both instances.
    const [{ n }] = (await cluster.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM "NotificationDelivery" WHERE "channelId" = $1 AND kind = 'expiry'`,
      [channel.json.id],
    )) as [{ n: number }];
    expect(n).toBe(NOTICES);
    const [crlAfter] = await cluster.sql<{ number: string }>(`SELECT number::text AS number FROM "Crl" WHERE "authorityId" = $1`, [
      ca.json.id,
    ]);
    expect(BigInt(crlAfter!.number)).toBe(BigInt(crlBefore!.number) + 1n);

    // The operator decides: Send again goes out once more under the same Message-ID.
    const again = await api(survivor.url, cluster.token)<{ status: string; attempts: number }>(
      "POST",
      `/notifications/deliveries/${deliveryId}/resend`,
    );
    expect(again.json).toMatchObject({ status: "delivered", attempts: 2 });
    expect(received.filter((id) => id === held!.messageId)).toHaveLength(2);
  });
});
