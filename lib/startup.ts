import { chmodSync } from "node:fs";
import path from "node:path";
import { loadApiToken } from "./api/auth";
import { readConfig } from "./config";
import { loadMasterKey } from "./master-key";

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
