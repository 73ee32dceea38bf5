/**
 * The inventory list at a size where counting stops (lib/stores/search.ts): pages in a stable
 * order with ties, exact totals up to COUNT_LIMIT and "more than" beyond, the last page's exact
 * total, text search from SQLite's FTS5 candidates (more than the 900 that fit in an id list) and
 * from a scan, with the same answers as reading every row. npm test runs this file on both stores.
 */
import { randomUUID } from "node:crypto";
import { describe, expect } from "vitest";
import { searchCertificates, parseCertificateQuery } from "../data/certificates";
import { searchText } from "../data/search-text";
import { certificateStatus } from "../data/status";
import { currentStore, getDb } from "../db";
import { createAuthority } from "../services/create-authority";
import { issueCertificate } from "../services/issue-certificate";
import { beforeAll, it } from "../testing/system";
import { useSearchTextSample, likeHasTrigram, POSTGRES_SEARCH_INDEX, postgresLookup } from "./postgres-search";
import { forgetSqliteSample, sqliteIndexFragment } from "./sqlite-search";
import { COUNT_LIMIT, TEXT_COUNT_LIMIT, inventoryIds, inventoryStatements, type InventoryFilter } from "./search";

const DAY = 86_400_000;
/** More than COUNT_LIMIT, so the count stops. */
const BULK = COUNT_LIMIT + 50;
const SMALL = 23;
const now = new Date();
let smallCa: string;
let bulkCa: string;

type Row = { id: string; commonName: string; searchText: string; createdAt: Date; notAfter: Date; notBefore: Date; status: string };
let small: Row[] = [];
let bulk: Row[] = [];

/** Copies of one issued certificate under `caId`: the names, times and status each test needs. */
async function seed(caId: string, count: number, make: (i: number) => { name: string; createdAt: Date; notAfter: Date; status?: string }) {
  const issued = await issueCertificate({ caId, profile: "server", commonName: `template.${caId.slice(0, 8)}.list.test` });
  const template = await getDb().certificate.findUniqueOrThrow({ where: { id: issued.certificate.id } });
  await getDb().certificate.delete({ where: { id: template.id } });
  const rows = Array.from({ length: count }, (_, i) => {
    const m = make(i);
    return {
      ...template,
      id: randomUUID(),
      serialHex: `7e57${caId.slice(0, 4)}${i.toString(16).padStart(24, "0")}`,
      commonName: m.name,
      sans: JSON.stringify([{ type: "dns", value: m.name }]),
      searchText: searchText(` ${m.name} ${m.name} `),
      createdAt: m.createdAt,
      notBefore: new Date(m.notAfter.getTime() - 90 * DAY),
      notAfter: m.notAfter,
      expiringFrom: new Date(m.notAfter.getTime() - 30 * DAY),
      status: m.status ?? "active",
      revokedAt: m.status === "revoked" ? now : null,
      encryptedKey: null,
      renewedFromId: null,
    };
  });
  for (let i = 0; i < rows.length; i += 500) await getDb().certificate.createMany({ data: rows.slice(i, i + 500) });
  if (currentStore() === "postgresql") await getDb().$executeRawUnsafe(`ANALYZE "Certificate"`);
  return rows.map(({ id, commonName, searchText, createdAt, notAfter, notBefore, status }) => ({
    id,
    commonName,
    searchText,
    createdAt,
    notAfter,
    notBefore,
    status,
  }));
}

const byNewest = (a: Row, b: Row) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
const byExpiry = (a: Row, b: Row) => a.notAfter.getTime() - b.notAfter.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** What reading every bulk row finds for a fragment, newest first. */
const scan = (fragment: string, keep: (r: Row) => boolean = () => true) =>
  bulk.filter((r) => r.searchText.includes(searchText(fragment)) && keep(r)).sort(byNewest);

beforeAll(async () => {
  const tag = randomUUID().slice(0, 8);
  smallCa = (await createAuthority({ commonName: `List Small CA ${tag}`, keyType: "ecdsa-p256" })).authority.id;
  bulkCa = (await createAuthority({ commonName: `List Bulk CA ${tag}`, keyType: "ecdsa-p256" })).authority.id;
  // Ties on purpose: three createdAt values and four notAfter values for 23 certificates.
  const t0 = now.getTime() - 3600_000;
  small = await seed(smallCa, SMALL, (i) => ({
    name: `tie-${i}.small.list.test`,
    createdAt: new Date(t0 + (i % 3) * 1000),
    notAfter: new Date(now.getTime() + ((i % 4) * 10 + 5) * DAY),
    status: i === 7 ? "revoked" : undefined,
  }));
  bulk = await seed(bulkCa, BULK, (i) => ({
    name: `bulk-${i}.cap.list.test`,
    createdAt: new Date(t0 - i * 1000),
    // Every 5th expires within 30 days (expiring), one in 50 has expired.
    notAfter: new Date(now.getTime() + (i % 50 === 0 ? -2 : i % 5 === 0 ? 10 : 200) * DAY + (i % 7) * 60_000),
  }));
}, 300_000);

describe(`the inventory list: pages, totals and search (${currentStore()})`, () => {
  it.each([
    ["newest", byNewest],
    ["expiry", byExpiry],
    ["-expiry", (a: Row, b: Row) => -byExpiry(a, b)],
  ] as const)("sorted %s with ties: each page follows the last, every certificate once, exact totals", async (sort, compare) => {
    const expected = [...small].sort(compare).map((r) => r.id);
    const seen: string[] = [];
    for (let page = 1; page <= 5; page++) {
      const result = await searchCertificates(parseCertificateQuery({ caId: smallCa, sort, page: String(page), pageSize: "5" }), now);
      expect(result).toMatchObject({ total: SMALL, totalExact: true, pageCount: 5, hasNext: page < 5 });
      seen.push(...result.rows.map((r) => r.id));
    }
    expect(seen).toEqual(expected);
    // Past the end: nothing, and the total still exact.
    const past = await searchCertificates(parseCertificateQuery({ caId: smallCa, sort, page: "9", pageSize: "5" }), now);
    expect(past).toMatchObject({ rows: [], total: SMALL, totalExact: true, hasNext: false });
  });

  it("statuses filter as certificateStatus() says, with exact totals", async () => {
    for (const status of ["valid", "expiring", "expired", "revoked"] as const) {
      const expected = bulk.filter((r) => certificateStatus(r, now) === status);
      const result = await searchCertificates(parseCertificateQuery({ caId: bulkCa, status, sort: "expiry", pageSize: "200" }), now);
      const exact = expected.length <= COUNT_LIMIT;
      expect(result.totalExact).toBe(exact);
      expect(result.total).toBe(exact ? expected.length : COUNT_LIMIT);
      expect(result.rows.map((r) => r.id)).toEqual(
        [...expected]
          .sort(byExpiry)
          .slice(0, 200)
          .map((r) => r.id),
      );
    }
  });

  it(`more than ${COUNT_LIMIT.toLocaleString("en-US")} matches: the count stops and says so; the last page knows the exact total`, async () => {
    const first = await searchCertificates(parseCertificateQuery({ caId: bulkCa, pageSize: "25" }), now);
    expect(first).toMatchObject({ total: COUNT_LIMIT, totalExact: false, hasNext: true, pageCount: 2 });
    expect(first.rows.map((r) => r.id)).toEqual(
      [...bulk]
        .sort(byNewest)
        .slice(0, 25)
        .map((r) => r.id),
    );
    // Deeper than the count: the lower bound grows with the rows seen.
    const deep = await searchCertificates(parseCertificateQuery({ caId: bulkCa, page: "401", pageSize: "25" }), now);
    expect(deep).toMatchObject({ total: 401 * 25, totalExact: false, hasNext: true });
    expect(deep.rows.map((r) => r.id)).toEqual(
      [...bulk]
        .sort(byNewest)
        .slice(400 * 25, 401 * 25)
        .map((r) => r.id),
    );
    const last = await searchCertificates(parseCertificateQuery({ caId: bulkCa, page: "402", pageSize: "25" }), now);
    expect(last).toMatchObject({ total: BULK, totalExact: true, hasNext: false, pageCount: 402 });
    expect(last.rows).toHaveLength(BULK - 401 * 25);
    // Past the end of a long list: empty, and still "more than".
    const past = await searchCertificates(parseCertificateQuery({ caId: bulkCa, page: "900", pageSize: "25" }), now);
    expect(past).toMatchObject({ rows: [], total: COUNT_LIMIT, totalExact: false, hasNext: false });
  });

  it.each([
    ["from the FTS5 candidates on SQLite (more than fit in an id list)", {}],
    ["from a scan on SQLite (more candidates than its threshold)", { sqliteIndexLimit: 1000 }],
  ])("a fragment with thousands of matches, %s: the same pages and totals as a scan", async (_how, options) => {
    // "bulk-1" is held by 1, 10-19, 100-199, 1000-1999 and 10000-10049: 1,161 certificates.
    const fragment = "bulk-1";
    const expected = scan(fragment);
    expect(expected.length).toBeGreaterThan(900);
    const filter: InventoryFilter = { text: searchText(fragment), authorityId: bulkCa };
    const { plan } = await inventoryStatements(filter, "newest", 0, 51, now, options);
    if (currentStore() === "sqlite") expect(plan).toMatchObject({ kind: "sqliteIndexLimit" in options ? "scan" : "index" });
    const page1 = await inventoryIds(filter, "newest", 0, 51, now, options);
    // Counting rows to check LIKE with another filter beside the text stops at TEXT_COUNT_LIMIT.
    expect(expected.length).toBeGreaterThan(TEXT_COUNT_LIMIT);
    expect(page1).toEqual({ ids: expected.slice(0, 51).map((r) => r.id), count: TEXT_COUNT_LIMIT, exact: false });
    // The last page still knows the exact total.
    const last = await inventoryIds(filter, "newest", expected.length - 10, 51, now, options);
    expect(last).toEqual({ ids: expected.slice(-10).map((r) => r.id), count: expected.length, exact: true });
    const page3 = await inventoryIds(filter, "newest", 100, 51, now, options);
    expect(page3.ids).toEqual(expected.slice(100, 151).map((r) => r.id));
    // With a status filter too, sorted by expiry.
    const expiring = (r: Row) => certificateStatus(r, now) === "expiring";
    const both = await inventoryIds({ ...filter, status: "expiring" }, "expiry", 0, 26, now, options);
    expect(both).toEqual({
      ids: scan(fragment, expiring)
        .sort(byExpiry)
        .slice(0, 26)
        .map((r) => r.id),
      count: scan(fragment, expiring).length,
      exact: true,
    });
    // A fragment every bulk certificate holds: the count stops.
    const all = await inventoryIds({ text: searchText("cap.list"), authorityId: bulkCa }, "newest", 0, 26, now, options);
    expect(all).toEqual({
      ids: [...bulk]
        .sort(byNewest)
        .slice(0, 26)
        .map((r) => r.id),
      count: TEXT_COUNT_LIMIT,
      exact: false,
    });
  });

  it.runIf(currentStore() === "postgresql")(
    "PostgreSQL: the trigram index looks up the fragment's rarest word, LIKE checks the whole, same answers",
    async () => {
      useSearchTextSample();
      const options = { postgresNarrowMinRows: 0 };
      // "bulk" and "cap" are in most rows, "1234" in a few.
      expect((await postgresLookup(getDb(), searchText("bulk-1234.cap"), 0)).index).toBe("1234");
      expect((await postgresLookup(getDb(), searchText("cap.list"), 0)).index).toBe("cap.list"); // only common words, "." gives no trigram
      // Every word common: what is left between them, when it is rare and gives a trigram.
      expect((await postgresLookup(getDb(), searchText("bulk-12.cap"), 0)).index).toBe("-12.");
      expect((await postgresLookup(getDb(), searchText("bulk-1.cap"), 0)).index).toBe("-1.");
      useSearchTextSample();
      expect((await postgresLookup(getDb(), searchText("bulk-1234.cap"), 10_000_000)).index).toBe("bulk-1234.cap"); // a small table: as it is
      useSearchTextSample();
      for (const fragment of [
        "bulk-1234.cap",
        "k-1234.c",
        "bulk-12",
        "1234.cap.list",
        "bulk-12.cap",
        "bulk-1.cap",
        "list.test bulk-77",
        "t bulk-9.",
      ]) {
        const filter: InventoryFilter = { text: searchText(fragment), authorityId: bulkCa };
        const expected = scan(fragment);
        expect(await inventoryIds(filter, "newest", 0, 26, now, options)).toEqual({
          ids: expected.slice(0, 26).map((r) => r.id),
          count: expected.length,
          exact: true,
        });
      }
      const { page } = await inventoryStatements({ text: searchText("bulk-1234.cap") }, "newest", 0, 26, now, options);
      const plan = await getDb().$transaction(async (tx) => {
        await tx.$executeRawUnsafe("SET LOCAL enable_seqscan = off");
        return tx.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(`EXPLAIN ${page.text}`, ...page.values);
      });
      const text = plan.map((p) => p["QUERY PLAN"]).join("\n");
      expect(text).toContain(`Index Cond: ("searchText" ~~ '%1234%'::text)`);
      useSearchTextSample();
    },
  );

  it.runIf(currentStore() === "postgresql")(
    "PostgreSQL: a common fragment's page walks the newest-first index with the whole fragment, its count stays narrowed, same answers",
    async () => {
      // A sample that is the bulk itself: "bulk-10" is narrowed to "-10" (161 of 10,050 rows), whose
      // page of 1 is found sooner by walking the order (161 x 161 > 1 x 10,050) than by sorting 161.
      useSearchTextSample(bulk.map((r) => r.searchText));
      const options = { postgresNarrowMinRows: 0 };
      const filter: InventoryFilter = { text: searchText("bulk-10"), authorityId: bulkCa };
      const expected = scan("bulk-10");
      expect(expected).toHaveLength(161);
      const looksUp = (sql: { values: unknown[] }) => sql.values.includes("%-10%");
      const walk = await inventoryStatements(filter, "newest", 0, 1, now, options);
      expect(walk.plan).toMatchObject({ index: "bulk-10", matches: 161 });
      expect([looksUp(walk.page), looksUp(walk.count as { values: unknown[] })]).toEqual([false, true]);
      const sorted = await inventoryStatements(filter, "newest", 0, 26, now, options);
      expect(sorted.plan).toMatchObject({ index: "-10" });
      expect(looksUp(sorted.page)).toBe(true);
      for (const [offset, limit] of [
        [0, 1],
        [0, 26],
        [5, 1],
        [150, 26],
      ] as const) {
        expect(await inventoryIds(filter, "newest", offset, limit, now, options)).toMatchObject({
          ids: expected.slice(offset, offset + limit).map((r) => r.id),
        });
      }
      useSearchTextSample();
    },
  );

  it.runIf(currentStore() === "postgresql")("PostgreSQL: a piece narrows the look-up only if pg_trgm makes a trigram of it", async () => {
    const [{ n } = { n: 0 }] = await getDb().$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM "Certificate"`);
    const indexRows = (piece: string) =>
      getDb().$transaction(async (tx) => {
        for (const off of ["enable_seqscan", "enable_indexscan", "enable_indexonlyscan"])
          await tx.$executeRawUnsafe(`SET LOCAL ${off} = off`);
        const [row] = await tx.$queryRawUnsafe<{ "QUERY PLAN": unknown }[]>(
          `EXPLAIN (ANALYZE, FORMAT JSON) SELECT id FROM "Certificate" WHERE "searchText" LIKE $1`,
          `%${piece}%`,
        );
        const plan = typeof row!["QUERY PLAN"] === "string" ? JSON.parse(row!["QUERY PLAN"]) : row!["QUERY PLAN"];
        type Node = { "Node Type": string; "Index Name"?: string; "Actual Rows": number; Plans?: Node[] };
        const find = (node: Node): Node | undefined =>
          node["Node Type"] === "Bitmap Index Scan" ? node : node.Plans?.map(find).find(Boolean);
        const scan = find(plan[0].Plan);
        expect(scan?.["Index Name"]).toBe(POSTGRES_SEARCH_INDEX);
        return scan!["Actual Rows"];
      });
    // With no trigram GIN returns every row of the table for LIKE to check.
    for (const piece of ["-12.", "34.", "-1", ".a.", "12", "1.", "-", "2-", " "]) {
      expect({ piece, narrows: (await indexRows(piece)) < n }).toEqual({ piece, narrows: likeHasTrigram(piece) });
    }
  });

  it.runIf(currentStore() === "sqlite")(
    "SQLite: FTS5 looks up the fragment's rare trigrams, LIKE checks the whole, same answers",
    async () => {
      forgetSqliteSample();
      const options = { sqliteNarrowMinRows: 0 };
      // "bul", "ulk", "cap" are in most rows; the trigrams around "1234" in a few.
      const part = await sqliteIndexFragment(getDb(), searchText("bulk-1234.cap"), 0);
      expect(part).toContain("234");
      expect(part.length).toBeLessThan("bulk-1234.cap".length);
      expect(await sqliteIndexFragment(getDb(), searchText("cap.list"), 0)).toBe("cap.list"); // only common trigrams
      // A rare part that some sampled rows hold ("-12": 111 of 10,050 rows) is still looked up alone:
      // the whole phrase would step through the doclists of "bul", "ulk" and "lk-", which every row holds.
      expect(await sqliteIndexFragment(getDb(), searchText("bulk-12"), 0)).toBe("-12");
      for (const fragment of [
        "bulk-1234.cap",
        "k-1234.c",
        "bulk-12",
        "1234.cap.list",
        "bulk-12.cap",
        "bulk-1.cap",
        "list.test bulk-77",
        "t bulk-9.",
      ]) {
        for (const filter of [{ text: searchText(fragment), authorityId: bulkCa }, { text: searchText(fragment) }]) {
          const expected = scan(fragment);
          expect(await inventoryIds(filter, "newest", 0, 26, now, options)).toEqual({
            ids: expected.slice(0, 26).map((r) => r.id),
            count: expected.length,
            exact: true,
          });
        }
      }
      forgetSqliteSample();
    },
  );

  it("LIKE's wildcards and FTS5's quotes are taken literally", async () => {
    for (const q of ["bulk_1", "bulk%1", 'bulk-1"', "\\", "tie-1_"]) {
      const result = await searchCertificates(parseCertificateQuery({ q, pageSize: "10" }), now);
      expect(result).toMatchObject({ rows: [], total: 0, totalExact: true });
    }
  });
});

describe(`the inventory list reads an index (${currentStore()})`, () => {
  it("the newest page, however deep, is read from the (createdAt, id) index alone", async () => {
    const { page } = await inventoryStatements({}, "newest", 99_990, 11, now);
    const db = getDb();
    if (currentStore() === "sqlite") {
      const plan = await db.$queryRawUnsafe<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${page.sql}`, ...page.values);
      expect(plan.map((p) => p.detail).join("\n")).toMatch(/SCAN c USING COVERING INDEX Certificate_createdAt_id_idx/);
    } else {
      // A small table is cheaper to sort than to walk in order: forbid that to see the index can serve it.
      const plan = await db.$transaction(async (tx) => {
        await tx.$executeRawUnsafe("SET LOCAL enable_seqscan = off");
        await tx.$executeRawUnsafe("SET LOCAL enable_sort = off");
        return tx.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(`EXPLAIN ${page.text}`, ...page.values);
      });
      expect(plan.map((p) => p["QUERY PLAN"]).join("\n")).toMatch(/Index Only Scan Backward using "Certificate_createdAt_id_idx"/);
    }
  });

  it.runIf(currentStore() === "sqlite")(
    "SQLite: a common fragment with a filter is read from the FTS5 candidates, not a scan of Certificate",
    async () => {
      const { page, count } = await inventoryStatements({ text: searchText("bulk-1"), authorityId: bulkCa }, "newest", 0, 26, now);
      for (const statement of [page, count]) {
        if (typeof statement === "number") throw new Error("a filter beside the text needs a count query");
        const plan = (await getDb().$queryRawUnsafe<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${statement.sql}`, ...statement.values))
          .map((p) => p.detail)
          .join("\n");
        expect(plan).toMatch(/VIRTUAL TABLE INDEX \d+:M/);
        expect(plan).not.toMatch(/SCAN c\b/);
      }
    },
  );

  it.runIf(currentStore() === "sqlite")(
    "SQLite: text alone is counted by FTS5; a common one walks the newest-first index, a rare one sorts its candidates",
    async () => {
      const common = await inventoryStatements({ text: searchText("bulk-1") }, "newest", 0, 26, now);
      expect(common.count).toBe(scan("bulk-1").length);
      expect(common.plan).toMatchObject({ kind: "scan" });
      const rare = await inventoryStatements({ text: searchText("bulk-1234.") }, "newest", 0, 26, now);
      expect(rare.plan).toMatchObject({ kind: "index", matches: 1 });
      const answers = await searchCertificates(parseCertificateQuery({ q: "bulk-1", pageSize: "50", page: "3" }), now);
      expect(answers.rows.map((r) => r.id)).toEqual(
        scan("bulk-1")
          .slice(100, 150)
          .map((r) => r.id),
      );
      expect(answers).toMatchObject({ total: scan("bulk-1").length, totalExact: true });
    },
  );
});
