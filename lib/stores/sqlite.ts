/**
 * The embedded store: one SQLite file, through the better-sqlite3 driver adapter (no engine
 * binary to download).
 */
import { chmodSync, existsSync } from "node:fs";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import Database from "better-sqlite3";
import { PrismaClient } from "@/generated/prisma/client";
import { sqlitePath } from "../config";

export function createSqliteClient(databaseUrl: string): PrismaClient {
  const file = sqlitePath(databaseUrl);
  if (!existsSync(file)) {
    throw new Error(`The database ${file} does not exist: run \`npm start\` (or \`npx prisma migrate deploy\`) to create it.`);
  }
  // The store holds encrypted keys and the inventory: readable by the service account only.
  chmodSync(file, 0o600);
  enableWriteAheadLog(file);
  return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: `file:${file}` }) });
}

/**
 * WAL journaling (kept in the file once set): readers no longer wait for writers, and a commit
 * costs one sync of the log instead of syncing the journal and the database. synchronous stays
 * FULL, so an issued certificate is on disk before it is returned, even across a power cut.
 */
function enableWriteAheadLog(file: string): void {
  const sqlite = new Database(file);
  try {
    sqlite.pragma("journal_mode = WAL");
  } finally {
    sqlite.close();
  }
}
