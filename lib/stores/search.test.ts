/**
 * The inventory's substring search uses an index on both stores (FTS5 trigram on SQLite, pg_trgm
 * on PostgreSQL): same answers as a plain scan, kept in step on insert, update and delete, and
 * EXPLAIN shows the index in the plan of the query actually sent. npm test runs this file on both.
 */
import { randomUUID } from "node:crypto";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { describe, expect } from "vitest";
import { PrismaClient } from "@/generated/prisma/client";
import { PrismaClient as PostgresPrismaClient } from "@/generated/prisma-pg/client";
import { sqlitePath, readConfig } from "../config";
import { searchCertificates } from "../data/certificates";
import { searchText } from "../data/search-text";
import { currentStore, getDb } from "../db";
import { createAuthority } from "../services/create-authority";
import { issueCertificate } from "../services/issue-certificate";
import { revokeCertificate } from "../services/revoke-certificate";
import { afterAll, beforeAll, it } from "../testing/system";
import { POSTGRES_SEARCH_INDEX } from "./postgres-search";
import { certificateTextWhere } from "./search";
import { SQLITE_CANDIDATE_LIMIT } from "./sqlite-search";

const SEEDED = 600;
let caId: string;
let issuedId: string;

/** Every certificate of the test CA whose search text holds `q`, found by reading them all. */
async function scan(q: string): Promise<string[]> {
  const rows = await getDb().certificate.findMany({ where: { authorityId: caId }, select: { id: true, searchText: true } });
  const needle = searchText(q.toLowerCase().replace(/:/g, ""));
  return rows
    .filter((r) => r.searchText.includes(needle))
    .map((r) => r.id)
    .sort();
}

async function search(q: string): Promise<string[]> {
  const page = await searchCertificates({ q, caId, sort: "newest", page: 1, pageSize: 200 });
  expect(page.total).toBeLessThanOrEqual(200);
  return page.rows.map((r) => r.id).sort();
}

beforeAll(async () => {
  const ca = await createAuthority({ commonName: `Search Index CA ${randomUUID().slice(0, 8)}`, keyType: "ecdsa-p256" });
  caId = ca.authority.id;
  const issued = await issueCertificate({
    caId,
    profile: "server",
    commonName: "Payments-Gateway.Search.Example",
    sans: { dns: ["payments-gateway.search.example", "pay.search.example"], ip: ["10.20.30.40"] },
  });
  issuedId = issued.certificate.id;
  // Copies of the issued row under other names and serials: enough rows for a plan to matter.
  const template = await getDb().certificate.findUniqueOrThrow({ where: { id: issuedId } });
  const rows = Array.from({ length: SEEDED }, (_, i) => {
    const name = `svc-${i}.team-${i % 37}.search.example`;
    const serialHex = `5ea4c${i.toString(16).padStart(27, "0")}`;
    const alt = `alt-${i}.internal.example`;
    return {
      ...template,
      id: randomUUID(),
      serialHex,
      commonName: name,
      sans: JSON.stringify([
        { type: "dns", value: name },
        { type: "dns", value: alt },
      ]),
      searchText: searchText(`${name} ${alt} ${serialHex}`),
      encryptedKey: null,
      renewedFromId: null,
    };
  });
  for (let i = 0; i < rows.length; i += 200) await getDb().certificate.createMany({ data: rows.slice(i, i + 200) });
  if (currentStore() === "postgresql") await getDb().$executeRawUnsafe(`ANALYZE "Certificate"`);
});

describe(`inventory search with an index (${currentStore()})`, () => {
  it.each([
    ["a name fragment", "team-7.search"],
    ["upper case", "TEAM-7.SEARCH"],
    ["a SAN only in the SANs", "alt-1042.internal"],
    ["a serial fragment", "5ea4c0000000000000000000000004b"],
    ["a serial with colons", "5e:a4:c0:00:00:00:00:00:00:00:00:00:00:00:04:b0"],
    ["an IP SAN", "10.20.30.40"],
    ["two characters (too short for trigrams)", "-9"],
    ["a fragment that matches nothing", "no-such-host"],
    ["LIKE's wildcards, literally", "team_7%"],
    ["a quote (FTS5 syntax)", 'team"7'],
  ])("%s finds what a scan finds", async (_what, q) => {
    const expected = await scan(q);
    expect(await search(q)).toEqual(expected);
  });

  it("finds certificates issued, revoked and deleted after the index was built", async () => {
    expect(await search("payments-gateway")).toEqual([issuedId]);
    await revokeCertificate(issuedId, { reason: "superseded" });
    expect(await search("pay.search")).toEqual([issuedId]);
    const gone = (await getDb().certificate.findFirstOrThrow({ where: { authorityId: caId, commonName: "svc-5.team-5.search.example" } }))
      .id;
    await getDb().certificate.delete({ where: { id: gone } });
    expect(await search("svc-5.team-5.")).toEqual([]);
    // A changed search text is found by its new value only.
    const renamed = (
      await getDb().certificate.findFirstOrThrow({ where: { authorityId: caId, commonName: "svc-6.team-6.search.example" } })
    ).id;
    await getDb().certificate.update({ where: { id: renamed }, data: { searchText: "renamed-host.search.example" } });
    expect(await search("renamed-host")).toEqual([renamed]);
    expect(await search("svc-6.team-6.")).toEqual([]);
  });

  it.runIf(currentStore() === "sqlite")("SQLite: the triggers exist and the FTS5 table has one row per certificate", async () => {
    const db = getDb();
    const triggers = await db.$queryRawUnsafe<{ name: string }[]>(
      `SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'Certificate' AND name LIKE 'Certificate_search_%' ORDER BY name`,
    );
    // A migration that redefines "Certificate" drops these: it must create them again (see 0021).
    expect(triggers.map((t) => t.name)).toEqual(["Certificate_search_delete", "Certificate_search_insert", "Certificate_search_update"]);
    const [counts] = await db.$queryRawUnsafe<{ certificates: number; indexed: number; mismatched: number }[]>(
      `SELECT (SELECT count(*) FROM "Certificate") AS certificates, (SELECT count(*) FROM "CertificateSearch") AS indexed,
              (SELECT count(*) FROM "Certificate" c JOIN "CertificateSearch" s ON s.rowid = c.rowid
                WHERE s."certificateId" != c.id OR s."searchText" != c."searchText") AS mismatched`,
    );
    expect(Number(counts!.indexed)).toBe(Number(counts!.certificates));
    expect(Number(counts!.mismatched)).toBe(0);
  });

  it.runIf(currentStore() === "sqlite")(
    "SQLite: a fragment matching too many rows falls back to LIKE alone, with the same answer",
    async () => {
      expect(SEEDED).toBeLessThan(SQLITE_CANDIDATE_LIMIT);
      expect(await certificateTextWhere("svc-1")).toHaveProperty("id");
      expect(await certificateTextWhere("team-1")).toHaveProperty("id");
      // More matches than the limit: LIKE alone, and the same answer as a scan.
      const many = Array.from({ length: SQLITE_CANDIDATE_LIMIT + 1 }, (_, i) => `common-${i}.search.example`);
      const template = await getDb().certificate.findUniqueOrThrow({ where: { id: issuedId } });
      for (let i = 0; i < many.length; i += 200)
        await getDb().certificate.createMany({
          data: many.slice(i, i + 200).map((name, j) => ({
            ...template,
            id: randomUUID(),
            serialHex: `c0c0${(i + j).toString(16).padStart(28, "0")}`,
            commonName: name,
            searchText: searchText(name),
            encryptedKey: null,
            renewedFromId: null,
          })),
        });
      expect(await certificateTextWhere("common-")).not.toHaveProperty("id");
      const page = await searchCertificates({ q: "common-", caId, sort: "newest", page: 1, pageSize: 10 });
      expect(page.total).toBe(many.length);
      expect(await certificateTextWhere("te")).not.toHaveProperty("id");
    },
  );
});

/** The SQL and parameters Prisma sends for the inventory's count with a text filter, and the plan the store makes of them. */
describe(`EXPLAIN of the query the inventory sends (${currentStore()})`, () => {
  const fragment = searchText("team-12.search");
  let client: PrismaClient | null = null;
  const sent: { query: string; params: string }[] = [];

  beforeAll(async () => {
    const { databaseUrl } = readConfig();
    const log: { emit: "event"; level: "query" }[] = [{ emit: "event", level: "query" }];
    client =
      currentStore() === "postgresql"
        ? (new PostgresPrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }), log }) as unknown as PrismaClient)
        : new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: `file:${sqlitePath(databaseUrl)}` }), log });
    (client as unknown as { $on: (e: "query", f: (e: { query: string; params: string }) => void) => void }).$on("query", (e) =>
      sent.push({ query: e.query, params: e.params }),
    );
  });
  afterAll(async () => client?.$disconnect());

  it("uses the trigram index", async () => {
    const where = await certificateTextWhere(fragment);
    sent.length = 0;
    await client!.certificate.count({ where });
    const countQuery = sent.find((s) => /COUNT/i.test(s.query));
    expect(countQuery, JSON.stringify(sent)).toBeDefined();
    const params = JSON.parse(countQuery!.params) as unknown[];

    if (currentStore() === "postgresql") {
      const pool = new pg.Client({ connectionString: readConfig().databaseUrl });
      await pool.connect();
      try {
        // A few thousand rows are cheap to scan, so the planner may still prefer that: forbid the
        // plain scan to see whether the index can serve this query at all (bench/search.ts shows
        // the planner choosing it by itself at 100k and 1M rows).
        await pool.query("SET enable_seqscan = off");
        const plan = (await pool.query(`EXPLAIN ${countQuery!.query}`, params)).rows.map((r) => r["QUERY PLAN"] as string).join("\n");
        expect(plan).toContain(POSTGRES_SEARCH_INDEX);
        expect(plan).not.toMatch(/Seq Scan on "Certificate"/);
      } finally {
        await pool.end();
      }
    } else {
      // The FTS5 look-up, then the count by primary key over the candidates it returned.
      const db = getDb();
      const ftsPlan = await db.$queryRawUnsafe<{ detail: string }[]>(
        `EXPLAIN QUERY PLAN SELECT "certificateId" FROM "CertificateSearch" WHERE "CertificateSearch" MATCH ? LIMIT ?`,
        `"${fragment}"`,
        10,
      );
      expect(ftsPlan.map((r) => r.detail).join("\n")).toMatch(/VIRTUAL TABLE INDEX \d+:M/);
      const plan = await db.$queryRawUnsafe<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${countQuery!.query}`, ...params);
      const details = plan.map((r) => r.detail).join("\n");
      expect(details).toMatch(/SEARCH (main\.)?Certificate USING (COVERING )?INDEX sqlite_autoindex_Certificate_1 \(id=\?\)/);
      expect(details).not.toMatch(/SCAN (main\.)?Certificate\b/);
    }
  });
});
