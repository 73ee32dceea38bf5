/**
 * The only place that builds the Prisma client, one per process: SQLite (the embedded default)
 * or PostgreSQL, chosen by DATABASE_URL. Each store's specifics live in lib/stores/.
 */
import { PrismaClient } from "@/generated/prisma/client";
import { readConfig, storeKind } from "./config";
import { createPostgresClient } from "./stores/postgres";
import { createSqliteClient } from "./stores/sqlite";

function createClient(): PrismaClient {
  const { databaseUrl } = readConfig();
  return storeKind(databaseUrl) === "postgresql" ? createPostgresClient(databaseUrl) : createSqliteClient(databaseUrl);
}

const globalForPrisma = globalThis as unknown as { cadeskPrisma?: PrismaClient };

export function getDb(): PrismaClient {
  globalForPrisma.cadeskPrisma ??= createClient();
  return globalForPrisma.cadeskPrisma;
}

/** Which store this process uses, for the few places that must differ (backup, locks). */
export function currentStore(): "sqlite" | "postgresql" {
  return storeKind(readConfig().databaseUrl);
}

export type { PrismaClient };
