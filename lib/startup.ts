import { chmodSync } from "node:fs";
import path from "node:path";
import { loadApiToken } from "./api/auth";
import { readConfig } from "./config";
import { loadMasterKey } from "./master-key";
import { registerPeerSync } from "./ops/cluster";
import { runAs, SYSTEM_ACTOR } from "./auth/actor";

/**
 * Makes the data dir private (0700) and creates the master key and API token on first start, so
 * they never appear mid-request. Logs where the token is, never the token itself.
 */
export function prepareDataDir(): void {
  const config = readConfig();
  loadMasterKey(config);
  loadApiToken(config);
  chmodSync(config.dataDir, 0o700);
  console.log(
    config.apiToken
      ? "[cadesk] API: bearer token from CADESK_API_TOKEN"
      : `[cadesk] API: bearer token in ${path.join(config.dataDir, "api-token")}`,
  );
}

/**
 * First run: CADESK_ADMIN_EMAIL + CADESK_ADMIN_PASSWORD create the first admin; otherwise the
 * setup token is printed, and only someone who can read this log (or the data dir) can use the
 * setup page.
 */
export async function announceFirstRun(): Promise<void> {
  const { bootstrapAdminFromEnv } = await import("./services/users");
  const { hasUsers, setupToken } = await import("./auth/setup");
  const created = await bootstrapAdminFromEnv();
  if (created) console.log(`[cadesk] Created the first admin ${created.email} from CADESK_ADMIN_EMAIL.`);
  if (await hasUsers()) return;
  console.log(`[cadesk] First run: open ${readConfig().publicUrl}/setup and enter this setup token: ${setupToken()}`);
}

/**
 * What this worker applies when another worker of the cluster changed a listener's settings
 * (lib/ops/cluster.ts): the echo server's saved settings, and the certificate the HTTPS front serves.
 */
export function registerPeerSyncs(): void {
  registerPeerSync("echo", () => runAs(SYSTEM_ACTOR, async () => (await import("./services/echo-settings")).syncEchoSettings()));
  registerPeerSync("dashboard-tls", () =>
    runAs(SYSTEM_ACTOR, async () => (await import("./services/dashboard-certificate")).reloadDashboardCertificate()),
  );
}
