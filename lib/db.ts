/**
 * The only place that builds the Prisma client. It runs on the JavaScript engine with the
 * better-sqlite3 driver adapter (no engine binary to download), one client per process.
 */
import { chmodSync, existsSync } from "node:fs";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "@/generated/prisma/client";
import { readConfig, sqlitePath } from "./config";

function createClient(): PrismaClient {
  const file = sqlitePath(readConfig().databaseUrl);
  if (!existsSync(file)) {
    throw new Error(`The database ${file} does not exist: run \`npm start\` (or \`npx prisma migrate deploy\`) to create it.`);
  }
  // The store holds encrypted keys and the inventory: readable by the service account only.
  chmodSync(file, 0o600);
  return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: `file:${file}` }) });
}

const globalForPrisma = globalThis as unknown as { cadeskPrisma?: PrismaClient };

export function getDb(): PrismaClient {
  globalForPrisma.cadeskPrisma ??= createClient();
  return globalForPrisma.cadeskPrisma;
}

export type { PrismaClient };
