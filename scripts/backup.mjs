// npm run backup [-- <dir>] [--include-master-key]: a consistent snapshot of the store, safe while
// cadesk runs and writes: SQLite's online backup API, or pg_dump (custom format) for PostgreSQL.
import Database from "better-sqlite3";
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, statSync } from "node:fs";
import path from "node:path";

const args = process.argv.slice(2);
const includeKey = args.includes("--include-master-key");
const dataDir = path.resolve(process.env.CADESK_DATA_DIR || "./data");
const keyFile = path.join(dataDir, "master.key");
const url = process.env.DATABASE_URL || `file:${path.join(dataDir, "cadesk.db")}`;
const stamp = new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19);
const target = path.resolve(args.find((a) => !a.startsWith("--")) ?? path.join("backups", `cadesk-${stamp}`));
if (!url.startsWith("file:")) {
  backUpPostgres(url, target);
  copyKey();
  keyAdvice();
  process.exit(0);
}

/** pg_dump in its custom format: one consistent snapshot (a single transaction), restorable with pg_restore. */
function backUpPostgres(databaseUrl, dir) {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, "cadesk.pgdump");
  const dump = spawnSync("pg_dump", ["--format=custom", "--no-owner", "--file", file, databaseUrl], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (dump.error?.code === "ENOENT") {
    console.error("pg_dump is not installed: apt-get install -y postgresql-client (the same major version as the server or newer).");
    process.exit(1);
  }
  if (dump.status !== 0) {
    console.error(`pg_dump exited with ${dump.status}: see its message above.`);
    process.exit(1);
  }
  chmodSync(file, 0o600);
  const list = spawnSync("pg_restore", ["--list", file], { encoding: "utf8" });
  const tables = (list.stdout.match(/ TABLE DATA /g) ?? []).length;
  console.log(`Backup written to ${file} (${(statSync(file).size / 1024).toFixed(0)} KiB, ${tables} tables, readable by pg_restore)`);
  console.log("  Restore into an empty database: pg_restore --no-owner --dbname postgresql://.../cadesk " + file);
}
const source = path.resolve(url.slice("file:".length));
if (!existsSync(source)) {
  console.error(`No database at ${source}: set CADESK_DATA_DIR (or DATABASE_URL) to where cadesk keeps it.`);
  process.exit(1);
}
mkdirSync(target, { recursive: true, mode: 0o700 });

const db = new Database(source, { readonly: true, fileMustExist: true });
const file = path.join(target, "cadesk.db");
await db.backup(file);
db.close();
chmodSync(file, 0o600);

const check = new Database(file, { readonly: true });
const integrity = check.pragma("integrity_check", { simple: true });
const counts = Object.fromEntries(
  ["Authority", "Certificate", "User", "AuditEvent"].map((t) => [t, check.prepare(`SELECT count(*) AS n FROM "${t}"`).get().n]),
);
check.close();
if (integrity !== "ok") {
  console.error(`The snapshot failed its integrity check: ${integrity}`);
  process.exit(1);
}

copyKey();
console.log(`Backup written to ${file} (${(statSync(file).size / 1024).toFixed(0)} KiB, integrity ok)`);
console.log(
  `  ${Object.entries(counts)
    .map(([t, n]) => `${n} ${t}`)
    .join(", ")}`,
);
function copyKey() {
  if (includeKey && existsSync(keyFile)) {
    copyFileSync(keyFile, path.join(target, "master.key"));
    chmodSync(path.join(target, "master.key"), 0o600);
  }
}

function keyAdvice() {
  console.log(
    includeKey
      ? "  master.key copied next to it: keep this backup as secret as the key itself."
      : process.env.CADESK_MASTER_KEY
        ? "  The master key comes from CADESK_MASTER_KEY: keep it in your secret store; without it the CA keys cannot be read."
        : `  Back up ${keyFile} separately (or rerun with --include-master-key): without it the CA keys cannot be read.`,
  );
}
keyAdvice();
