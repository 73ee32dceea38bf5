/**
 * Vitest global setup: a fresh data dir with a real SQLite file migrated by `prisma migrate
 * deploy`, the same path `npm start` takes. Workers inherit the environment set here.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export default function setup() {
  const dataDir = mkdtempSync(path.join(tmpdir(), "cadesk-unit-"));
  process.env.CADESK_DATA_DIR = dataDir;
  delete process.env.DATABASE_URL;
  delete process.env.CADESK_MASTER_KEY;
  process.env.CADESK_ECHO_PORT = "0"; // any free port
  execFileSync(path.resolve("node_modules/.bin/prisma"), ["migrate", "deploy"], { stdio: "pipe", env: process.env });
  return () => rmSync(dataDir, { recursive: true, force: true });
}
