/**
 * CPU microseconds per row of the issuance commit on SQLite (issue #13), per batch size, and what
 * each derived structure costs: the same INSERTs lib/stores/sqlite-issuance.ts runs, on copies of
 * one migrated store seeded with BENCH_COMMIT_SEED rows (default 20,000), with one trigger or index
 * dropped per variant:
 *   npx tsx bench/commit-rows.ts      (BENCH_COMMIT_ROWS rows per batch size, default 4,000)
 * The rows are copies of one certificate issued through the API (distinct ids, serials and names,
 * as bench/search.ts seeds them). Process CPU (user+system), so other sessions' load changes
 * waiting, not cost; synchronous is FULL and printed (the store commits at NORMAL, then fsyncs the
 * WAL on the thread pool, lib/stores/sqlite.ts: the same fsync per batch, in this process's CPU either way). Variants run in
 * rounds that take turns (BENCH_COMMIT_ROUNDS, default 4); BENCH_COMMIT_ONLY picks variants by a
 * part of their name, BENCH_COMMIT_BATCHES the batch sizes (default 1,4,8,16,32).
 */
import { copyFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { BENCH_TOKEN as TOKEN, scratchDir } from "./tools";

const dataDir = scratchDir("cadesk-commit-");
process.env.CADESK_DATA_DIR = dataDir;
process.env.CADESK_API_TOKEN = TOKEN;
const ROWS = Number(process.env.BENCH_COMMIT_ROWS ?? 4000);
const SEED = Number(process.env.BENCH_COMMIT_SEED ?? 20_000);
const BATCHES = (process.env.BENCH_COMMIT_BATCHES ?? "1,4,8,16,32").split(",").map(Number);
const ONLY = process.env.BENCH_COMMIT_ONLY?.split(",");

const { migrate } = await import("../scripts/lib.mjs");
migrate({ ...process.env, CADESK_DATA_DIR: dataDir });
await import("../lib/pki/crypto-provider");
const cas = await import("../app/api/v1/cas/route");
const certs = await import("../app/api/v1/certificates/route");
const { getDb } = await import("../lib/db");
const { sqliteDateTime } = await import("../lib/stores/sqlite-issuance");
const { AUDIT_COLUMNS, CERTIFICATE_COLUMNS, quoted } = await import("../lib/stores/issuance-columns");
const { searchText } = await import("../lib/data/search-text");

const headers = { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" };
const call = async (handler: (r: Request, c: never) => Promise<Response>, url: string, body: unknown) => {
  const res = await handler(new Request(`http://127.0.0.1${url}`, { method: "POST", headers, body: JSON.stringify(body) }), {
    params: Promise.resolve({}),
  } as never);
  if (res.status !== 201) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string };
};
const ca = await call(cas.POST as never, "/api/v1/cas", { commonName: "Commit Bench CA", keyType: "ecdsa-p256" });
const leaf = await call(certs.POST as never, "/api/v1/certificates", {
  caId: ca.id,
  commonName: "svc-0.team-0.example.com",
  sans: { dns: ["svc-0.team-0.example.com", "alt-0.internal.example"] },
  keyType: "ecdsa-p256",
  keepPrivateKey: false,
});
const model = (await getDb().certificate.findUniqueOrThrow({ where: { id: leaf.id } })) as Record<string, unknown>;
const audit = (await getDb().auditEvent.findFirstOrThrow({ where: { objectId: leaf.id } })) as Record<string, unknown>;
await getDb().$disconnect();
const base = path.join(dataDir, "cadesk.db");

const INSERT_CERTIFICATE = `INSERT INTO "Certificate" (${quoted(CERTIFICATE_COLUMNS)}, "status", "createdAt") VALUES (${CERTIFICATE_COLUMNS.map(() => "?").join(", ")}, 'active', ?)`;
const INSERT_AUDIT = `INSERT INTO "AuditEvent" (${quoted(AUDIT_COLUMNS)}, "at") VALUES (${AUDIT_COLUMNS.map(() => "?").join(", ")}, ?)`;

let serial = 1;
/** Certificate and audit values of copy number `i` of the issued row, as sqlite-issuance binds them. */
type Row = { cert: unknown[]; audit: unknown[]; id: string; searchText: string; names: string[]; rowid?: number | bigint };
function rowValues(i: number): Row {
  const cn = `svc-${i}.team-${i % 97}.example.com`;
  const sans = [
    { type: "dns", value: cn },
    { type: "dns", value: `alt-${i}.internal.example` },
  ];
  const serialHex = `1000${(serial++).toString(16).padStart(12, "0")}`;
  const id = `c-${i}-${serialHex}`;
  const values: Record<string, unknown> = {
    ...model,
    id,
    serialHex,
    commonName: cn,
    sans: JSON.stringify(sans),
    searchText: searchText([cn, ...sans.map((s) => s.value), serialHex].join(" ")),
  };
  return {
    cert: CERTIFICATE_COLUMNS.map((c) => (values[c] instanceof Date ? sqliteDateTime(values[c] as Date) : values[c])),
    audit: AUDIT_COLUMNS.map((c) => (c === "objectId" ? id : c === "objectLabel" ? cn : audit[c])),
    id,
    searchText: values.searchText as string,
    names: [...new Set(sans.map((s) => s.value.toLowerCase()))],
  };
}

function open(file: string) {
  const db = new Database(file);
  db.pragma("busy_timeout = 10000");
  return db;
}

/** Seeds the base store (one transaction per 1,000 rows). */
{
  const db = open(base);
  const c = db.prepare(INSERT_CERTIFICATE);
  const a = db.prepare(INSERT_AUDIT);
  const at = sqliteDateTime(new Date());
  for (let done = 0; done < SEED; done += 1000) {
    db.transaction(() => {
      for (let i = done; i < Math.min(SEED, done + 1000); i++) {
        const v = rowValues(i + 1);
        c.run(...v.cert, at);
        a.run(...v.audit, at);
      }
    })();
  }
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
}

/** Per batch, after the Certificate rows: what a variant writes itself instead of a trigger. */
type Extra = (conn: Database.Database) => (rows: Row[]) => void;
const ftsPerRow: Extra = (conn) => {
  const st = conn.prepare(
    `INSERT INTO "CertificateSearch" ("rowid", "certificateId", "searchText") SELECT rowid, ?, ? FROM "Certificate" WHERE "id" = ?`,
  );
  return (rows) => rows.forEach((r) => st.run(r.id, r.searchText, r.id));
};
const ftsMulti: Extra = (conn) => {
  const cache = new Map<number, Database.Statement>();
  return (rows) => {
    let st = cache.get(rows.length);
    if (!st) {
      st = conn.prepare(
        `INSERT INTO "CertificateSearch" ("rowid", "certificateId", "searchText") SELECT rowid, "id", "searchText" FROM "Certificate" WHERE "id" IN (${rows.map(() => "?").join(", ")})`,
      );
      cache.set(rows.length, st);
    }
    st.run(...rows.map((r) => r.id));
  };
};
/** Marks the variant lib/stores/sqlite-issuance.ts runs since 0030: the writer row on, the rows, their index rows, the writer row off. */
const WRITER = "PRAGMA -- the commit writes the index";
const commitIndex: Extra = (conn) => {
  const batchRows = `SELECT "value" FROM json_each(?)`;
  const search = conn.prepare(
    `INSERT INTO "CertificateSearch" ("rowid", "certificateId", "searchText") SELECT "rowid", "id", "searchText" FROM "Certificate" WHERE "rowid" IN (${batchRows})`,
  );
  const names = conn.prepare(`INSERT INTO "CertificateName" ("name", "certificateId")
  SELECT DISTINCT CASE WHEN json_extract(c."sans", s.fullkey || '.type') = 'dns' THEN rtrim(lower(json_extract(c."sans", s.fullkey || '.value')), '.') ELSE json_extract(c."sans", s.fullkey || '.value') END, c."id"
  FROM "Certificate" c, json_each(CASE WHEN json_valid(c."sans") THEN c."sans" ELSE '[]' END) s
  WHERE c."rowid" IN (${batchRows}) AND json_extract(c."sans", s.fullkey || '.type') IN ('dns', 'ip') AND json_extract(c."sans", s.fullkey || '.value') IS NOT NULL`);
  const off = conn.prepare(`DELETE FROM "CertificateIndexWriter"`);
  return (rows) => {
    const inserted = `[${rows.map((r) => r.rowid).join(",")}]`;
    search.run(inserted);
    names.run(inserted);
    off.run();
  };
};
const namesPerRow: Extra = (conn) => {
  const st = conn.prepare(`INSERT INTO "CertificateName" ("name", "certificateId") VALUES (?, ?)`);
  return (rows) => rows.forEach((r) => r.names.forEach((n) => st.run(n, r.id)));
};
const both: Extra = (conn) => {
  const a = ftsMulti(conn);
  const b = namesPerRow(conn);
  return (rows) => (a(rows), b(rows));
};
/** Migration 0029's insert trigger reading each element's type and value with `->>` (tried, not kept: no difference measured). */
const NAMES_TRIGGER_ARROW = `CREATE TRIGGER "Certificate_names_insert" AFTER INSERT ON "Certificate" BEGIN
  INSERT INTO "CertificateName" ("name", "certificateId")
    SELECT DISTINCT CASE WHEN e."type" = 'dns' THEN rtrim(lower(e."value"), '.') ELSE e."value" END, new."id"
    FROM (
      SELECT CASE WHEN s."type" = 'object' THEN s."value" ->> 'type' END AS "type", CASE WHEN s."type" = 'object' THEN s."value" ->> 'value' END AS "value"
      FROM json_each(CASE WHEN json_valid(new."sans") THEN new."sans" ELSE '[]' END) s
    ) e
    WHERE e."type" IN ('dns', 'ip') AND e."value" IS NOT NULL;
END`;
/** Marks a variant whose search text holds each value once (the CN is also the first DNS SAN). */
const DEDUP = "PRAGMA -- search text without repeats";
/** Row `r` with its search text holding each value once. */
function deduplicated(r: Row): Row {
  const k = CERTIFICATE_COLUMNS.indexOf("searchText");
  const text = [...new Set(r.searchText.split(" "))].join(" ");
  return { ...r, cert: r.cert.map((v, i) => (i === k ? text : v)), searchText: text };
}
/** Marks a variant whose Certificate and AuditEvent rows go in as one multi-row INSERT per batch. */
const MULTI = "PRAGMA -- multi-row";
/** The secondary indexes on Certificate (migrations up to 0029). */
const CERTIFICATE_INDEXES = [
  "Certificate_notAfter_status_expiringFrom_id_idx",
  "Certificate_expiringFrom_status_idx",
  "Certificate_status_idx",
  "Certificate_authorityId_notAfter_idx",
  "Certificate_revoked_page_idx",
  "Certificate_createdAt_id_idx",
];

/** Migration 0021's FTS5 table made again with other options (the trigram tokenizer and its insert trigger as migrated). */
function ftsAs(options: string, content: "external" | "contentless" = "external"): string[] {
  const table =
    content === "external"
      ? `"searchText", content = 'Certificate', content_rowid = 'rowid'`
      : `"searchText", content = '', contentless_delete = 1`;
  return [
    `DROP TRIGGER "Certificate_search_insert"`,
    `DROP TRIGGER "Certificate_search_update"`,
    `DROP TRIGGER "Certificate_search_delete"`,
    `DROP TABLE "CertificateSearch"`,
    `CREATE VIRTUAL TABLE "CertificateSearch" USING fts5(${table}, tokenize = 'trigram case_sensitive 0'${options ? `, ${options}` : ""})`,
    `INSERT INTO "CertificateSearch" ("rowid", "searchText") SELECT "rowid", "searchText" FROM "Certificate"`,
    `CREATE TRIGGER "Certificate_search_insert" AFTER INSERT ON "Certificate" BEGIN
  INSERT INTO "CertificateSearch" ("rowid", "searchText") VALUES (new."rowid", new."searchText");
END`,
  ];
}

/** Migrations 0021's and 0029's insert triggers as one trigger (one trigger program per row instead of two). */
const ONE_TRIGGER = [
  `DROP TRIGGER "Certificate_search_insert"`,
  `DROP TRIGGER "Certificate_names_insert"`,
  `CREATE TRIGGER "Certificate_index_insert" AFTER INSERT ON "Certificate" BEGIN
  INSERT INTO "CertificateSearch" ("rowid", "certificateId", "searchText") VALUES (new."rowid", new."id", new."searchText");
  INSERT INTO "CertificateName" ("name", "certificateId")
    SELECT DISTINCT CASE WHEN json_extract(new."sans", s.fullkey || '.type') = 'dns' THEN rtrim(lower(json_extract(new."sans", s.fullkey || '.value')), '.') ELSE json_extract(new."sans", s.fullkey || '.value') END, new."id"
    FROM json_each(CASE WHEN json_valid(new."sans") THEN new."sans" ELSE '[]' END) s
    WHERE json_extract(new."sans", s.fullkey || '.type') IN ('dns', 'ip') AND json_extract(new."sans", s.fullkey || '.value') IS NOT NULL;
END`,
];

const variants: [string, string[], Extra?][] = [
  ["the commit writes the index rows, one statement each per batch (0030)", [WRITER], commitIndex],
  ["one insert trigger for both", ONE_TRIGGER],
  ["multi-row INSERTs, search text without repeats", [MULTI, DEDUP]],
  ["multi-row INSERTs, without the FTS5 trigger", [MULTI, `DROP TRIGGER "Certificate_search_insert"`]],
  ["multi-row INSERTs, without the names trigger", [MULTI, `DROP TRIGGER "Certificate_names_insert"`]],
  ["multi-row INSERTs, without both", [MULTI, `DROP TRIGGER "Certificate_search_insert"`, `DROP TRIGGER "Certificate_names_insert"`]],
  ["multi-row INSERTs, one insert trigger for both", [MULTI, ...ONE_TRIGGER]],

  ["FTS5 external content, columnsize=0", ftsAs("columnsize = 0")],
  ["FTS5 external content, columnsize=0, detail=column", ftsAs("columnsize = 0, detail = column")],
  ["FTS5 external content, columnsize=0, detail=none", ftsAs("columnsize = 0, detail = none")],
  ["FTS5 contentless_delete, detail=full", ftsAs("", "contentless")],
  ["FTS5 contentless_delete, detail=none", ftsAs("detail = none", "contentless")],
  [
    "FTS5 external, columnsize=0, detail=none, no names trigger",
    [...ftsAs("columnsize = 0, detail = none"), `DROP TRIGGER "Certificate_names_insert"`],
  ],
  ["multi-row INSERTs, FTS5 external, columnsize=0, detail=none", [MULTI, ...ftsAs("columnsize = 0, detail = none")]],

  ["multi-row INSERTs, triggers as migrated", [MULTI]],
  ["multi-row INSERTs, names trigger with ->>", [MULTI, `DROP TRIGGER "Certificate_names_insert"`, NAMES_TRIGGER_ARROW]],
  [
    "multi-row INSERTs, no triggers, both written by the commit",
    [MULTI, `DROP TRIGGER "Certificate_search_insert"`, `DROP TRIGGER "Certificate_names_insert"`],
    both,
  ],
  ["as migrated", []],
  ["without the FTS5 trigger (0021)", [`DROP TRIGGER "Certificate_search_insert"`]],
  ["without the CertificateName trigger (0029)", [`DROP TRIGGER "Certificate_names_insert"`]],
  ["without both", [`DROP TRIGGER "Certificate_search_insert"`, `DROP TRIGGER "Certificate_names_insert"`]],
  [
    "no trigger, no secondary index on Certificate",
    [
      `DROP TRIGGER "Certificate_search_insert"`,
      `DROP TRIGGER "Certificate_names_insert"`,
      ...CERTIFICATE_INDEXES.map((i) => `DROP INDEX "${i}"`),
    ],
  ],
  ...[...CERTIFICATE_INDEXES, "AuditEvent_at_idx", "AuditEvent_action_at_idx", "AuditEvent_actorLabel_at_idx"].map(
    (i): [string, string[]] => [`without ${i}`, [`DROP INDEX "${i}"`]],
  ),
  ["synchronous = NORMAL (better-sqlite3's WAL default, before the store set FULL)", ["PRAGMA synchronous = NORMAL"]],
  ["FTS5 rows by a statement per row, no FTS5 trigger", [`DROP TRIGGER "Certificate_search_insert"`], ftsPerRow],
  ["FTS5 rows by one INSERT per batch, no FTS5 trigger", [`DROP TRIGGER "Certificate_search_insert"`], ftsMulti],
  ["names by a statement per name, no names trigger", [`DROP TRIGGER "Certificate_names_insert"`], namesPerRow],
  ["names trigger with ->>", [`DROP TRIGGER "Certificate_names_insert"`, NAMES_TRIGGER_ARROW]],
  [
    "both written by the commit, no triggers",
    [`DROP TRIGGER "Certificate_search_insert"`, `DROP TRIGGER "Certificate_names_insert"`],
    both,
  ],
  ["FTS5 automerge 8", [`INSERT INTO "CertificateSearch" ("CertificateSearch", rank) VALUES ('automerge', 8)`]],
  [
    "FTS5 automerge 16 crisismerge 32",
    [
      `INSERT INTO "CertificateSearch" ("CertificateSearch", rank) VALUES ('automerge', 16)`,
      `INSERT INTO "CertificateSearch" ("CertificateSearch", rank) VALUES ('crisismerge', 32)`,
    ],
  ],
  ["FTS5 automerge 0 (no merging)", [`INSERT INTO "CertificateSearch" ("CertificateSearch", rank) VALUES ('automerge', 0)`]],
  ["FTS5 pgsz 4000", [`INSERT INTO "CertificateSearch" ("CertificateSearch", rank) VALUES ('pgsz', 4000)`]],
];

const ROUNDS = Number(process.env.BENCH_COMMIT_ROUNDS ?? 4);
let copyNo = 0;
let next = SEED + 1;
// Every variant gets its own copy and connection, and the rounds take turns between them, so the
// machine's load (other sessions) drifts over all of them alike.
const runs = variants
  .filter(([name]) => !ONLY || ONLY.some((o) => name.includes(o)))
  .map(([name, sql, extra]) => {
    const file = path.join(dataDir, `copy-${copyNo++}.db`);
    copyFileSync(base, file);
    const db = open(file);
    for (const s of sql) if (!s.startsWith("PRAGMA")) db.exec(s);
    db.close();
    const conn = open(file);
    conn.pragma("synchronous = FULL"); // as the store's own connection (lib/stores/sqlite.ts)
    for (const s of sql) if (s.startsWith("PRAGMA") && s !== MULTI && s !== DEDUP && s !== WRITER) conn.exec(s);
    const multi = sql.includes(MULTI);
    const multiSql = (one: string, n: number) => {
      const [head, values] = one.split(" VALUES ");
      return `${head} VALUES ${Array.from({ length: n }, () => values).join(", ")}`;
    };
    const cm = new Map<number, Database.Statement>();
    const am = new Map<number, Database.Statement>();
    return {
      writerOn: sql.includes(WRITER) ? conn.prepare(`INSERT INTO "CertificateIndexWriter" ("id") VALUES (1)`) : null,
      dedup: sql.includes(DEDUP),
      multi: multi
        ? (rows: Row[], at: string) => {
            const n = rows.length;
            if (!cm.has(n)) cm.set(n, conn.prepare(multiSql(INSERT_CERTIFICATE, n)));
            if (!am.has(n)) am.set(n, conn.prepare(multiSql(INSERT_AUDIT, n)));
            cm.get(n)!.run(...rows.flatMap((r) => [...r.cert, at]));
            am.get(n)!.run(...rows.flatMap((r) => [...r.audit, at]));
          }
        : null,
      name: `${name} (synchronous ${conn.pragma("synchronous", { simple: true })})`,
      conn,
      c: conn.prepare(INSERT_CERTIFICATE),
      a: conn.prepare(INSERT_AUDIT),
      begin: conn.prepare("BEGIN IMMEDIATE"),
      commit: conn.prepare("COMMIT"),
      write: extra?.(conn),
      cpu: BATCHES.map(() => ({ total: 0, sys: 0, rows: 0 })),
    };
  });
for (let round = 0; round < ROUNDS; round++) {
  for (const run of runs) {
    BATCHES.forEach((size, k) => {
      const batches = Math.max(1, Math.round(ROWS / ROUNDS / size));
      const prepared = Array.from({ length: batches * size }, () => (run.dedup ? deduplicated(rowValues(next++)) : rowValues(next++)));
      const before = process.cpuUsage();
      for (let b = 0; b < batches; b++) {
        const at = sqliteDateTime(new Date());
        run.begin.run();
        run.writerOn?.run();
        if (run.multi) run.multi(prepared.slice(b * size, (b + 1) * size), at);
        else {
          for (let r = b * size; r < (b + 1) * size; r++) prepared[r]!.rowid = run.c.run(...prepared[r]!.cert, at).lastInsertRowid;
          for (let r = b * size; r < (b + 1) * size; r++) run.a.run(...prepared[r]!.audit, at);
        }
        run.write?.(prepared.slice(b * size, (b + 1) * size));
        run.commit.run();
      }
      const used = process.cpuUsage(before);
      const cell = run.cpu[k]!;
      cell.total += used.user + used.system;
      cell.sys += used.system;
      cell.rows += batches * size;
    });
  }
  console.error(`round ${round + 1} of ${ROUNDS} done`);
}
console.log(`\nCPU us per row (of which system), ${SEED} rows seeded, ${ROWS} rows per batch size in ${ROUNDS} rounds:`);
console.log(`| variant | ${BATCHES.map((b) => `batch ${b}`).join(" | ")} |\n| --- |${BATCHES.map(() => " ---: |").join("")}`);
for (const run of runs) {
  console.log(
    `| ${run.name} | ${run.cpu.map((c) => `${(c.total / c.rows).toFixed(0)} (${(c.sys / c.rows).toFixed(0)} sys)`).join(" | ")} |`,
  );
  run.conn.close();
}
process.exit(0);
