import { assertCan } from "../auth/actor";
import { readDashboardCertificateId } from "../data/dashboard-tls";
import { getDb } from "../db";
import { syncPeers } from "../ops/cluster";
import { httpsFrontRuntime } from "../tls/https-front-runtime";

/** The certificate the dashboard serves over HTTPS, if any. */
export async function dashboardCertificateId(): Promise<string | null> {
  assertCan("view", "read the dashboard's certificate");
  return readDashboardCertificateId();
}

/** Makes `certificateId` the dashboard's certificate and serves it from the next handshake on. */
export async function serveDashboardCertificate(certificateId: string): Promise<void> {
  // Also reached by a renewal of the dashboard's certificate (followRenewal).
  assertCan("issue", "change the dashboard's certificate");
  await getDb().dashboardTls.upsert({ where: { id: 1 }, create: { id: 1, certificateId }, update: { certificateId } });
  await httpsFrontRuntime().reload?.(certificateId);
  // Every worker's front serves the same port (CADESK_WORKERS): they all take the new certificate now.
  await syncPeers("dashboard-tls");
}

/** Another worker changed the dashboard's certificate: this worker's HTTPS front serves the stored one. */
export async function reloadDashboardCertificate(): Promise<void> {
  assertCan("settings", "reload the dashboard's certificate");
  const runtime = httpsFrontRuntime();
  if (!runtime.front) return;
  const certificateId = await readDashboardCertificateId();
  if (certificateId) await runtime.reload?.(certificateId);
}

/** After a renewal: if the old certificate was the dashboard's, the new one takes its place live. */
export async function followRenewal(oldId: string, newId: string): Promise<boolean> {
  assertCan("issue", "renew the dashboard's certificate");
  if ((await dashboardCertificateId()) !== oldId) return false;
  await serveDashboardCertificate(newId);
  return true;
}
