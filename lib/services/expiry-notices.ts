import { assertCan } from "../auth/actor";
import { randomUUID } from "node:crypto";
import { Prisma } from "@/generated/prisma/client";
import { readConfig } from "../config";
import { thresholdWithinLifetime } from "../data/status";
import { getDb } from "../db";
import { expiryNotice, type ExpiringObject } from "../notify/message";
import { queueDelivery } from "./deliver-notifications";
import { DAY } from "../time";
import { decodeSans } from "../data/columns";

/**
 * The threshold an object has reached: the smallest "N days before" that its remaining time is
 * within. Thresholds as long as the whole lifetime are skipped, so a 24-hour certificate from
 * automation does not announce its own expiry the moment it is issued, nor a 30-day one its
 * 30-day notice (the dashboard's "expiring" follows the same rule, lib/data/status.ts).
 */
export function reachedThreshold(days: number[], notBefore: Date, notAfter: Date, now: Date): number | null {
  const left = notAfter.getTime() - now.getTime();
  if (left <= 0) return null;
  const reached = days.filter((d) => left <= d * DAY && thresholdWithinLifetime(d, notBefore, notAfter));
  return reached.length ? Math.min(...reached) : null;
}

interface Candidate extends ExpiringObject {
  notBefore: Date;
}

async function candidates(authorityId: string | null, horizon: Date, now: Date): Promise<Candidate[]> {
  const db = getDb();
  const expiring = { gt: now, lte: horizon };
  const [certificates, authorities] = await Promise.all([
    db.certificate.findMany({
      // A certificate already renewed by an active successor needs no reminder.
      where: { status: "active", notAfter: expiring, renewals: { none: { status: "active" } }, ...(authorityId ? { authorityId } : {}) },
      select: {
        id: true,
        commonName: true,
        serialHex: true,
        sans: true,
        notBefore: true,
        notAfter: true,
        authority: { select: { id: true, commonName: true } },
      },
    }),
    db.authority.findMany({
      where: { status: "active", notAfter: expiring, ...(authorityId ? { id: authorityId } : {}) },
      select: {
        id: true,
        commonName: true,
        serialHex: true,
        notBefore: true,
        notAfter: true,
        parent: { select: { id: true, commonName: true } },
      },
    }),
  ]);
  return [
    ...certificates.map((c): Candidate => ({
      kind: "certificate",
      id: c.id,
      commonName: c.commonName,
      serialNumber: c.serialHex,
      sans: decodeSans(c.sans).map((s) => s.value),
      notBefore: c.notBefore,
      notAfter: c.notAfter,
      issuer: c.authority,
    })),
    ...authorities.map((a): Candidate => ({
      kind: "authority",
      id: a.id,
      commonName: a.commonName,
      serialNumber: a.serialHex,
      sans: [],
      notBefore: a.notBefore,
      notAfter: a.notAfter,
      issuer: a.parent,
    })),
  ];
}

/**
 * Queues a notice for every certificate or CA that reached one of a rule's thresholds and was not
 * told about it yet. The dedupe key (rule, object, threshold) is unique in the store, so
 * restarts, overlapping runs and a second instance never queue the same notice twice.
 */
export async function queueExpiryNotices(now = new Date()): Promise<number> {
  assertCan("settings", "queue expiry notices");
  const db = getDb();
  const rules = await db.notificationRule.findMany();
  const baseUrl = readConfig().publicUrl;
  let queued = 0;
  for (const rule of rules) {
    const days = JSON.parse(rule.daysBefore) as number[];
    const horizon = new Date(now.getTime() + Math.max(...days) * DAY);
    const due = (await candidates(rule.authorityId, horizon, now))
      .map((object) => ({ object, threshold: reachedThreshold(days, object.notBefore, object.notAfter, now) }))
      .filter((d): d is { object: Candidate; threshold: number } => d.threshold !== null)
      .map((d) => ({ ...d, key: `${rule.id}:${d.object.kind}:${d.object.id}:${d.threshold}` }));
    if (due.length === 0) continue;
    const sent = new Set(
      (await db.notificationDelivery.findMany({ where: { dedupeKey: { in: due.map((d) => d.key) } }, select: { dedupeKey: true } })).map(
        (d) => d.dedupeKey,
      ),
    );
    for (const { object, threshold, key } of due) {
      if (sent.has(key)) continue;
      const id = randomUUID();
      try {
        await queueDelivery(
          rule.channelId,
          "expiry",
          { ...expiryNotice(object, threshold, { now, baseUrl, deliveryId: id }), id },
          now,
          key,
        );
        queued++;
      } catch (error) {
        // Another run queued it between our read and this insert: that one stands.
        if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")) throw error;
      }
    }
  }
  return queued;
}
