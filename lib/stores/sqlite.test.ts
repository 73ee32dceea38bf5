/**
 * Several processes on one SQLite file (CADESK_WORKERS > 1): Prisma's transactions take the write
 * lock when they begin (BEGIN IMMEDIATE, lib/stores/sqlite.ts), so another process's write waits
 * for the commit instead of slipping in between a transaction's read and its write (which would
 * fail that transaction at once with SQLITE_BUSY_SNAPSHOT). The other process is a real one.
 */
import { spawn, spawnSync } from "node:child_process";
import fs, { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it, vi } from "vitest";
import { createSqliteClient, sqliteWriteTransaction } from "./sqlite";

const dir = mkdtempSync(path.join(tmpdir(), "cadesk-sqlite-lock-"));
const file = path.join(dir, "lock.db");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Another process writes one row, waiting at most `timeoutMs` for the lock; prints "written" or the SQLite error code. */
function writeFromAnotherProcess(value: string, timeoutMs: number): string {
  const script = `
    const Database = require("better-sqlite3");
    const db = new Database(${JSON.stringify(file)}, { timeout: ${timeoutMs} });
    try { db.prepare("INSERT INTO t (v) VALUES (?)").run(${JSON.stringify(value)}); console.log("written"); }
    catch (e) { console.log(e.code); }`;
  const child = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", cwd: process.cwd() });
  return child.stdout.trim() || child.stderr;
}

describe("SQLite transactions with several processes", () => {
  it("hold the write lock from BEGIN: another process's write waits, and the transaction that read then writes commits", async () => {
    const setup = new Database(file);
    setup.pragma("journal_mode = WAL");
    setup.exec("CREATE TABLE t (v TEXT NOT NULL)");
    setup.close();
    const db = createSqliteClient(`file:${file}`);
    try {
      await db.$transaction(async (tx) => {
        const counted = await tx.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM t`;
        expect(Number(counted[0]?.n)).toBe(0);
        // A deferred BEGIN would hold only a read snapshot here: the other write would go through
        // and this transaction's write below would fail with SQLITE_BUSY_SNAPSHOT.
        expect(writeFromAnotherProcess("other, during", 0)).toBe("SQLITE_BUSY");
        await tx.$executeRaw`INSERT INTO t (v) VALUES (${"mine"})`;
      });
      // Committed: the other process writes now.
      expect(writeFromAnotherProcess("other, after", 5000)).toBe("written");
      const rows = await db.$queryRaw<{ v: string }[]>`SELECT v FROM t ORDER BY rowid`;
      expect(rows.map((r) => r.v)).toEqual(["mine", "other, after"]);
    } finally {
      await db.$disconnect();
    }
  });

  it("syncs every commit to disk (synchronous = FULL), not only the WAL checkpoints", async () => {
    const db = createSqliteClient(`file:${file}`);
    try {
      const rows = await db.$queryRawUnsafe<{ synchronous: bigint | number }[]>("PRAGMA synchronous");
      // 2 = FULL; better-sqlite3's build default in WAL mode is 1 (NORMAL).
      expect(Number(rows[0]?.synchronous)).toBe(2);
    } finally {
      await db.$disconnect();
    }
  });

  it("answers a raw write transaction only once its WAL is fsynced, and leaves the connection at synchronous = FULL", async () => {
    const db = createSqliteClient(`file:${file}`);
    const fsync = fs.fsync;
    const synced: string[] = [];
    // The real fsync, recorded: which file it synced, and whether that happened before the answer.
    const spy = vi.spyOn(fs, "fsync").mockImplementation((fd, callback) =>
      fsync(fd, (error) => {
        if (!error) synced.push(fs.readlinkSync(`/proc/self/fd/${fd}`));
        callback(error);
      }),
    );
    try {
      await sqliteWriteTransaction(db, (sqlite) => {
        sqlite.prepare("INSERT INTO t (v) VALUES ('synced')").run();
        return { commit: true, value: null };
      });
      expect(synced).toEqual([`${file}-wal`]);
      // A rolled-back transaction wrote nothing to keep: no sync.
      await sqliteWriteTransaction(db, (sqlite) => {
        sqlite.prepare("INSERT INTO t (v) VALUES ('rolled back')").run();
        return { commit: false, value: null };
      });
      expect(synced).toHaveLength(1);
      // Closed (the last connection: SQLite deletes the WAL) and opened again: the new WAL is synced, not the deleted one.
      await db.$disconnect();
      await sqliteWriteTransaction(db, (sqlite) => {
        sqlite.prepare("INSERT INTO t (v) VALUES ('synced')").run();
        return { commit: true, value: null };
      });
      expect(synced).toEqual([`${file}-wal`, `${file}-wal`]);
      // Prisma's own transactions on the connection still sync inside their COMMIT.
      const mode = await db.$queryRawUnsafe<{ synchronous: bigint | number }[]>("PRAGMA synchronous");
      expect(Number(mode[0]?.synchronous)).toBe(2);
      const rows = await db.$queryRaw<{ v: string }[]>`SELECT v FROM t WHERE v IN ('synced', 'rolled back')`;
      expect(rows.map((r) => r.v)).toEqual(["synced", "synced"]);
      await db.$executeRaw`DELETE FROM t WHERE v = 'synced'`;
    } finally {
      spy.mockRestore();
      await db.$disconnect();
    }
  });

  it("a raw write transaction waits for another process's write lock without stopping the event loop, then commits", async () => {
    const db = createSqliteClient(`file:${file}`);
    // The other process holds the write lock for 300 ms.
    const holder = spawn(
      process.execPath,
      [
        "-e",
        `const db = new (require("better-sqlite3"))(${JSON.stringify(file)});
         db.prepare("BEGIN IMMEDIATE").run(); console.log("locked");
         setTimeout(() => { db.prepare("COMMIT").run(); process.exit(0); }, 300);`,
      ],
      { cwd: process.cwd(), stdio: ["ignore", "pipe", "inherit"] },
    );
    try {
      await new Promise<void>((resolve) => holder.stdout!.once("data", () => resolve()));
      let ticks = 0;
      const timer = setInterval(() => ticks++, 10);
      const started = Date.now();
      await sqliteWriteTransaction(db, (sqlite) => {
        sqlite.prepare("INSERT INTO t (v) VALUES ('after the other process')").run();
        return { commit: true, value: null };
      });
      clearInterval(timer);
      const waited = Date.now() - started;
      // It waited for the lock (not SQLITE_BUSY at once), and the loop went on meanwhile: with
      // SQLite's busy handler sleeping on this thread, not one tick would have run until the commit.
      expect(waited).toBeGreaterThanOrEqual(150);
      expect(ticks).toBeGreaterThanOrEqual(5);
      const rows = await db.$queryRaw<{ v: string }[]>`SELECT v FROM t WHERE v = 'after the other process'`;
      expect(rows).toHaveLength(1);
      await db.$executeRaw`DELETE FROM t WHERE v = 'after the other process'`;
    } finally {
      holder.kill();
      await db.$disconnect();
    }
  });

  it("a write lock another process holds past the busy timeout fails that transaction only: the next one runs", async () => {
    const db = createSqliteClient(`file:${file}`, 200);
    // The other process holds the write lock until its stdin closes.
    const holder = spawn(
      process.execPath,
      [
        "-e",
        `const db = new (require("better-sqlite3"))(${JSON.stringify(file)});
         db.prepare("BEGIN IMMEDIATE").run(); db.prepare("INSERT INTO t (v) VALUES ('holder')").run();
         console.log("locked");
         process.stdin.on("end", () => { db.prepare("COMMIT").run(); process.exit(0); }); process.stdin.resume();`,
      ],
      { cwd: process.cwd(), stdio: ["pipe", "pipe", "inherit"] },
    );
    try {
      await new Promise<void>((resolve) => holder.stdout!.once("data", () => resolve()));
      // BEGIN IMMEDIATE waits 200 ms and gives up; the transaction fails, and its end frees the adapter for the next one.
      await expect(db.$transaction(async (tx) => tx.$executeRaw`INSERT INTO t (v) VALUES (${"prisma, busy"})`)).rejects.toThrow();
      await expect(
        sqliteWriteTransaction(db, (sqlite) => {
          sqlite.prepare("INSERT INTO t (v) VALUES ('raw, busy')").run();
          return { commit: true, value: null };
        }),
      ).rejects.toThrow(/busy|locked/i);
      const exited = new Promise((resolve) => holder.once("exit", resolve));
      holder.stdin!.end();
      await exited;
      // Had the failed BEGIN kept the adapter's mutex, these would wait forever.
      await db.$transaction(async (tx) => tx.$executeRaw`INSERT INTO t (v) VALUES (${"prisma, after"})`);
      await sqliteWriteTransaction(db, (sqlite) => {
        sqlite.prepare("INSERT INTO t (v) VALUES ('raw, after')").run();
        return { commit: true, value: null };
      });
      const rows = await db.$queryRaw<{ v: string }[]>`SELECT v FROM t WHERE v NOT LIKE 'other%' AND v <> 'mine' ORDER BY rowid`;
      expect(rows.map((r) => r.v)).toEqual(["holder", "prisma, after", "raw, after"]);
    } finally {
      holder.kill();
      await db.$disconnect();
    }
  });
});
