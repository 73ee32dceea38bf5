import { randomBytes, timingSafeEqual, createHash } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { readConfig } from "../config";
import { getDb } from "../db";

/**
 * First run: until an admin exists, the setup page needs a token that only someone with access to
 * the server's log (or data dir) has, so a stranger who reaches the port first cannot claim it.
 */
function tokenFile(): string {
  return path.join(readConfig().dataDir, "setup-token");
}

export async function hasUsers(): Promise<boolean> {
  return (await getDb().user.count()) > 0;
}

/** The setup token, created on first use; stable across restarts until setup is done. */
export function setupToken(): string {
  try {
    return readFileSync(tokenFile(), "utf8").trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    try {
      writeFileSync(tokenFile(), randomBytes(18).toString("base64url") + "\n", { mode: 0o600, flag: "wx" });
    } catch (raced) {
      if ((raced as NodeJS.ErrnoException).code !== "EEXIST") throw raced;
    }
    return readFileSync(tokenFile(), "utf8").trim();
  }
}

export function setupTokenMatches(candidate: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(candidate.trim()), digest(setupToken()));
}

export function forgetSetupToken(): void {
  rmSync(tokenFile(), { force: true });
}
