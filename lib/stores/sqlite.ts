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
  /** A descriptor of it, opened at the first commit of each connection Prisma makes. */
  walFd?: number;
  /** The connection's busy timeout, restored after each raw transaction (which tries the lock without waiting). */
  busyTimeoutMs: number;
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
  const connection: Connection = { walPath: `${file}-wal`, busyTimeoutMs };
  const client = new PrismaClient({
    adapter: immediateTransactions(new PrismaBetterSQLite3({ url: `file:${file}`, timeout: busyTimeoutMs }), connection),
  });
  connections.set(client, connection);
  return client;
}

/**
 * Runs `work` synchronously inside one write transaction on the client's own better-sqlite3
 * connection, with statements the caller prepares once (lib/stores/sqlite-issuance.ts): no query
 * compiler and no prepare per statement. `work` must not await: it runs from BEGIN to COMMIT in one
 * synchronous stretch, so nothing else can use the connection meanwhile; when one of Prisma's
 * interactive transactions is open on it (across an await), this one waits behind the adapter's
 * mutex for it to end. It commits when `work` returns true, rolls back when it returns false or throws.
 *
 * Waiting never blocks the event loop (a second connection could not do this: its busy wait for a
 * write lock Prisma's connection holds across an await would block the loop, and with it the
 * transaction it waits for):
 * - the write lock is tried without SQLite's busy handler, which sleeps on the event loop (1, 2, 5,
 *   10 ms ...) while another process commits; a busy lock is tried again a millisecond later, up to
 *   the connection's busy timeout, then the transaction fails with SQLITE_BUSY as before;
 * - the COMMIT runs at synchronous = NORMAL, and the promise resolves only once the WAL file has
 *   been fsynced on the thread pool (walSynced): the same guarantee as FULL (the transaction's
 *   frames are on disk before anyone is answered), without stopping the loop for the fsync (~1-5 ms
 *   here, longer than the batch's inserts) or holding the write lock through it, so this process's
 *   next requests are parsed and signed, and other processes commit, meanwhile. The connection is
 *   back to FULL and its busy timeout for every other statement (Prisma's own transactions).
 */
export async function sqliteWriteTransaction<T>(
  client: PrismaClient,
  work: (sqlite: Database.Database) => { commit: boolean; value: T },
): Promise<T> {
  const connection = connections.get(client);
  if (!connection) throw new Error("sqliteWriteTransaction: not a client made by createSqliteClient");
  // Not yet connected, or closed by $disconnect (Prisma connects again through immediateTransactions).
  if (!connection.sqlite?.open) await client.$connect();
  const { adapter, sqlite } = connection;
  if (!adapter || !sqlite) throw new Error("sqliteWriteTransaction: Prisma connected without this adapter");
  const deadline = Date.now() + connection.busyTimeoutMs;
  for (;;) {
    let tx: Awaited<ReturnType<Adapter["startTransaction"]>> | undefined;
    if (sqlite.inTransaction) {
      // Prisma's transaction ends, then the adapter's mutex is this one's until tx.rollback().
      tx = await adapter.startTransaction();
      // The adapter's transactions end with a COMMIT/ROLLBACK the client sends, then commit()/rollback()
      // that only release the mutex; one that ends itself (a phantom query) would need review here.
      if (tx.options.usePhantomQuery) {
        await tx.rollback();
        throw new Error("The better-sqlite3 adapter changed how transactions end: review lib/stores/sqlite.ts before upgrading it.");
      }
      // Its BEGIN's empty transaction ends: the safety level can only change outside one.
      sqlite.prepare("ROLLBACK").run();
    }
    let attempt: ReturnType<typeof attemptUnsynced<T>>;
    try {
      attempt = attemptUnsynced(connection, sqlite, work);
    } finally {
      await tx?.rollback();
    }
    if (!("busy" in attempt)) {
      if (attempt.commit) await walSynced(connection);
      return attempt.value;
    }
    if (Date.now() >= deadline) throw attempt.busy;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/**
 * One try: BEGIN IMMEDIATE without waiting (busy_timeout 0), so a lock another process holds is
 * `{ busy }`; otherwise `work` in the transaction, committed at synchronous = NORMAL or rolled back.
 * SQLite applies both pragmas when it compiles them (and refuses a safety level inside a
 * transaction), so they are exec'd each time, not statements prepared once.
 */
function attemptUnsynced<T>(
  connection: Connection,
  sqlite: Database.Database,
  work: (sqlite: Database.Database) => { commit: boolean; value: T },
): { busy: unknown } | { commit: boolean; value: T } {
  sqlite.exec("PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 0");
  try {
    try {
      sqlite.prepare("BEGIN IMMEDIATE").run();
    } catch (error) {
      if (isBusy(error)) return { busy: error };
      throw error;
    }
    try {
      const outcome = work(sqlite);
      sqlite.prepare(outcome.commit ? "COMMIT" : "ROLLBACK").run();
      return outcome;
    } catch (error) {
      // A failed COMMIT (SQLITE_BUSY, disk full) leaves the transaction open: nothing was stored.
      if (sqlite.inTransaction) sqlite.prepare("ROLLBACK").run();
      throw error;
    }
  } finally {
    sqlite.exec(`PRAGMA synchronous = FULL; PRAGMA busy_timeout = ${connection.busyTimeoutMs}`);
  }
}

const isBusy = (error: unknown) => String((error as { code?: unknown }).code).startsWith("SQLITE_BUSY");

/**
 * fsync(2) of the WAL file, on the thread pool: what synchronous = FULL does at every commit in WAL
 * mode (https://www.sqlite.org/pragma.html#pragma_synchronous). fsync flushes the file whichever
 * descriptor wrote it, so one read-only descriptor serves every commit of a connection: SQLite
 * deletes the WAL only when the last connection to the database closes, and this one is open.
 * A new connection (Prisma reconnected) opens it again (immediateTransactions' connect), so a WAL
 * deleted and made again in between is never synced through a stale descriptor.
 */
async function walSynced(connection: Connection): Promise<void> {
  const fd = (connection.walFd ??= fs.openSync(connection.walPath, "r"));
  await new Promise<void>((resolve, reject) => fs.fsync(fd, (error) => (error ? reject(error) : resolve())));
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
      if (connection.walFd !== undefined) fs.closeSync(connection.walFd);
      connection.walFd = undefined;
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
      if (!isBusy(error)) throw error;
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
