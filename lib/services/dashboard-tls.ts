import { isIP } from "node:net";
import { hostname } from "node:os";
import { assertCan, runAs, SYSTEM_ACTOR } from "../auth/actor";
import { readConfig, type Config } from "../config";
import { getDb } from "../db";
import { HttpsFront } from "../tls/https-front";
import { httpsFrontRuntime } from "../tls/https-front-runtime";
import { createAuthority } from "./create-authority";
import { dashboardCertificateId, serveDashboardCertificate } from "./dashboard-certificate";
import { servingPems } from "./export-certificate";
import { issueCertificate } from "./issue-certificate";
import { renewCertificate } from "./renew-certificate";
import { DAY } from "../time";

export const DASHBOARD_CA_NAME = "cadesk Dashboard CA";
/** The dashboard's certificate is renewed this long before it expires. */
const RENEW_BEFORE_MS = 30 * DAY;

/** Names the dashboard answers to: CADESK_TLS_NAMES, or localhost, this host and CADESK_PUBLIC_URL's host. */
export function dashboardNames(config: Config = readConfig()): string[] {
  if (config.CADESK_TLS_NAMES) return config.CADESK_TLS_NAMES;
  const publicHost = new URL(config.publicUrl).hostname.replace(/^\[|\]$/g, "");
  return [...new Set(["localhost", hostname().toLowerCase(), publicHost, "127.0.0.1", "::1"].filter(Boolean))];
}

/**
 * The certificate the dashboard serves, valid for at least 30 more days: the stored one, its
 * renewal when it comes within 30 days of expiry (served at once), or a new one for
 * `dashboardNames()` from CADESK_TLS_CA_ID or a "cadesk Dashboard CA" made for the purpose.
 */
export async function ensureDashboardCertificate(now = new Date()): Promise<string> {
  assertCan("manage_cas", "make the dashboard's own certificate");
  return runAs(SYSTEM_ACTOR, async () => {
    const db = getDb();
    const id = await dashboardCertificateId();
    const current = id ? await db.certificate.findUnique({ where: { id } }) : null;
    // Not yet valid (a clock moved back, or a certificate made for a later time) is no more usable than expired.
    const usable = current && current.status === "active" && current.encryptedKey && current.notBefore <= now && current.notAfter > now;
    if (usable && current.notAfter.getTime() - now.getTime() > RENEW_BEFORE_MS) return current.id;
    if (usable) {
      // A renewal made by an instance that died before serving it (renewing and serving are two
      // writes) is served now rather than renewed again: one renewal per expiry, whoever resumes.
      const renewal = await db.certificate.findFirst({
        where: { renewedFromId: current.id, status: "active", encryptedKey: { not: null }, notBefore: { lte: now } },
        orderBy: { notAfter: "desc" },
      });
      if (renewal && renewal.notAfter.getTime() - now.getTime() > RENEW_BEFORE_MS) {
        await serveDashboardCertificate(renewal.id);
        return renewal.id;
      }
      // renewCertificate follows the dashboard certificate itself (followRenewal).
      return (await renewCertificate(current.id, {}, now)).certificate.id;
    }
    const caId =
      readConfig().CADESK_TLS_CA_ID ||
      (
        await db.authority.findFirst({
          where: { commonName: DASHBOARD_CA_NAME, status: "active", notAfter: { gt: new Date(now.getTime() + 90 * DAY) } },
        })
      )?.id ||
      (await createAuthority({ commonName: DASHBOARD_CA_NAME, organization: "cadesk" }, now)).authority.id;
    const names = dashboardNames();
    const { certificate } = await issueCertificate(
      {
        caId,
        profile: "server",
        commonName: names[0],
        sans: { dns: names.filter((n) => !isIP(n)), ip: names.filter((n) => isIP(n)) },
        validityDays: 90,
      },
      now,
    );
    await serveDashboardCertificate(certificate.id);
    return certificate.id;
  });
}

/**
 * CADESK_TLS=1: serves the dashboard over HTTPS on CADESK_HTTPS_PORT, forwarding to Next on the
 * loopback port it listens on (`npm start` arranges both).
 */
export async function startDashboardHttps(config: Config = readConfig()): Promise<HttpsFront | null> {
  assertCan("settings", "start the dashboard's HTTPS listener");
  const runtime = httpsFrontRuntime();
  if (!config.CADESK_TLS || runtime.front) return runtime.front;
  const port = config.CADESK_HTTPS_PORT ?? config.PORT;
  const front = new HttpsFront({ host: "127.0.0.1", port: config.PORT });
  runtime.front = front;
  runtime.reload = async (certificateId) => front.update(await servingPems(certificateId));
  await front.start(await servingPems(await ensureDashboardCertificate()), port, config.CADESK_HTTPS_HOST);
  console.log(
    `[cadesk] HTTPS on port ${front.port} for ${dashboardNames(config).join(", ")}. Trust the CA that issued it (${config.CADESK_TLS_CA_ID ? "CADESK_TLS_CA_ID" : `"${DASHBOARD_CA_NAME}"`}) to avoid browser warnings.`,
  );
  return front;
}
