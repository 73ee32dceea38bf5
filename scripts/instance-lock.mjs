// One cadesk instance per SQLite file. SQLite has one writer and no way to tell other processes
// about changes: two instances on one file would both run the scheduler and keep stale caches.
// Several instances need PostgreSQL. The lock is a small file beside the database naming the
// owner's pid, port and start time; one left by a process that died is taken over.
import { readFileSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";

/** The SQLite file in use, or null for another store. */
export function sqliteFile(env = process.env) {
  const url = env.DATABASE_URL;
  if (url && !url.startsWith("file:")) return null;
  if (url) return path.resolve(url.slice("file:".length));
  return path.join(path.resolve(env.CADESK_DATA_DIR || "data"), "cadesk.db");
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}

/** The live instance that holds the store, if any: {pid, port, startedAt}. */
export function otherInstance(env = process.env) {
  const file = sqliteFile(env);
  if (!file) return null;
  try {
    const other = JSON.parse(readFileSync(`${file}.instance`, "utf8"));
    return other?.pid && other.pid !== process.pid && alive(other.pid) ? { ...other, file } : null;
  } catch {
    return null;
  }
}

export function refusal(other) {
  return (
    `Another cadesk (pid ${other.pid}, port ${other.port}, started ${other.startedAt}) already serves the SQLite store ${other.file}. ` +
    "Stop it first, or give this one its own CADESK_DATA_DIR; to run several instances on one store, use PostgreSQL (DATABASE_URL=postgresql://...)."
  );
}

/** Claims the store for this process until it exits; returns a refusal message if another holds it. */
export function claimStore(port, env = process.env) {
  const file = sqliteFile(env);
  if (!file) return null;
  const lock = `${file}.instance`;
  const mine = JSON.stringify({ pid: process.pid, port, startedAt: new Date().toISOString() });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, mine + "\n", { flag: "wx", mode: 0o600 });
      process.on("exit", () => {
        try {
          if (readFileSync(lock, "utf8").trim() === mine) unlinkSync(lock);
        } catch {}
      });
      return null;
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
      const other = otherInstance(env);
      if (other) return refusal(other);
      unlinkSync(lock); // left behind by a process that died
    }
  }
  return `Could not claim the SQLite store ${file}: another process keeps creating ${lock}.`;
}
