/**
 * The only place that builds the Prisma client. It runs on the JavaScript engine with the
 * better-sqlite3 driver adapter (no engine binary to download), one client per process.
 */
import { chmodSync, existsSync } from "node:fs";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import Database from "better-sqlite3";
import { PrismaClient } from "@/generated/prisma/client";
import { readConfig, sqlitePath } from "./config";

function createClient(): PrismaClient {
  const file = sqlitePath(readConfig().databaseUrl);
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

const globalForPrisma = globalThis as unknown as { cadeskPrisma?: PrismaClient };

export function getDb(): PrismaClient {
  globalForPrisma.cadeskPrisma ??= createClient();
  return globalForPrisma.cadeskPrisma;
}

export type { PrismaClient };
