/**
 * The CA hierarchy as a tree for the Authorities page: each CA under its parent, with what it
 * holds (key type, expiry) and how the certificates it issued stand. One query set whatever the
 * number of CAs: the CAs in one query, then one grouped count per status, never a query per CA.
 */
import { getDb } from "../db";
import { CERTIFICATE_STATUSES, type CertificateStatus } from "../validations/certificate";
import { CA_WARNING_DAYS, daysUntil, statusWhere } from "./status";
import { DAY } from "../time";

/** red: the CA (or one above it) cannot be relied on; amber: act soon; green: nothing to do. */
export type Health = "bad" | "warn" | "good";

export interface AuthorityNode {
  id: string;
  commonName: string;
  keyType: string;
  pathLength: number | null;
  imported: boolean;
  isRoot: boolean;
  notAfter: Date;
  daysLeft: number;
  revoked: boolean;
  revokedAt: Date | null;
  revocationReason: string | null;
  /** Certificates this CA issued, by status (lib/data/status.ts). */
  counts: Record<CertificateStatus, number>;
  health: Health;
  /** Why the colour, in words (shown beside it, so colour is never the only signal). */
  healthReason: string;
  children: AuthorityNode[];
}

function emptyCounts(): Record<CertificateStatus, number> {
  return { valid: 0, expiring: 0, expired: 0, revoked: 0 };
}

/**
 * The health of one CA from its own state and its issuer's: a CA under a revoked or expired
 * issuer fails validation too (RFC 5280 6.1.3 checks every certificate of the path), so it is red
 * even if its own certificate is fine.
 */
function healthOf(
  a: { revoked: boolean; daysLeft: number; notAfter: Date; counts: Record<CertificateStatus, number> },
  parent: AuthorityNode | undefined,
  now: Date,
): { health: Health; healthReason: string } {
  if (a.revoked) return { health: "bad", healthReason: "revoked" };
  if (a.notAfter <= now) return { health: "bad", healthReason: "expired" };
  if (parent?.health === "bad") return { health: "bad", healthReason: `its issuer is ${parent.healthReason.replace(/^its issuer is /, "")}` };
  if (a.notAfter.getTime() - now.getTime() < CA_WARNING_DAYS * DAY) return { health: "warn", healthReason: "expires within 180 days" };
  if (a.counts.expiring > 0) {
    return { health: "warn", healthReason: `${a.counts.expiring} certificate${a.counts.expiring === 1 ? "" : "s"} to renew` };
  }
  return { health: "good", healthReason: "healthy" };
}

/** Every CA as a forest: roots (and CAs whose issuer cadesk does not hold) at the top, oldest first. */
export async function authorityTree(now = new Date()): Promise<AuthorityNode[]> {
  const db = getDb();
  const [authorities, ...grouped] = await Promise.all([
    db.authority.findMany({
      orderBy: { createdAt: "asc" },
      select: {
        id: true, commonName: true, parentId: true, keyType: true, pathLength: true, notAfter: true, imported: true,
        status: true, revokedAt: true, revocationReason: true,
      },
    }),
    ...CERTIFICATE_STATUSES.map((s) => db.certificate.groupBy({ by: ["authorityId"], where: statusWhere(s, now), _count: { _all: true } })),
  ]);
  const counts = new Map<string, Record<CertificateStatus, number>>();
  CERTIFICATE_STATUSES.forEach((status, i) => {
    for (const g of grouped[i]!) {
      const c = counts.get(g.authorityId) ?? emptyCounts();
      c[status] = g._count._all;
      counts.set(g.authorityId, c);
    }
  });
  const ids = new Set(authorities.map((a) => a.id));
  const byParent = new Map<string | null, typeof authorities>();
  for (const a of authorities) {
    // A parent that is not held (cannot happen with the foreign key) puts the CA at the top, never out of sight.
    const key = a.parentId && ids.has(a.parentId) ? a.parentId : null;
    byParent.set(key, [...(byParent.get(key) ?? []), a]);
  }
  const seen = new Set<string>();
  const build = (parentId: string | null, parent: AuthorityNode | undefined, depth: number): AuthorityNode[] =>
    // 16 levels bound a loop a corrupted parentId could make; real hierarchies have 2 or 3.
    depth > 16
      ? []
      : (byParent.get(parentId) ?? [])
          .filter((a) => !seen.has(a.id) && seen.add(a.id))
          .map((a) => {
            const base = {
              id: a.id,
              commonName: a.commonName,
              keyType: a.keyType,
              pathLength: a.pathLength,
              imported: a.imported,
              isRoot: a.parentId === null,
              notAfter: a.notAfter,
              daysLeft: daysUntil(a.notAfter, now),
              revoked: a.status === "revoked",
              revokedAt: a.revokedAt,
              revocationReason: a.revocationReason,
              counts: counts.get(a.id) ?? emptyCounts(),
            };
            const node: AuthorityNode = { ...base, ...healthOf(base, parent, now), children: [] };
            node.children = build(a.id, node, depth + 1);
            return node;
          });
  return build(null, undefined, 0);
}
