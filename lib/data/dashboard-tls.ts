import { getDb } from "../db";

/** The certificate the dashboard serves over HTTPS, if any (a read: pages call it without an actor). */
export async function readDashboardCertificateId(): Promise<string | null> {
  return (await getDb().dashboardTls.findUnique({ where: { id: 1 } }))?.certificateId ?? null;
}
