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
  return new PrismaClient({ adapter: immediateTransactions(new PrismaBetterSQLite3({ url: `file:${file}`, timeout: BUSY_TIMEOUT_MS })) });
}

/**
 * How long a write waits for another process's transaction (better-sqlite3's busy timeout) before
 * SQLITE_BUSY. Several processes write to one file when CADESK_WORKERS > 1 (or a backup runs);
 * each holds the write lock for one short transaction (a group commit's batch is a few ms).
 */
export const BUSY_TIMEOUT_MS = 10_000;

/**
 * Prisma's better-sqlite3 adapter starts every transaction with a plain BEGIN (DEFERRED): the
 * write lock is taken at the first write. In WAL mode a transaction that has read and then writes
 * after another process committed fails at once with SQLITE_BUSY_SNAPSHOT, which no busy timeout
 * retries (https://www.sqlite.org/lang_transaction.html, "deferred"): with several workers an ACME
 * nonce check or a CRL number claim would then fail under load. BEGIN IMMEDIATE takes the write
 * lock first, waiting up to the busy timeout for another process's commit; within one process the
 * adapter's own mutex already runs transactions one at a time. Reads outside transactions do not
 * wait (WAL).
 */
function immediateTransactions(
  factory: PrismaBetterSQLite3,
): Pick<PrismaBetterSQLite3, "provider" | "adapterName" | "connect" | "connectToShadowDb"> {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connectToShadowDb: () => factory.connectToShadowDb(),
    async connect() {
      const adapter = await factory.connect();
      const sqlite = (adapter as unknown as { client?: Database.Database }).client;
      if (!sqlite || typeof sqlite.prepare !== "function") {
        throw new Error("The better-sqlite3 adapter changed shape (no client.prepare): review lib/stores/sqlite.ts before upgrading it.");
      }
      const prepare = sqlite.prepare.bind(sqlite);
      sqlite.prepare = ((source: string) => prepare(source === "BEGIN" ? "BEGIN IMMEDIATE" : source)) as typeof sqlite.prepare;
      return adapter;
    },
  };
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
