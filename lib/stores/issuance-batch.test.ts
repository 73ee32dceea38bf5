/**
 * The issuance commit writes a batch as one multi-row INSERT per table (sqlite-issuance.ts on
 * SQLite; postgres-issuance.ts already did): batches of every size, one after another on the same
 * prepared statements, store every certificate with its audit event, and each one is found the
 * way a user looks for it right after it was returned: by a fragment of its name or serial in the
 * inventory search (the FTS5 / pg_trgm index) and by the host it covers (CertificateName).
 * On SQLite the commit writes those index rows itself (migration 0030): its switch for the insert
 * triggers is never left on, so a row written any other way after a commit, a rolled-back or a
 * failed one is still indexed by the triggers; and a store migrated from 0029 keeps its index.
 * Runs on both stores.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect } from "vitest";
import { parseCertificateQuery, searchCertificates } from "../data/certificates";
import { currentStore, getDb } from "../db";
import { createAuthority } from "../services/create-authority";
import { issueCertificate } from "../services/issue-certificate";
import { beforeAll, it } from "../testing/system";
import { syntheticIssuance } from "../testing/issuance-rows";
import { commitIssuances } from "./issuance";

const tag = randomBytes(4).toString("hex");
let caId: string;
beforeAll(async () => {
  caId = (await createAuthority({ commonName: `Batch Commit Root ${tag}`, keyType: "ecdsa-p256" })).authority.id;
});

/** A row named for `host` (its DNS SAN, as the pipeline's search text has it), valid for a day. */
function rows(host: string): ReturnType<typeof syntheticIssuance> {
  const made = syntheticIssuance(caId, host);
  const { certificate } = made;
  certificate.sans = JSON.stringify([{ type: "dns", value: host }]);
  certificate.searchText = `${host} ${host} ${certificate.serialHex}`;
  certificate.notAfter = new Date(certificate.notBefore.getTime() + 86_400_000);
  return made;
}

const found = async (query: Record<string, string>) => (await searchCertificates(parseCertificateQuery(query))).rows.map((r) => r.id);

describe("the issuance commit, a batch at a time", () => {
  it("stores batches of 1, 5, 3 and 5 rows with their audit events, each found by name, serial and host", async () => {
    const sizes = [1, 5, 3, 5];
    const batches = sizes.map((n, b) => Array.from({ length: n }, (_, i) => rows(`b${b}-r${i}-${tag}.batch.example`)));
    for (const batch of batches) {
      const done = await commitIssuances(
        { certificates: batch.map((r) => r.certificate), audits: batch.map((r) => r.audit), authorityIds: [caId] },
        () => ({ commit: true, value: null }),
      );
      const ids = batch.map((r) => r.certificate.id);
      // Every row of the batch with the batch's createdAt, and one audit event each.
      const stored = await getDb().certificate.findMany({ where: { id: { in: ids } } });
      expect(stored.map((c) => c.id).sort()).toEqual([...ids].sort());
      expect(new Set(stored.map((c) => c.createdAt.getTime()))).toEqual(new Set([done.createdAt.getTime()]));
      const events = await getDb().auditEvent.findMany({ where: { objectId: { in: ids } } });
      expect(events.map((e) => e.objectId).sort()).toEqual([...ids].sort());
    }
    for (const batch of batches) {
      for (const { certificate } of batch) {
        const host = certificate.commonName;
        expect(await found({ q: host.slice(0, host.indexOf(".")) })).toEqual([certificate.id]);
        expect(await found({ q: certificate.serialHex.slice(6, 22) })).toContain(certificate.id);
        expect(await found({ host })).toEqual([certificate.id]);
      }
    }
    // The whole run's rows by their common part: all 14, newest batch first.
    const all = await found({ q: `-${tag}.batch.example`, pageSize: "50" });
    expect(all).toHaveLength(14);
    expect(new Set(all.slice(0, 5))).toEqual(new Set(batches[3]!.map((r) => r.certificate.id)));
  });

  it("issuances that arrive together are committed together and each is found right after it is returned", async () => {
    const names = Array.from({ length: 12 }, (_, i) => `together-${i}-${tag}.batch.example`);
    const issued = await Promise.all(
      names.map((name) => issueCertificate({ caId, commonName: name, sans: { dns: [name] }, keyType: "ecdsa-p256" })),
    );
    for (const [i, { certificate }] of issued.entries()) {
      expect(await found({ q: `together-${i}-${tag}` })).toEqual([certificate.id]);
      expect(await found({ host: names[i]! })).toEqual([certificate.id]);
      expect(await getDb().auditEvent.count({ where: { objectId: certificate.id, action: "certificate.issue" } })).toBe(1);
    }
    // Fewer commits than issuances: they shared transactions (and statements).
    const createdAts = new Set(issued.map((i) => i.certificate.createdAt.getTime()));
    expect(createdAts.size).toBeLessThan(names.length);
  });

  it("leaves the triggers on after a commit, a rollback and a failed batch: a row Prisma inserts next is found", async () => {
    const committed = rows(`on-a-${tag}.batch.example`);
    await commitIssuances({ certificates: [committed.certificate], audits: [committed.audit], authorityIds: [caId] }, () => ({
      commit: true,
      value: null,
    }));
    const rolledBack = rows(`on-b-${tag}.batch.example`);
    await commitIssuances({ certificates: [rolledBack.certificate], audits: [rolledBack.audit], authorityIds: [caId] }, () => ({
      commit: false,
      value: null,
    }));
    const failing = [rows(`on-c-${tag}.batch.example`), rows(`on-d-${tag}.batch.example`)];
    failing[1]!.certificate.serialHex = failing[0]!.certificate.serialHex;
    await expect(
      commitIssuances(
        { certificates: failing.map((r) => r.certificate), audits: failing.map((r) => r.audit), authorityIds: [caId] },
        () => ({ commit: true, value: null }),
      ),
    ).rejects.toThrow();
    expect(await found({ q: `on-b-${tag}` })).toEqual([]);
    expect(await found({ host: `on-c-${tag}.batch.example` })).toEqual([]);
    // A certificate written another way (an import, a repair, migrate-store): the triggers index it.
    const other = rows(`on-e-${tag}.batch.example`).certificate;
    await getDb().certificate.create({ data: other });
    expect(await found({ q: `on-e-${tag}` })).toEqual([other.id]);
    expect(await found({ host: `ON-E-${tag}.batch.example.` })).toEqual([other.id]);
    expect(await found({ q: `on-a-${tag}` })).toEqual([committed.certificate.id]);
  });
});

/** The SQLite migration files, in order. */
function sqliteMigrations(): { name: string; sql: string }[] {
  const dir = path.resolve("prisma/migrations");
  return readdirSync(dir)
    .filter((m) => /^\d{4}_/.test(m))
    .sort()
    .map((name) => ({ name, sql: readFileSync(path.join(dir, name, "migration.sql"), "utf8") }));
}

describe.runIf(currentStore() === "sqlite")("migration 0030 on a store made by the migrations before it", () => {
  it("keeps the stored certificates' index, and the triggers still index rows written without the commit's switch", () => {
    const before = sqliteMigrations().filter((m) => m.name < "0030");
    const ours = sqliteMigrations().find((m) => m.name.startsWith("0030_"));
    expect(ours).toBeDefined();
    const file = path.join(tmpdir(), `commit-index-${randomUUID()}.db`);
    const db = new Database(file);
    try {
      for (const m of before) db.exec(m.sql);
      db.pragma("foreign_keys = OFF");
      const now = new Date().toISOString();
      const insert = db.prepare(
        `INSERT INTO "Certificate" ("id", "authorityId", "serialHex", "commonName", "sans", "searchText", "profile", "keyType", "source", "subjectDn", "notBefore", "notAfter", "expiringFrom", "status", "certificatePem", "fingerprintSha256", "createdAt")
         VALUES (?, 'ca-1', ?, ?, ?, ?, 'server', 'ecdsa-p256', 'csr', 'CN=x', ?, ?, ?, 'active', '-', '00', ?)`,
      );
      const put = (id: string, host: string) =>
        insert.run(id, randomBytes(8).toString("hex"), host, JSON.stringify([{ type: "dns", value: host }]), host, now, now, now, now);
      put("old-1", "Old-Store.Example");
      db.exec(ours!.sql);
      const search = (fragment: string) =>
        (
          db
            .prepare(
              `SELECT c."id" FROM "Certificate" c WHERE c.rowid IN (SELECT rowid FROM "CertificateSearch" WHERE "CertificateSearch" MATCH ?) ORDER BY c."id"`,
            )
            .all(`"${fragment}"`) as { id: string }[]
        ).map((r) => r.id);
      const names = (name: string) =>
        (db.prepare(`SELECT "certificateId" AS id FROM "CertificateName" WHERE "name" = ? ORDER BY 1`).all(name) as { id: string }[]).map(
          (r) => r.id,
        );
      // The row stored before 0030, as 0021 and 0029 indexed it.
      expect(search("old-store")).toEqual(["old-1"]);
      expect(names("old-store.example")).toEqual(["old-1"]);
      // A row written after 0030 without the switch: the triggers index it.
      put("new-1", "New-Store.Example");
      expect(search("new-store")).toEqual(["new-1"]);
      expect(names("new-store.example")).toEqual(["new-1"]);
      // With the switch on (what the commit does before writing the rows itself), they do nothing.
      db.transaction(() => {
        db.exec(`INSERT INTO "CertificateIndexWriter" ("id") VALUES (1)`);
        put("switched-1", "Switched.Example");
        expect(search("switched")).toEqual([]);
        expect(names("switched.example")).toEqual([]);
        db.exec(`DELETE FROM "CertificateIndexWriter"`);
      })();
      expect(db.prepare(`SELECT count(*) AS n FROM "CertificateIndexWriter"`).get()).toEqual({ n: 0 });
    } finally {
      db.close();
      rmSync(file, { force: true });
    }
  });
});
