/**
 * "CertificateName" (migration 0029): one row per DNS and IP SAN value of each certificate, kept
 * by the store's own triggers, so "covers host X" is an equality look-up on both stores. Checks
 * that every way a row arrives (the issuance pipeline, a multi-row INSERT, the migration's
 * backfill of rows already stored) and every change (sans, delete) keeps it in step, and that
 * the look-up the host filter sends is answered by the primary key. npm test runs this file on both stores.
 */
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { describe, expect } from "vitest";
import { readConfig } from "../config";
import { decodeSans } from "../data/columns";
import { currentStore, getDb } from "../db";
import { createAuthority } from "../services/create-authority";
import { issueCertificate } from "../services/issue-certificate";
import { beforeAll, it } from "../testing/system";
import { nameMatches, nameMatchesStatement } from "./search";

/** The names a certificate should have, computed from its SANs as sanCoversHost() compares them. */
function expectedNames(sans: string): string[] {
  const names = decodeSans(sans)
    .filter((s) => s.type === "dns" || s.type === "ip")
    .map((s) => (s.type === "dns" ? s.value.toLowerCase().replace(/\.+$/, "") : s.value));
  return [...new Set(names)].sort();
}

async function storedNames(certificateId: string): Promise<string[]> {
  const rows = await getDb().certificateName.findMany({ where: { certificateId }, select: { name: true } });
  return rows.map((r) => r.name).sort();
}

let caId = "";
let issuedId = "";

beforeAll(async () => {
  caId = (await createAuthority({ commonName: `Names CA ${randomUUID().slice(0, 8)}`, keyType: "ecdsa-p256" })).authority.id;
  issuedId = (
    await issueCertificate({
      caId,
      profile: "server",
      commonName: "Web.Names.Test",
      sans: { dns: ["Web.Names.Test", "*.apps.names.test"], ip: ["10.61.0.7", "2001:db8::61"], email: ["ops@names.test"] },
    })
  ).certificate.id;
});

describe(`CertificateName kept by the store's triggers (${currentStore()})`, () => {
  it("an issued certificate has its DNS names (lowercase) and IP addresses, not its e-mail addresses", async () => {
    expect(await storedNames(issuedId)).toEqual(["*.apps.names.test", "10.61.0.7", "2001:db8::61", "web.names.test"]);
  });

  it("rows written by one multi-row INSERT (as a group commit writes them) get theirs too, and follow a change of SANs and a delete", async () => {
    const template = await getDb().certificate.findUniqueOrThrow({ where: { id: issuedId } });
    const rows = [0, 1, 2].map((i) => ({
      ...template,
      id: randomUUID(),
      serialHex: `6a6e${randomUUID().replaceAll("-", "").slice(0, 24)}${i}`,
      sans: JSON.stringify([
        { type: "dns", value: `Host-${i}.Names.Test.` },
        { type: "dns", value: `host-${i}.names.test` },
        { type: "uri", value: `https://host-${i}.names.test/` },
        { type: "ip", value: `10.61.1.${i}` },
      ]),
      encryptedKey: null,
      renewedFromId: null,
    }));
    await getDb().certificate.createMany({ data: rows });
    for (const [i, row] of rows.entries()) {
      expect(await storedNames(row.id)).toEqual([`10.61.1.${i}`, `host-${i}.names.test`]);
      expect(await storedNames(row.id)).toEqual(expectedNames(row.sans));
    }
    const changed = JSON.stringify([{ type: "dns", value: "moved.names.test" }]);
    await getDb().certificate.update({ where: { id: rows[0]!.id }, data: { sans: changed } });
    expect(await storedNames(rows[0]!.id)).toEqual(["moved.names.test"]);
    await getDb().certificate.delete({ where: { id: rows[1]!.id } });
    expect(await storedNames(rows[1]!.id)).toEqual([]);
    expect(await storedNames(rows[2]!.id)).toEqual(["10.61.1.2", "host-2.names.test"]);
    // The look-up the host filter makes: exact values, newest first, the wildcard as a value of its own.
    const found = await nameMatches(["host-2.names.test", "*.apps.names.test", "moved.names.test"], 10);
    expect(found.map((r) => r.id).sort()).toEqual([issuedId, rows[0]!.id, rows[2]!.id].sort());
    expect(await nameMatches(["names.test"], 10)).toEqual([]);
  });

  it("every certificate of this CA has exactly the names its SANs give", async () => {
    const all = await getDb().certificate.findMany({ where: { authorityId: caId }, select: { id: true, sans: true } });
    expect(all.length).toBeGreaterThan(1);
    for (const c of all) expect(await storedNames(c.id)).toEqual(expectedNames(c.sans));
  });

  it.runIf(currentStore() === "sqlite")(
    "SQLite: the triggers exist (a migration that redefines Certificate must create them again)",
    async () => {
      const triggers = await getDb().$queryRawUnsafe<{ name: string }[]>(
        `SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'Certificate' AND name LIKE 'Certificate_names_%' ORDER BY name`,
      );
      expect(triggers.map((t) => t.name)).toEqual(["Certificate_names_delete", "Certificate_names_insert", "Certificate_names_update"]);
    },
  );

  it("the host filter's look-up reads the primary key of CertificateName, not the certificates in order", async () => {
    const statement = nameMatchesStatement(["alt-4242.internal.example", "*.internal.example"], 5001);
    if (currentStore() === "postgresql") {
      const client = new pg.Client({ connectionString: readConfig().databaseUrl });
      await client.connect();
      try {
        // A small table is cheap to scan, so the planner may prefer that: forbid the plain scan to see
        // that the index can serve the look-up at all (bench/search.ts shows the plan at 1M rows).
        await client.query("SET enable_seqscan = off");
        const plan = (await client.query(`EXPLAIN ${statement.text}`, statement.values)).rows
          .map((r) => r["QUERY PLAN"] as string)
          .join("\n");
        expect(plan).toContain("CertificateName_pkey");
      } finally {
        await client.end();
      }
    } else {
      const plan = await getDb().$queryRawUnsafe<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${statement.sql}`, ...statement.values);
      const details = plan.map((r) => r.detail).join("\n");
      expect(details).toMatch(/SEARCH n USING PRIMARY KEY \(name=\?\)/);
      expect(details).not.toMatch(/SCAN c\b/);
    }
  });
});

/** The migration files of the store under test, in order. */
function migrations(): { name: string; sql: string }[] {
  const dir = path.resolve(currentStore() === "postgresql" ? "prisma/postgresql/migrations" : "prisma/migrations");
  return readdirSync(dir)
    .filter((m) => /^\d{4}_/.test(m))
    .sort()
    .map((name) => ({ name, sql: readFileSync(path.join(dir, name, "migration.sql"), "utf8") }));
}

describe(`migration 0029 fills CertificateName for the certificates already stored (${currentStore()})`, () => {
  const sans = JSON.stringify([
    { type: "dns", value: "Old.Names.Test" },
    { type: "dns", value: "*.old.names.test" },
    { type: "ip", value: "10.61.9.9" },
    { type: "email", value: "old@names.test" },
  ]);
  const before = migrations().filter((m) => m.name < "0029");
  const ours = migrations().find((m) => m.name.startsWith("0029_"))!;

  it("from the migrations before it, with a stored certificate, then 0029", async () => {
    expect(ours).toBeDefined();
    // Every column of the model at 0028 that is NOT NULL without a default, for a row the migration finds stored.
    const row = { id: "old-1", sans };
    if (currentStore() === "postgresql") {
      const schema = `names_backfill_${randomUUID().slice(0, 8)}`;
      const client = new pg.Client({ connectionString: readConfig().databaseUrl });
      await client.connect();
      try {
        await client.query(`CREATE SCHEMA ${schema}; SET search_path = ${schema}, public`);
        for (const m of before) await client.query(m.sql);
        await client.query(`SET session_replication_role = replica`); // no foreign keys for the bare row
        await client.query(`INSERT INTO "Certificate" SELECT * FROM json_populate_record(NULL::"Certificate", $1::json)`, [
          JSON.stringify({ ...filler(), ...row }),
        ]);
        await client.query(`SET session_replication_role = DEFAULT`);
        await client.query(ours.sql);
        const { rows } = await client.query(`SELECT "name" FROM "CertificateName" WHERE "certificateId" = 'old-1' ORDER BY "name"`);
        expect(rows.map((r) => r.name as string)).toEqual(expectedNames(sans));
      } finally {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
        await client.end();
      }
    } else {
      const file = path.join(tmpdir(), `names-backfill-${randomUUID()}.db`);
      const db = new Database(file);
      try {
        for (const m of before) db.exec(m.sql);
        db.pragma("foreign_keys = OFF");
        const values = { ...filler(), ...row };
        const columns = Object.keys(values);
        db.prepare(
          `INSERT INTO "Certificate" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${columns.map((c) => `@${c}`).join(", ")})`,
        ).run(values);
        db.exec(ours.sql);
        const names = db.prepare(`SELECT "name" FROM "CertificateName" WHERE "certificateId" = 'old-1' ORDER BY "name"`).all() as {
          name: string;
        }[];
        expect(names.map((r) => r.name)).toEqual(expectedNames(sans));
      } finally {
        db.close();
        rmSync(file, { force: true });
      }
    }
  });
});

/** The other columns of a bare certificate row. */
function filler(): Record<string, string | number | null> {
  const now = new Date().toISOString();
  return {
    authorityId: "ca-1",
    serialHex: "01",
    commonName: "old.names.test",
    searchText: "old.names.test",
    profile: "server",
    keyType: "ecdsa-p256",
    source: "generated",
    subjectDn: "CN=old.names.test",
    notBefore: now,
    notAfter: now,
    expiringFrom: now,
    status: "active",
    certificatePem: "-",
    fingerprintSha256: "00",
    createdAt: now,
  };
}
