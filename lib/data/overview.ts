import { getDb } from "../db";
import { CERTIFICATE_STATUSES, type CertificateStatus } from "../validations/certificate";
import { searchCertificates, type CertificateRow } from "./certificates";
import { CA_WARNING_DAYS, daysUntil, statusWhere } from "./status";
import { DAY } from "../time";

/** The timeline covers 90 days in weekly bars. */
export const TIMELINE_WEEKS = 13;

export interface TimelineBar {
  /** The week's first moment (this minute, then every 7 days). */
  start: Date;
  end: Date;
  /** Not revoked, notAfter in [start, end). */
  count: number;
  /** Of those, the ones already in their notice window (status "expiring", lib/data/status.ts). */
  expiring: number;
}

export interface Overview {
  authorityCount: number;
  counts: Record<CertificateStatus, number>;
  expiringNext: CertificateRow[];
  timeline: TimelineBar[];
  recentlyIssued: { id: string; commonName: string; createdAt: Date; issuerName: string }[];
  recentlyRevoked: { id: string; commonName: string; revokedAt: Date; reason: string }[];
  expiringAuthorities: { id: string; commonName: string; notAfter: Date; daysLeft: number }[];
}

export async function getOverview(now = new Date()): Promise<Overview> {
  const db = getDb();
  // Whole minutes, so the inventory link of each bar (?expiresFrom=...) selects exactly what it counts.
  const from = Math.floor(now.getTime() / 60_000) * 60_000;
  const weekStarts = Array.from({ length: TIMELINE_WEEKS }, (_, i) => new Date(from + i * 7 * DAY));
  const inWeek = (start: Date) => ({ notAfter: { gte: start, lt: new Date(start.getTime() + 7 * DAY) } });
  const [authorityCount, statusCounts, expiring, weekly, issued, revoked, authorities] = await Promise.all([
    db.authority.count(),
    Promise.all(CERTIFICATE_STATUSES.map((s) => db.certificate.count({ where: statusWhere(s, now) }))),
    searchCertificates({ q: undefined, caId: undefined, status: "expiring", sort: "expiry", page: 1, pageSize: 10 }, now),
    Promise.all(
      weekStarts.map((start) =>
        Promise.all([
          db.certificate.count({ where: { status: { not: "revoked" }, ...inWeek(start) } }),
          db.certificate.count({ where: { AND: [statusWhere("expiring", now), inWeek(start)] } }),
        ]),
      ),
    ),
    db.certificate.findMany({ orderBy: { createdAt: "desc" }, take: 5, select: { id: true, commonName: true, createdAt: true, authority: { select: { commonName: true } } } }),
    db.certificate.findMany({ where: { status: "revoked" }, orderBy: { revokedAt: "desc" }, take: 5, select: { id: true, commonName: true, revokedAt: true, revocationReason: true } }),
    db.authority.findMany({ where: { notAfter: { lt: new Date(now.getTime() + CA_WARNING_DAYS * DAY) } }, orderBy: { notAfter: "asc" }, select: { id: true, commonName: true, notAfter: true } }),
  ]);
  return {
    authorityCount,
    counts: Object.fromEntries(CERTIFICATE_STATUSES.map((s, i) => [s, statusCounts[i]!])) as Record<CertificateStatus, number>,
    expiringNext: expiring.rows,
    timeline: weekStarts.map((start, i) => ({
      start,
      end: new Date(start.getTime() + 7 * DAY),
      count: weekly[i]![0],
      expiring: weekly[i]![1],
    })),
    recentlyIssued: issued.map((c) => ({ id: c.id, commonName: c.commonName, createdAt: c.createdAt, issuerName: c.authority.commonName })),
    recentlyRevoked: revoked.map((c) => ({ id: c.id, commonName: c.commonName, revokedAt: c.revokedAt!, reason: c.revocationReason ?? "unspecified" })),
    expiringAuthorities: authorities.map((a) => ({ ...a, daysLeft: daysUntil(a.notAfter, now) })),
  };
}
