import { getDb } from "../db";
import type { StoreGauges } from "../ops/metrics";
import { DAY } from "../time";


/** What the store-wide gauges show: expiring certificates and CRL age per CA, deliveries by status. */
export async function readStoreGauges(now = new Date()): Promise<StoreGauges> {
  const db = getDb();
  const soon = (days: number) => ({ status: { not: "revoked" }, notAfter: { gt: now, lte: new Date(now.getTime() + days * DAY) } });
  const [authorities, within7, within30, crls, deliveries] = await Promise.all([
    db.authority.findMany({ select: { id: true, commonName: true } }),
    db.certificate.groupBy({ by: ["authorityId"], where: soon(7), _count: { _all: true } }),
    db.certificate.groupBy({ by: ["authorityId"], where: soon(30), _count: { _all: true } }),
    db.crl.findMany({ select: { authorityId: true, thisUpdate: true } }),
    db.notificationDelivery.groupBy({ by: ["status"], _count: { _all: true } }),
  ]);
  const name = new Map(authorities.map((a) => [a.id, a.commonName]));
  const expiring = (rows: typeof within7, within: "7d" | "30d") =>
    rows.map((r) => ({ caId: r.authorityId, ca: name.get(r.authorityId) ?? r.authorityId, within, count: r._count._all }));
  return {
    expiring: [...expiring(within7, "7d"), ...expiring(within30, "30d")],
    crlAgeSeconds: crls.map((c) => ({
      caId: c.authorityId,
      ca: name.get(c.authorityId) ?? c.authorityId,
      seconds: Math.max(0, (now.getTime() - c.thisUpdate.getTime()) / 1000),
    })),
    deliveriesByStatus: deliveries.map((d) => ({ status: d.status, count: d._count._all })),
  };
}
