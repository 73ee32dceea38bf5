import { isIP } from "node:net";
import { hostname } from "node:os";
import { runAs, SYSTEM_ACTOR } from "../auth/actor";
import { readConfig } from "../config";
import { getDb } from "../db";
import { HttpsFront } from "../tls/https-front";
import { httpsFrontRuntime } from "../tls/https-front-runtime";
import { createAuthority } from "./create-authority";
import { dashboardCertificateId, serveDashboardCertificate } from "./dashboard-certificate";
import { servingPems } from "./export-certificate";
import { issueCertificate } from "./issue-certificate";
import { renewCertificate } from "./renew-certificate";

const DAY = 86_400_000;
export const DASHBOARD_CA_NAME = "cadesk Dashboard CA";
/** The dashboard's certificate is renewed this long before it expires. */
const RENEW_BEFORE_MS = 30 * DAY;

/** Names the dashboard answers to: CADESK_TLS_NAMES, or localhost, this host and CADESK_PUBLIC_URL's host. */
export function dashboardNames(env = process.env): string[] {
  if (env.CADESK_TLS_NAMES) return [...new Set(env.CADESK_TLS_NAMES.split(/[,\s]+/).filter(Boolean))];
  const publicHost = new URL(readConfig(env).publicUrl).hostname.replace(/^\[|\]$/g, "");
  return [...new Set(["localhost", hostname().toLowerCase(), publicHost, "127.0.0.1", "::1"].filter(Boolean))];
}

/**
 * The certificate the dashboard serves, valid for at least 30 more days: the stored one, its
 * renewal when it comes within 30 days of expiry (served at once), or a new one for
 * `dashboardNames()` from CADESK_TLS_CA_ID or a "cadesk Dashboard CA" made for the purpose.
 */
export async function ensureDashboardCertificate(now = new Date()): Promise<string> {
  return runAs(SYSTEM_ACTOR, async () => {
    const db = getDb();
    const id = await dashboardCertificateId();
    const current = id ? await db.certificate.findUnique({ where: { id } }) : null;
    const usable = current && current.status === "active" && current.encryptedKey && current.notAfter > now;
    if (usable && current.notAfter.getTime() - now.getTime() > RENEW_BEFORE_MS) return current.id;
    // renewCertificate follows the dashboard certificate itself (followRenewal).
    if (usable) return (await renewCertificate(current.id, {}, now)).certificate.id;
    const caId =
      process.env.CADESK_TLS_CA_ID ||
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
export async function startDashboardHttps(env = process.env): Promise<HttpsFront | null> {
  const runtime = httpsFrontRuntime();
  if (env.CADESK_TLS !== "1" || runtime.front) return runtime.front;
  const port = Number(env.CADESK_HTTPS_PORT || 3000);
  const front = new HttpsFront({ host: "127.0.0.1", port: Number(env.PORT || 13000) });
  runtime.front = front;
  runtime.reload = async (certificateId) => front.update(await servingPems(certificateId));
  await front.start(await servingPems(await ensureDashboardCertificate()), port, env.CADESK_HTTPS_HOST || "0.0.0.0");
  console.log(
    `[cadesk] HTTPS on port ${front.port} for ${dashboardNames(env).join(", ")}. Trust the CA that issued it (${env.CADESK_TLS_CA_ID ? "CADESK_TLS_CA_ID" : `"${DASHBOARD_CA_NAME}"`}) to avoid browser warnings.`,
  );
  return front;
}
