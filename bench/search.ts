/**
 * Inventory search at scale on both stores (issue #14): the production server (`node
 * scripts/serve.mjs`, from the build) on a fresh SQLite file and on a fresh PostgreSQL, seeded
 * straight into the store with copies of one issued certificate under distinct names, SANs and
 * serials, then GET /api/v1/certificates timed by the server itself (the `ms` of its request log
 * line, found by the X-Request-Id sent), and the server's RSS.
 *
 *   BENCH_SEARCH_ROWS   sizes to seed up to, in order (default "100000"; "100000,1000000" for the issue's goal)
 *   BENCH_SEARCH_STORES "sqlite,postgresql" (default both)
 *   BENCH_RUNS          requests per query (default 20); p50 and p95 over them
 *   BENCH_SEARCH_CACHE  a directory to keep the seeded SQLite store in and reuse it from (one size per run:
 *                       seeding 1M rows through the FTS5 triggers takes 10-20 minutes on the loaded machine)
 *   CADESK_TEST_PORT_BASE  first port to use (default: any free ports)
 *
 * Each p95 is printed beside the issue's goal (50 ms), with the server's RSS and load average.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { searchText } from "../lib/data/search-text";
import { api, startCluster, type Cluster, type Instance } from "../scripts/instances/cluster";
import { cpuMsOf, percentile, rssMiB } from "./tools";

const SIZES = (process.env.BENCH_SEARCH_ROWS ?? "100000").split(",").map(Number);
const STORES = (process.env.BENCH_SEARCH_STORES ?? "sqlite,postgresql").split(",") as ("sqlite" | "postgresql")[];
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const DAY = 86_400_000;
const GOAL_MS = 50;
const CACHE = process.env.BENCH_SEARCH_CACHE;
if (CACHE && SIZES.length > 1) throw new Error("BENCH_SEARCH_CACHE keeps one size: give BENCH_SEARCH_ROWS one number");

/** The kept store's file for this size and schema (a new migration makes a new one). */
function cacheFile(size: number): string {
  const migrations = readdirSync(path.join(import.meta.dirname, "../prisma/migrations")).filter((m) => /^\d/.test(m));
  return path.join(CACHE!, `sqlite-${size}-${migrations.sort().at(-1)}.db`);
}

/** The master key the kept store's CA was sealed with. */
function cacheKey(): string {
  mkdirSync(CACHE!, { recursive: true });
  const file = path.join(CACHE!, "master-key");
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString("hex"), { mode: 0o600 });
  return readFileSync(file, "utf8").trim();
}

/** Row i of the seeded inventory: the same on both stores. */
function seeded(i: number, now: number) {
  const name = `svc-${i}.team-${i % 97}.example.com`;
  const alt = `alt-${i}.internal.example`;
  const serialHex = `1${i.toString(16).padStart(31, "0")}`;
  const notAfter = now + ((i % 400) - 20) * DAY;
  return {
    name,
    alt,
    serialHex,
    sans: JSON.stringify([
      { type: "dns", value: name },
      { type: "dns", value: alt },
    ]),
    searchText: searchText(`${name} ${alt} ${serialHex}`),
    notBefore: notAfter - 90 * DAY,
    notAfter,
    expiringFrom: notAfter - 30 * DAY,
    createdAt: now - i * 1000,
  };
}

function seedSqlite(cluster: Cluster, templateId: string, from: number, to: number): void {
  const db = new Database(cluster.databaseUrl.replace(/^file:/, ""));
  db.pragma("busy_timeout = 30000");
  const template = db.prepare(`SELECT * FROM "Certificate" WHERE id = ?`).get(templateId) as Record<string, unknown>;
  const columns = Object.keys(template);
  const insert = db.prepare(
    `INSERT INTO "Certificate" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${columns.map((c) => `@${c}`).join(", ")})`,
  );
  // Dates as the store already holds them (Prisma's adapter writes numbers or ISO text).
  const date = (ms: number) => (typeof template.notAfter === "number" ? ms : new Date(ms).toISOString());
  const now = Date.now();
  const batch = db.transaction((a: number, b: number) => {
    for (let i = a; i < b; i++) {
      const row = seeded(i, now);
      insert.run({
        ...template,
        id: randomUUID(),
        serialHex: row.serialHex,
        commonName: row.name,
        sans: row.sans,
        searchText: row.searchText,
        encryptedKey: null,
        renewedFromId: null,
        notBefore: date(row.notBefore),
        notAfter: date(row.notAfter),
        expiringFrom: date(row.expiringFrom),
        createdAt: date(row.createdAt),
      });
    }
  });
  for (let i = from; i < to; i += 10_000) batch(i, Math.min(i + 10_000, to));
  db.exec("ANALYZE");
  db.close();
}

async function seedPostgres(cluster: Cluster, templateId: string, from: number, to: number): Promise<void> {
  const columns = (
    await cluster.sql<{ name: string }>(
      `SELECT column_name::text AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'Certificate' ORDER BY ordinal_position`,
    )
  ).map((c) => c.name);
  // The same rows as seeded() makes, computed by PostgreSQL (generate_series) instead of sent.
  const computed: Record<string, string> = {
    id: "gen_random_uuid()::text",
    serialHex: `'1' || lpad(to_hex(i), 31, '0')`,
    commonName: `'svc-' || i || '.team-' || (i % 97) || '.example.com'`,
    sans: `'[{"type":"dns","value":"svc-' || i || '.team-' || (i % 97) || '.example.com"},{"type":"dns","value":"alt-' || i || '.internal.example"}]'`,
    searchText: `'svc-' || i || '.team-' || (i % 97) || '.example.com alt-' || i || '.internal.example 1' || lpad(to_hex(i), 31, '0')`,
    encryptedKey: "NULL",
    renewedFromId: "NULL",
    notAfter: `now() + ((i % 400) - 20) * interval '1 day'`,
    notBefore: `now() + ((i % 400) - 110) * interval '1 day'`,
    expiringFrom: `now() + ((i % 400) - 50) * interval '1 day'`,
    createdAt: `now() - i * interval '1 second'`,
  };
  const select = columns.map((c) => computed[c] ?? `t."${c}"`).join(", ");
  for (let a = from; a < to; a += 100_000) {
    const b = Math.min(a + 100_000, to) - 1;
    await cluster.sql(
      `INSERT INTO "Certificate" (${columns.map((c) => `"${c}"`).join(", ")}) SELECT ${select} FROM generate_series(${a}, ${b}) AS i, (SELECT * FROM "Certificate" WHERE id = $1) AS t`,
      [templateId],
    );
  }
  // VACUUM as autovacuum would after a bulk load: it sets the visibility map, which index-only scans need.
  await cluster.sql(`VACUUM ANALYZE "Certificate"`);
}

/** Server-side milliseconds of each request (its log line's `ms`), by the request id we sent. */
async function timeQuery(instance: Instance, token: string, query: string): Promise<{ times: number[]; total: string; cpuMs: number }> {
  const times: number[] = [];
  let total = "";
  let cpuStart = 0;
  for (let run = 0; run < RUNS + 1; run++) {
    const requestId = `bench-${randomUUID()}`;
    const get = () =>
      fetch(`${instance.url}/api/v1/certificates${query}`, { headers: { Authorization: `Bearer ${token}`, "X-Request-Id": requestId } });
    // The first request after a long seeding may land on a keep-alive socket the server closed.
    const response = await get().catch(() => get());
    if (response.status !== 200) throw new Error(`${query}: HTTP ${response.status} ${await response.text()}`);
    const body = (await response.json()) as { total: number; totalExact: boolean };
    total = body.totalExact ? body.total.toLocaleString("en-US") : `more than ${body.total.toLocaleString("en-US")}`;
    let line: Record<string, unknown> | undefined;
    for (let wait = 0; !line && wait < 100; wait++) {
      line = instance.lines.find((l) => l.requestId === requestId);
      if (!line) await new Promise((r) => setTimeout(r, 10));
    }
    if (run > 0) times.push(Number(line?.ms)); // the first run warms caches
    if (run === 0) cpuStart = cpuMsOf(instance.process.pid) ?? 0;
  }
  // The server's CPU per request (a cost the machine's load skews less than time does; on
  // PostgreSQL the database's own processes are not in it).
  return { times, total, cpuMs: ((cpuMsOf(instance.process.pid) ?? 0) - cpuStart) / RUNS };
}

const QUERIES: [string, string][] = [
  ["first page", "?pageSize=25"],
  ["page 10,000 (pageSize 10)", "?page=10000&pageSize=10"],
  ["name fragment, 1 match (svc-4242.team)", "?q=svc-4242.team"],
  ["name fragment, ~1% (team-42.)", "?q=team-42."],
  ["serial fragment (00000001a2b3)", "?q=00000001a2b3"],
  ["SAN (alt-4242.internal)", "?q=alt-4242.internal"],
  ["expiring in 30 days, by expiry", "?status=expiring&sort=expiry"],
  ["covers host (alt-4242.internal.example)", "?host=alt-4242.internal.example"],
];

/** The statement nameMatches() sends for `?host=alt-4242.internal.example`. */
const HOST_LOOKUP = `SELECT c."id", c."sans", c."createdAt" FROM "Certificate" c WHERE c."id" IN (SELECT n."certificateId" FROM "CertificateName" n WHERE n."name" IN ('alt-4242.internal.example', '*.internal.example')) ORDER BY c."createdAt" DESC, c."id" DESC LIMIT 5001`;

const table: string[] = [
  `| store | rows | query | matches | p50 ms | p95 ms | goal p95 < ${GOAL_MS} ms | server CPU ms/request |`,
  "| --- | ---: | --- | ---: | ---: | ---: | --- | ---: |",
];
const notes: string[] = [];

for (const store of STORES) {
  const cached = store === "sqlite" && CACHE ? cacheFile(SIZES.at(-1)!) : null;
  const cluster = await startCluster({ publicUrl: "http://127.0.0.1", store, env: CACHE ? { CADESK_MASTER_KEY: cacheKey() } : {} });
  try {
    const file = cluster.databaseUrl.replace(/^file:/, "");
    const reuse = cached !== null && existsSync(cached);
    if (reuse) {
      for (const suffix of ["-wal", "-shm"]) rmSync(file + suffix, { force: true });
      copyFileSync(cached, file);
    }
    const instance = await cluster.start(store);
    const call = api(instance.url, cluster.token);
    let templateId = "";
    if (!reuse) {
      const ca = await call<{ id: string }>("POST", "/cas", { commonName: "Bench Search CA", keyType: "ecdsa-p256" });
      const template = await call<{ id: string }>("POST", "/certificates", { caId: ca.json.id, commonName: "template.example.com" });
      if (template.status !== 201) throw new Error(`could not issue the template: ${JSON.stringify(template.json)}`);
      templateId = template.json.id;
    }
    let seededTo = 1;
    for (const size of SIZES) {
      const started = performance.now();
      if (reuse) console.log(`${store}: ${size.toLocaleString("en-US")} rows from ${cached}`);
      else {
        if (store === "sqlite") seedSqlite(cluster, templateId, seededTo, size);
        else await seedPostgres(cluster, templateId, seededTo, size);
        console.log(`${store}: seeded to ${size.toLocaleString("en-US")} rows in ${((performance.now() - started) / 1000).toFixed(0)} s`);
        // VACUUM INTO: one consistent pass while the server has the file open. The online backup
        // (Database.backup) starts again whenever another connection writes, and the running
        // server writes now and then (scheduler, audit): at 1M rows it never finished.
        if (cached) {
          const source = new Database(file, { readonly: true });
          try {
            source.exec(`VACUUM INTO '${cached.replaceAll("'", "''")}'`);
          } finally {
            source.close();
          }
          chmodSync(cached, 0o600); // it holds the sealed CA keys, like the store
        }
      }
      seededTo = size;
      for (const [what, query] of QUERIES) {
        const { times, total, cpuMs } = await timeQuery(instance, cluster.token, query);
        const p95 = percentile(times, 95);
        const row = `| ${store} | ${size.toLocaleString("en-US")} | ${what} | ${total} | ${percentile(times, 50).toFixed(1)} | ${p95.toFixed(1)} | ${p95 < GOAL_MS ? "met" : `missed (${(p95 / GOAL_MS).toFixed(1)}x)`} | ${cpuMs.toFixed(1)} |`;
        console.log(row);
        table.push(row);
      }
      notes.push(
        `${store}, ${size.toLocaleString("en-US")} rows: server RSS ${rssMiB(instance.process.pid!).toFixed(0)} MiB after the queries, load average ${loadavg()
          .map((l) => l.toFixed(1))
          .join(" ")}`,
      );
      if (store === "postgresql") {
        // The plan PostgreSQL picks on its own (no settings forced) for the text filter as the
        // inventory sends it: the rarest word to the trigram index, the whole fragment checked after.
        const plan = await cluster.sql<{ "QUERY PLAN": string }>(
          `EXPLAIN SELECT count(*) FROM "Certificate" c WHERE c."searchText" LIKE '%4242%' AND (c."searchText" || '') LIKE '%svc-4242.team%'`,
        );
        notes.push(
          `postgresql, ${size.toLocaleString("en-US")} rows, EXPLAIN of the name filter: ${plan.map((p) => p["QUERY PLAN"].trim()).join(" / ")}`,
        );
        // The host filter's look-up (lib/stores/search.ts nameMatches): the name and the wildcard over its parent.
        const host = await cluster.sql<{ "QUERY PLAN": string }>(`EXPLAIN ${HOST_LOOKUP}`);
        notes.push(
          `postgresql, ${size.toLocaleString("en-US")} rows, EXPLAIN of covers host: ${host.map((p) => p["QUERY PLAN"].trim()).join(" / ")}`,
        );
      } else {
        const db = new Database(cluster.databaseUrl.replace(/^file:/, ""), { readonly: true });
        const plan = db
          .prepare(`EXPLAIN QUERY PLAN SELECT "certificateId" FROM "CertificateSearch" WHERE "CertificateSearch" MATCH '"svc-4242.team"'`)
          .all() as { detail: string }[];
        const host = db.prepare(`EXPLAIN QUERY PLAN ${HOST_LOOKUP}`).all() as { detail: string }[];
        db.close();
        notes.push(
          `sqlite, ${size.toLocaleString("en-US")} rows, EXPLAIN QUERY PLAN of the FTS5 look-up: ${plan.map((p) => p.detail).join(" / ")}`,
        );
        notes.push(
          `sqlite, ${size.toLocaleString("en-US")} rows, EXPLAIN QUERY PLAN of covers host: ${host.map((p) => p.detail).join(" / ")}`,
        );
      }
    }
  } finally {
    await cluster.stop();
  }
}

console.log(`\nInventory search (bench/search.ts), ${RUNS} requests per query, server time from the request log:\n`);
console.log(table.join("\n"));
console.log("");
for (const note of notes) console.log(`- ${note}`);
console.log(`\n(run from ${path.relative(process.cwd(), import.meta.filename)})`);
