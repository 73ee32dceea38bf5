import { getDb } from "../db";
import { CERTIFICATE_STATUSES, type CertificateStatus } from "../validations/certificate";
import { searchCertificates, type CertificateRow } from "./certificates";
import { statusWhere } from "./status";

export interface Overview {
  authorityCount: number;
  counts: Record<CertificateStatus, number>;
  expiringNext: CertificateRow[];
}

export async function getOverview(now = new Date()): Promise<Overview> {
  const db = getDb();
  const [authorityCount, statusCounts, expiring] = await Promise.all([
    db.authority.count(),
    Promise.all(CERTIFICATE_STATUSES.map((s) => db.certificate.count({ where: statusWhere(s, now) }))),
    searchCertificates({ q: undefined, caId: undefined, status: "expiring", sort: "expiry", page: 1, pageSize: 10 }, now),
  ]);
  const counts = Object.fromEntries(CERTIFICATE_STATUSES.map((s, i) => [s, statusCounts[i]!])) as Record<CertificateStatus, number>;
  return { authorityCount, counts, expiringNext: expiring.rows };
}
