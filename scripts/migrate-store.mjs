// npm run migrate-store -- --to postgresql://user:password@host:5432/cadesk [--from file:/path/cadesk.db]
//
// Copies a SQLite store (running or stopped: it reads a snapshot taken with SQLite's online backup
// API) into an EMPTY PostgreSQL database: applies PostgreSQL's migrations there, copies every table
// in foreign-key order (sealed keys byte for byte, so the same master key opens them), carries the
// audit log's id sequence over, then checks row counts and a checksum per table on both sides and
// says what to change in the environment. It refuses a target that already holds data.
import Database from "better-sqlite3";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { root } from "./lib.mjs";

function fail(message) {
  console.error(`[cadesk] ${message}`);
  process.exit(1);
}

const { values } = parseArgs({ options: { to: { type: "string" }, from: { type: "string" } } });
const target = values.to;
if (!target || !/^postgres(ql)?:\/\//.test(target))
  fail("Give the target: npm run migrate-store -- --to postgresql://user:password@host:5432/cadesk");
const dataDir = path.resolve(process.env.CADESK_DATA_DIR || "data");
const from = values.from ?? process.env.DATABASE_URL ?? `file:${path.join(dataDir, "cadesk.db")}`;
if (!from.startsWith("file:")) fail(`The source must be a SQLite store (file: URL); got ${from.split(":")[0]}:...`);
const sourceFile = path.resolve(from.slice("file:".length));

/** Row counts and checksums per table, and what was copied. */
async function migrateStore(sourcePath, targetUrl) {
  // 1. A consistent snapshot of the source, safe while cadesk writes to it.
  const work = mkdtempSync(path.join(tmpdir(), "cadesk-migrate-"));
  const snapshotFile = path.join(work, "snapshot.db");
  try {
    const live = new Database(sourcePath, { readonly: true, fileMustExist: true });
    await live.backup(snapshotFile);
    live.close();
    const source = new Database(snapshotFile, { readonly: true });

    // 2. The target's schema, from PostgreSQL's own migrations.
    const migrate = spawnSync(path.join(root, "node_modules", ".bin", "prisma"), ["migrate", "deploy"], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: targetUrl },
      encoding: "utf8",
    });
    if (migrate.status !== 0)
      throw new Error(
        `prisma migrate deploy on the target failed: ${(migrate.stderr || migrate.stdout).trim().split("\n").slice(-3).join(" ")}`,
      );

    const client = new pg.Client({ connectionString: targetUrl });
    await client.connect();
    try {
      // Full-text tables (the search index of migration 0021) and their shadow tables are derived
      // data: PostgreSQL has its own index (pg_trgm), so they are not copied.
      const all = source
        .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != '_prisma_migrations'`)
        .all();
      const virtual = all.filter((t) => /^CREATE VIRTUAL TABLE/i.test(t.sql ?? "")).map((t) => t.name);
      // "CertificateName" (migration 0029) is derived too: the target's triggers fill it as the certificates arrive.
      // "CertificateIndexWriter" (0030) is SQLite's own: the issuance commit's switch for those triggers, never committed with a row.
      const derived = ["CertificateName", "CertificateIndexWriter"];
      const tables = all
        .map((t) => t.name)
        .filter((name) => !derived.includes(name) && !virtual.some((v) => name === v || name.startsWith(`${v}_`)));
      // 3. The target must be empty: never merge into or overwrite another store.
      for (const table of tables) {
        const { rows } = await client.query(`SELECT count(*)::int AS n FROM "${table}"`);
        if (rows[0].n > 0) throw new Error(`The target is not empty: "${table}" has ${rows[0].n} row(s). Give an empty database.`);
      }
      const order = foreignKeyOrder(source, tables);
      const report = [];
      await client.query("BEGIN");
      for (const table of order) {
        const types = await columnTypes(client, table);
        const rows = parentsFirst(source, table, source.prepare(`SELECT * FROM "${table}"`).all());
        for (const row of rows) {
          const columns = Object.keys(row);
          const params = columns.map((c) => toPostgres(row[c], types.get(c)));
          await client.query(
            `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(", ")})`,
            params,
          );
        }
        report.push({ table, rows: rows.length });
      }
      // Autoincrement ids (the audit log) continue after the copied ones.
      for (const { table } of report) {
        const { rows } = await client.query(
          `SELECT column_name::text AS c, pg_get_serial_sequence('"' || $1 || '"', column_name::text) AS s
           FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_default LIKE 'nextval%'`,
          [table],
        );
        for (const { c, s } of rows)
          if (s) await client.query(`SELECT setval('${s}', GREATEST(COALESCE((SELECT max("${c}") FROM "${table}"), 0), 1))`);
      }
      await client.query("COMMIT");

      // 4. Verify: the same rows on both sides, table by table.
      for (const entry of report) {
        const types = await columnTypes(client, entry.table);
        const pk = primaryKey(source, entry.table);
        const left = checksum(source.prepare(`SELECT * FROM "${entry.table}"`).all(), pk, types, "sqlite");
        const right = checksum((await client.query(`SELECT * FROM "${entry.table}"`)).rows, pk, types, "postgresql");
        if (left.count !== right.count || left.digest !== right.digest) {
          throw new Error(
            `"${entry.table}" differs after the copy (${left.count} vs ${right.count} rows): nothing is wrong with the source; drop the target database and try again.`,
          );
        }
        entry.checksum = left.digest.slice(0, 16);
      }
      return report;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      await client.end();
      source.close();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Tables ordered so that every table comes after the tables its foreign keys point to. */
function foreignKeyOrder(db, tables) {
  const deps = new Map(
    tables.map((t) => [
      t,
      db
        .prepare(`SELECT "table" FROM pragma_foreign_key_list(?)`)
        .all(t)
        .map((r) => r.table)
        .filter((d) => d !== t),
    ]),
  );
  const done = [];
  while (done.length < tables.length) {
    const next = tables.filter((t) => !done.includes(t) && deps.get(t).every((d) => done.includes(d) || !tables.includes(d)));
    if (next.length === 0) throw new Error(`Foreign keys form a cycle among ${tables.filter((t) => !done.includes(t)).join(", ")}`);
    done.push(...next);
  }
  return done;
}

/** Rows of a self-referencing table (a CA's parent, a renewal's original) ordered parents first. */
function parentsFirst(db, table, rows) {
  const self = db.prepare(`SELECT "from", "to" FROM pragma_foreign_key_list(?) WHERE "table" = ?`).all(table, table);
  if (self.length === 0) return rows;
  const placed = new Set();
  const ordered = [];
  let pending = rows;
  while (pending.length) {
    const ready = pending.filter((r) => self.every(({ from, to }) => r[from] === null || placed.has(`${to}:${r[from]}`)));
    if (ready.length === 0) throw new Error(`"${table}" has rows whose parent is missing`);
    for (const r of ready) {
      for (const { to } of self) placed.add(`${to}:${r[to]}`);
      ordered.push(r);
    }
    pending = pending.filter((r) => !ready.includes(r));
  }
  return ordered;
}

async function columnTypes(client, table) {
  const { rows } = await client.query(
    `SELECT column_name::text AS c, data_type::text AS t FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`,
    [table],
  );
  return new Map(rows.map((r) => [r.c, r.t]));
}

function primaryKey(db, table) {
  return db
    .prepare(`SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk`)
    .all(table)
    .map((r) => r.name);
}

/** SQLite keeps DateTime as ISO text and Boolean as 0/1. */
function toPostgres(value, type) {
  if (value === null || value === undefined) return null;
  if (type?.startsWith("timestamp")) return new Date(value);
  if (type === "boolean") return value === 1 || value === true;
  return value;
}

/** One canonical form per value, whichever store it came from. */
function canonical(value, type, store) {
  if (value === null || value === undefined) return null;
  if (type?.startsWith("timestamp")) return new Date(value).toISOString();
  if (type === "boolean") return store === "sqlite" ? value === 1 : value === true;
  if (typeof value === "bigint") return value.toString();
  return type === "integer" || type === "bigint" ? Number(value) : value;
}

function checksum(rows, pk, types, store) {
  const lines = rows
    .map((row) =>
      JSON.stringify(
        Object.keys(row)
          .sort()
          .map((c) => [c, canonical(row[c], types.get(c), store)]),
      ),
    )
    .sort();
  return { count: rows.length, digest: createHash("sha256").update(lines.join("\n")).digest("hex"), pk };
}

try {
  const report = await migrateStore(sourceFile, target);
  const total = report.reduce((n, r) => n + r.rows, 0);
  console.log(`[cadesk] Copied ${total} rows from ${sourceFile} into PostgreSQL; every table matches (rows and checksum):`);
  for (const r of report) console.log(`  ${r.table.padEnd(24)} ${String(r.rows).padStart(8)}  sha256 ${r.checksum}…`);
  console.log(
    [
      "",
      "Next: stop cadesk, then start it with",
      `  DATABASE_URL=${target.replace(/\/\/([^:/@]*):[^@/]*@/, "//$1:***@")}`,
      "and the SAME master key (CADESK_MASTER_KEY, or copy master.key from the old data dir): the CA keys were copied sealed.",
      "Keep the SQLite file until the new store has served for a while; it is the rollback.",
    ].join("\n"),
  );
} catch (error) {
  fail(error.message);
}
