/**
 * The embedded store: one SQLite file, through the better-sqlite3 driver adapter (no engine
 * binary to download).
 */
import fs, { chmodSync, existsSync } from "node:fs";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import Database from "better-sqlite3";
import { PrismaClient } from "@/generated/prisma/client";
import { sqlitePath } from "../config";

/** A client's connected adapter, once Prisma has connected it (see sqliteWriteTransaction). */
type Adapter = Awaited<ReturnType<PrismaBetterSQLite3["connect"]>>;
type Connection = {
  adapter?: Adapter;
  sqlite?: Database.Database;
  /** The store's write-ahead log, which sqliteWriteTransaction syncs itself (walSynced). */
  walPath: string;
};
// On globalThis: Next's server bundles can hold more than one copy of this module, and the client
// (lib/db.ts keeps one per process there too) may have been made by another copy.
const CONNECTIONS = Symbol.for("cadesk.sqliteConnections");
const registry = globalThis as unknown as { [CONNECTIONS]?: WeakMap<PrismaClient, Connection> };
const connections = (registry[CONNECTIONS] ??= new WeakMap<PrismaClient, Connection>());

export function createSqliteClient(databaseUrl: string, busyTimeoutMs = BUSY_TIMEOUT_MS): PrismaClient {
  const file = sqlitePath(databaseUrl);
  if (!existsSync(file)) {
    throw new Error(`The database ${file} does not exist: run \`npm start\` (or \`npx prisma migrate deploy\`) to create it.`);
  }
  // The store holds encrypted keys and the inventory: readable by the service account only.
  chmodSync(file, 0o600);
  enableWriteAheadLog(file);
  const connection: Connection = { walPath: `${file}-wal` };
  const client = new PrismaClient({
    adapter: immediateTransactions(new PrismaBetterSQLite3({ url: `file:${file}`, timeout: busyTimeoutMs }), connection),
  });
  connections.set(client, connection);
  return client;
}

/**
 * Runs `work` synchronously inside one write transaction on the client's own better-sqlite3
 * connection, with statements the caller prepares once (lib/stores/sqlite-issuance.ts): no query
 * compiler and no prepare per statement. It is a transaction of the adapter's, so it waits its
 * turn behind Prisma's own interactive transactions (the adapter's mutex) instead of beside them,
 * and it begins IMMEDIATE like them. A second connection could not do this safely: its busy wait
 * for a write lock Prisma's connection holds across an await would block the event loop, and with
 * it the transaction it waits for. `work` must not await: nothing else runs on the connection
 * until it returns. It commits when `work` returns true, rolls back when it returns false or throws.
 *
 * The COMMIT itself runs with synchronous = NORMAL, and the promise resolves only once the WAL file
 * has been fsynced on the thread pool (walSynced): the same guarantee as FULL (the transaction's
 * frames are on disk before anyone is answered), without blocking the event loop for the fsync
 * (~1-5 ms here, longer than the batch's inserts) and without holding the write lock through it,
 * so other processes' commits and this process's requests go on meanwhile. The connection is
 * back to FULL for every other statement (Prisma's own transactions).
 */
export async function sqliteWriteTransaction<T>(
  client: PrismaClient,
  work: (sqlite: Database.Database) => { commit: boolean; value: T },
): Promise<T> {
  const connection = connections.get(client);
  if (!connection) throw new Error("sqliteWriteTransaction: not a client made by createSqliteClient");
  if (!connection.adapter) await client.$connect();
  const { adapter, sqlite } = connection;
  if (!adapter || !sqlite) throw new Error("sqliteWriteTransaction: Prisma connected without this adapter");
  const tx = await adapter.startTransaction();
  // The adapter's transactions end with a COMMIT/ROLLBACK the client sends, then commit()/rollback()
  // that only release the mutex; one that ends itself (a phantom query) would need review here.
  if (tx.options.usePhantomQuery) {
    await tx.rollback();
    throw new Error("The better-sqlite3 adapter changed how transactions end: review lib/stores/sqlite.ts before upgrading it.");
  }
  let outcome: { commit: boolean; value: T };
  try {
    // SQLite refuses to change the safety level inside a transaction: the adapter's BEGIN gave this
    // transaction the adapter's mutex; its empty transaction ends, and a new one begins at NORMAL
    // (the same BEGIN: IMMEDIATE, see beginImmediate). SQLite applies the pragma when it compiles
    // it, so it is not a statement prepared once.
    sqlite.prepare("ROLLBACK").run();
    sqlite.exec("PRAGMA synchronous = NORMAL");
    sqlite.prepare("BEGIN").run();
    outcome = work(sqlite);
    sqlite.prepare(outcome.commit ? "COMMIT" : "ROLLBACK").run();
  } catch (error) {
    // A failed COMMIT (SQLITE_BUSY, disk full) leaves the transaction open: nothing was stored.
    if (sqlite.inTransaction) sqlite.prepare("ROLLBACK").run();
    sqlite.exec("PRAGMA synchronous = FULL");
    await tx.rollback();
    throw error;
  }
  sqlite.exec("PRAGMA synchronous = FULL");
  await (outcome.commit ? tx.commit() : tx.rollback());
  if (outcome.commit) await walSynced(connection);
  return outcome.value;
}

/**
 * fsync(2) of the WAL file, on the thread pool: what synchronous = FULL does at every commit in WAL
 * mode (https://www.sqlite.org/pragma.html#pragma_synchronous). fsync flushes the file whichever
 * descriptor wrote it; the file is opened for each sync (once per batch) rather than kept open, so
 * a WAL that SQLite deleted and made again (the last connection closed, then a new one) is never
 * synced through a stale descriptor.
 */
async function walSynced(connection: Connection): Promise<void> {
  const wal = await fs.promises.open(connection.walPath, "r");
  try {
    await wal.sync();
  } finally {
    await wal.close();
  }
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
  connection: Connection,
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
      // better-sqlite3 builds SQLite with WAL's default synchronous = NORMAL: a commit then
      // survives a crash of the process but not a power cut or OS crash before the next checkpoint.
      // FULL syncs the log at every commit (one fsync per group-commit batch), so an issued
      // certificate, and its audit row, is on disk before it is returned (issue #13's guarantee).
      sqlite.pragma("synchronous = FULL");
      const prepare = sqlite.prepare.bind(sqlite);
      const begin = beginImmediate(prepare("BEGIN IMMEDIATE"), prepare("BEGIN"));
      sqlite.prepare = ((source: string) => (source === "BEGIN" ? begin : prepare(source))) as typeof sqlite.prepare;
      connection.adapter = adapter;
      connection.sqlite = sqlite;
      return adapter;
    },
  };
}

/**
 * The adapter's BEGIN: IMMEDIATE, and plain BEGIN when the write lock stayed busy for the whole
 * busy timeout. The adapter takes its mutex before BEGIN and releases it only when the transaction
 * ends, so a BEGIN that threw would leave the mutex held and every later transaction of this
 * process waiting forever. A deferred BEGIN cannot be busy; the transaction's first write then
 * waits for the lock again and, if it is still held, fails with SQLITE_BUSY, and its rollback
 * releases the mutex: one failed request instead of a process that can no longer write.
 */
function beginImmediate(immediate: Database.Statement, deferred: Database.Statement): Database.Statement {
  const run = () => {
    try {
      return immediate.run();
    } catch (error) {
      if (!String((error as { code?: unknown }).code).startsWith("SQLITE_BUSY")) throw error;
      return deferred.run();
    }
  };
  // The adapter runs it as prepare(sql).run(), or .bind(args).run() if it came as a raw query.
  const statement = { run, bind: () => statement, reader: false, source: "BEGIN" };
  return statement as unknown as Database.Statement;
}

/**
 * WAL journaling (kept in the file once set): readers no longer wait for writers, and a commit
 * costs one sync of the log instead of syncing the journal and the database. The client's
 * connection sets synchronous = FULL (immediateTransactions above), so an issued certificate is on
 * disk before it is returned, even across a power cut.
 */
function enableWriteAheadLog(file: string): void {
  const sqlite = new Database(file);
  try {
    sqlite.pragma("journal_mode = WAL");
  } finally {
    sqlite.close();
  }
}
