import type { Prisma } from "@/generated/prisma/client";
import { z } from "zod";
import { getDb } from "../db";
import { DAY } from "../time";

/** The groups the Audit page filters by: an action's first word. */
export const AUDIT_GROUPS = ["auth", "ca", "certificate", "key", "pkcs12", "tls", "settings", "user", "token", "audit", "acme"] as const;

export const ZAuditQuery = z.object({
  group: z.enum(AUDIT_GROUPS).optional().catch(undefined),
  actor: z.string().trim().max(320).optional().catch(undefined),
  outcome: z.enum(["success", "failure"]).optional().catch(undefined),
  from: z.iso.date().optional().catch(undefined),
  to: z.iso.date().optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).default(1).catch(1),
});
export type TAuditQuery = z.infer<typeof ZAuditQuery>;

export function parseAuditQuery(params: Record<string, string | string[] | undefined>): TAuditQuery {
  const flat = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v || undefined]));
  return ZAuditQuery.parse(flat);
}

export function auditWhere(query: TAuditQuery): Prisma.AuditEventWhereInput {
  return {
    ...(query.group ? { action: { startsWith: query.group + "." } } : {}),
    ...(query.actor ? { actorLabel: { contains: query.actor.toLowerCase() } } : {}),
    ...(query.outcome ? { outcome: query.outcome } : {}),
    ...(query.from || query.to
      ? { at: { ...(query.from ? { gte: new Date(query.from + "T00:00:00Z") } : {}), ...(query.to ? { lt: new Date(new Date(query.to + "T00:00:00Z").getTime() + DAY) } : {}) } }
      : {}),
  };
}

export const AUDIT_PAGE_SIZE = 50;

export async function searchAudit(query: TAuditQuery) {
  const where = auditWhere(query);
  const db = getDb();
  const [events, total] = await Promise.all([
    db.auditEvent.findMany({ where, orderBy: { id: "desc" }, skip: (query.page - 1) * AUDIT_PAGE_SIZE, take: AUDIT_PAGE_SIZE }),
    db.auditEvent.count({ where }),
  ]);
  // Rows written without a label (older ones, refusals before the object was read) get today's
  // name of their object, so the log shows "api.example.com", not a raw id.
  const unlabelled = (type: string) => [...new Set(events.filter((e) => e.objectType === type && e.objectId && !e.objectLabel).map((e) => e.objectId!))];
  const [certificates, authorities, users] = await Promise.all([
    db.certificate.findMany({ where: { id: { in: unlabelled("certificate") } }, select: { id: true, commonName: true } }),
    db.authority.findMany({ where: { id: { in: unlabelled("authority") } }, select: { id: true, commonName: true } }),
    db.user.findMany({ where: { id: { in: unlabelled("user") } }, select: { id: true, email: true } }),
  ]);
  const names = new Map<string, string>([
    ...certificates.map((c) => [c.id, c.commonName] as const),
    ...authorities.map((a) => [a.id, a.commonName] as const),
    ...users.map((u) => [u.id, u.email] as const),
  ]);
  return {
    events: events.map((e) => (e.objectLabel || !e.objectId ? e : { ...e, objectLabel: names.get(e.objectId) ?? null })),
    total,
  };
}
