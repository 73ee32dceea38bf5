import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { readConfig, type Config } from "../config";
import { AppError } from "../errors";

/**
 * The API's bearer token: CADESK_API_TOKEN when set, otherwise one generated on first start into
 * the data dir (0600) and printed by `npm start`, so the API is never open by default.
 */
export function loadApiToken(config: Config = readConfig()): string {
  if (config.apiToken) return config.apiToken;
  const file = path.join(config.dataDir, "api-token");
  try {
    return readFileSync(file, "utf8").trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, `cadesk_${randomBytes(24).toString("base64url")}\n`, { mode: 0o600, flag: "wx" });
    } catch (raced) {
      if ((raced as NodeJS.ErrnoException).code !== "EEXIST") throw raced;
    }
    return readFileSync(file, "utf8").trim();
  }
}

const digest = (s: string) => createHash("sha256").update(s).digest();

export function requireApiToken(request: Request): void {
  const header = request.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(.+)$/i.exec(header);
  // Compare digests so the comparison takes the same time whatever the token's length.
  if (!match || !timingSafeEqual(digest(match[1]!.trim()), digest(loadApiToken()))) {
    throw new AppError("UNAUTHORIZED", "Missing or wrong API token: send `Authorization: Bearer <token>` (CADESK_API_TOKEN, or the token in the data dir's api-token file).");
  }
}
