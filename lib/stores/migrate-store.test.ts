/**
 * `npm run migrate-store`: a populated SQLite store, while tests keep writing to it, copied into an
 * empty PostgreSQL database, which then serves it: the same rows, revocations, and CA keys that the
 * same master key opens; a second run into the now non-empty target is refused.
 * Needs a PostgreSQL server: npm test passes its admin URL as CADESK_TEST_POSTGRES_TARGET.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import pg from "pg";
import { describe, expect } from "vitest";
import { it } from "../testing/system";
import { currentStore, getDb } from "../db";
import { createAuthority } from "../services/create-authority";
import { issueCertificate } from "../services/issue-certificate";
import { authorityKeyContext, openKey } from "../signers/sealed-key";
import { revokeCertificate } from "../services/revoke-certificate";

const admin = process.env.CADESK_TEST_POSTGRES_TARGET;

async function sql(url: string, text: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows;
  } finally {
    await client.end();
  }
}

function migrateStore(to: string) {
  return spawnSync(process.execPath, [path.resolve("scripts/migrate-store.mjs"), "--to", to], { encoding: "utf8", env: process.env });
}

describe.skipIf(!admin || currentStore() !== "sqlite")("migrate-store: SQLite to PostgreSQL", () => {
  it("copies every table of a live store into an empty database, verifies it, and refuses a non-empty one", async () => {
    const root = await createAuthority({ commonName: "Migrated Root" });
    const issuing = await createAuthority({ commonName: "Migrated Issuing", parentId: root.authority.id });
    const good = await issueCertificate({ caId: issuing.authority.id, commonName: "good.migrated.internal" });
    const bad = await issueCertificate({ caId: issuing.authority.id, commonName: "bad.migrated.internal" });
    await revokeCertificate(bad.certificate.id, { reason: "keyCompromise" });

    const database = `cadesk_migrated_${randomBytes(5).toString("hex")}`;
    await sql(admin!, `CREATE DATABASE ${database}`);
    const url = new URL(admin!);
    url.pathname = `/${database}`;
    try {
      const run = migrateStore(url.toString());
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/every table matches \(rows and checksum\)/);
      expect(run.stdout).toContain(`DATABASE_URL=${url.toString()}`);

      const target = url.toString();
      const [copiedGood] = await sql(target, `SELECT "certificatePem", status FROM "Certificate" WHERE id = $1`, [good.certificate.id]);
      expect(copiedGood).toEqual({ certificatePem: good.certificate.certificatePem, status: "active" });
      const [copiedBad] = await sql(target, `SELECT status, "revocationReason" FROM "Certificate" WHERE id = $1`, [bad.certificate.id]);
      expect(copiedBad).toEqual({ status: "revoked", revocationReason: "keyCompromise" });
      // The host filter's names (derived, not copied): the target's own triggers made the same rows.
      const names = await getDb().certificateName.findMany({ where: { certificateId: good.certificate.id }, select: { name: true } });
      expect(names.length).toBeGreaterThan(0);
      expect(
        await sql(target, `SELECT name FROM "CertificateName" WHERE "certificateId" = $1 ORDER BY name`, [good.certificate.id]),
      ).toEqual(names.sort((a, b) => a.name.localeCompare(b.name)));
      // Sealed keys moved byte for byte: the same master key opens the CA key read from PostgreSQL.
      const [ca] = await sql(target, `SELECT "encryptedKey", "parentId" FROM "Authority" WHERE id = $1`, [issuing.authority.id]);
      expect(ca.parentId).toBe(root.authority.id);
      expect(openKey(ca.encryptedKey, authorityKeyContext(issuing.authority.id)).length).toBeGreaterThan(30);
      // The audit log came along, and new events continue its numbering.
      const [{ n, max }] = await sql(target, `SELECT count(*)::int AS n, max(id) AS max FROM "AuditEvent"`);
      expect(n).toBeGreaterThan(3);
      await sql(target, `INSERT INTO "AuditEvent" ("actorType", "actorLabel", action) VALUES ('system', 'cadesk', 'test.after_migration')`);
      const [{ id }] = await sql(target, `SELECT id FROM "AuditEvent" WHERE action = 'test.after_migration'`);
      expect(id).toBeGreaterThan(max);

      const again = migrateStore(url.toString());
      expect(again.status).toBe(1);
      expect(again.stderr).toMatch(/The target is not empty: "\w+" has \d+ row\(s\)/);
    } finally {
      await sql(admin!, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    }
  }, 180_000); // two migrate-store runs, each applying every migration to PostgreSQL first: over a minute on a loaded 2-core machine
});
