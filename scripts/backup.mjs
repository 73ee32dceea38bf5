// npm run backup [-- <dir>] [--include-master-key]: a consistent snapshot of the SQLite database,
// taken with SQLite's online backup API, so it is safe while cadesk runs and writes.
import Database from "better-sqlite3";
import { chmodSync, copyFileSync, existsSync, mkdirSync, statSync } from "node:fs";
import path from "node:path";

const args = process.argv.slice(2);
const includeKey = args.includes("--include-master-key");
const dataDir = path.resolve(process.env.CADESK_DATA_DIR || "./data");
const url = process.env.DATABASE_URL || `file:${path.join(dataDir, "cadesk.db")}`;
if (!url.startsWith("file:")) {
  console.error(`DATABASE_URL is not a file: URL; back that database up with its own tools.`);
  process.exit(1);
}
const source = path.resolve(url.slice("file:".length));
if (!existsSync(source)) {
  console.error(`No database at ${source}: set CADESK_DATA_DIR (or DATABASE_URL) to where cadesk keeps it.`);
  process.exit(1);
}
const stamp = new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19);
const target = path.resolve(args.find((a) => !a.startsWith("--")) ?? path.join("backups", `cadesk-${stamp}`));
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

const keyFile = path.join(dataDir, "master.key");
if (includeKey && existsSync(keyFile)) {
  copyFileSync(keyFile, path.join(target, "master.key"));
  chmodSync(path.join(target, "master.key"), 0o600);
}
console.log(`Backup written to ${file} (${(statSync(file).size / 1024).toFixed(0)} KiB, integrity ok)`);
console.log(
  `  ${Object.entries(counts)
    .map(([t, n]) => `${n} ${t}`)
    .join(", ")}`,
);
console.log(
  includeKey
    ? "  master.key copied next to it: keep this backup as secret as the key itself."
    : process.env.CADESK_MASTER_KEY
      ? "  The master key comes from CADESK_MASTER_KEY: keep it in your secret store; without it the CA keys cannot be read."
      : `  Back up ${keyFile} separately (or rerun with --include-master-key): without it the CA keys cannot be read.`,
);
