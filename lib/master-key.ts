/**
 * The master key that seals every stored private key. From CADESK_MASTER_KEY (64 hex characters,
 * or base64 of 32 bytes) when set; otherwise generated once into the data dir with 0600
 * permissions. Losing it makes every stored key unreadable: the README says how to back it up.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { masterKeyBytes, readConfig, type Config } from "./config";

let cached: Buffer | undefined;

export function parseMasterKey(text: string): Buffer {
  const key = masterKeyBytes(text);
  if (!key) {
    throw new Error("CADESK_MASTER_KEY must be 32 bytes: 64 hex characters (`openssl rand -hex 32`) or base64.");
  }
  return key;
}

export function loadMasterKey(config: Config = readConfig()): Buffer {
  if (cached) return cached;
  if (config.masterKeyHex) {
    cached = parseMasterKey(config.masterKeyHex);
    return cached;
  }
  const file = path.join(config.dataDir, "master.key");
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  try {
    cached = parseMasterKey(readFileSync(file, "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    // "wx" fails if another process created it first; then we read theirs.
    try {
      writeFileSync(file, randomBytes(32).toString("hex") + "\n", { mode: 0o600, flag: "wx" });
    } catch (raced) {
      if ((raced as NodeJS.ErrnoException).code !== "EEXIST") throw raced;
    }
    cached = parseMasterKey(readFileSync(file, "utf8"));
  }
  return cached;
}
