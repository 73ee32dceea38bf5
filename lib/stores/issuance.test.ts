/**
 * The raw issuance commit (lib/stores/issuance.ts) writes what Prisma writes: a certificate issued
 * through it and a twin row Prisma inserts with the same values read back the same through the
 * inventory list, the detail page and the audit page, and hold the same stored encodings (SQLite:
 * the same column types and DateTime text). The search index's triggers fire for it, a rolled-back
 * or failing batch leaves nothing behind, and on SQLite it waits for a Prisma transaction that
 * holds the write lock across an await instead of deadlocking with it. Runs on both stores.
 */
import { randomBytes, randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import { describe, expect } from "vitest";
import type { Certificate } from "@/generated/prisma/client";
import { readConfig, sqlitePath } from "../config";
import { searchAudit } from "../data/audit";
import { getCertificate, parseCertificateQuery, searchCertificates } from "../data/certificates";
import { currentStore, getDb } from "../db";
import { createAuthority } from "../services/create-authority";
import { issueCertificate } from "../services/issue-certificate";
import { beforeAll, it } from "../testing/system";
import { syntheticIssuance } from "../testing/issuance-rows";
import { commitIssuances } from "./issuance";

const tag = randomBytes(4).toString("hex");
const DATE_COLUMNS = new Set(["notBefore", "notAfter", "expiringFrom", "createdAt", "revokedAt", "at"]);
/** What the better-sqlite3 adapter writes for a DateTime. */
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/;

let caId: string;
beforeAll(async () => {
  caId = (await createAuthority({ commonName: `Raw Commit Root ${tag}`, keyType: "ecdsa-p256" })).authority.id;
});

/** Every stored column of these rows as the store's own driver returns it (no Prisma mapping). */
async function storedColumns(table: "Certificate" | "AuditEvent", where: string, ids: (string | number)[]) {
  const sql = `SELECT * FROM "${table}" WHERE "${where}" IN (${ids.map((_, i) => (currentStore() === "sqlite" ? "?" : `$${i + 1}`)).join(", ")})`;
  if (currentStore() === "sqlite") {
    const sqlite = new Database(sqlitePath(readConfig().databaseUrl), { readonly: true });
    try {
      const rows = sqlite.prepare(sql).all(...ids) as Record<string, unknown>[];
      const types = sqlite.prepare(
        sql.replace(
          "SELECT *",
          `SELECT ${Object.keys(rows[0]!)
            .map((c) => `typeof("${c}") AS "${c}"`)
            .join(", ")}`,
        ),
      );
      return { rows, types: types.all(...ids) as Record<string, string>[] };
    } finally {
      sqlite.close();
    }
  }
  const rows = await getDb().$queryRawUnsafe<Record<string, unknown>[]>(sql, ...ids);
  return {
    rows,
    types: rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v instanceof Date ? "date" : typeof v]))),
  };
}

/** `a` and `b` hold the same columns, equal except `differ`; same stored types; DateTime columns as Prisma writes them. */
function expectSameEncoding(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
  ta: Record<string, string>,
  tb: Record<string, string>,
  differ: string[],
) {
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
  expect(ta).toEqual(tb);
  for (const column of Object.keys(a)) {
    if (!differ.includes(column)) expect([column, a[column]]).toEqual([column, b[column]]);
    if (DATE_COLUMNS.has(column) && a[column] !== null) {
      if (currentStore() === "sqlite") {
        expect([column, a[column]]).toEqual([column, expect.stringMatching(ISO)]);
        expect([column, b[column]]).toEqual([column, expect.stringMatching(ISO)]);
      } else {
        expect(a[column]).toBeInstanceOf(Date);
      }
    }
  }
}

describe("the raw issuance commit", () => {
  it("writes what Prisma writes: list, detail, audit page and stored encodings match a twin Prisma inserted", async () => {
    const db = getDb();
    const name = `raw-${tag}.commit.example`;
    const { certificate: raw } = await issueCertificate({
      caId,
      commonName: name,
      sans: { dns: [name, `www.${name}`] },
      keyType: "ecdsa-p256",
    });
    // The twin: the same values through Prisma's own insert (its createdAt is its own now()).
    const { id, serialHex, createdAt, status, revokedAt, revocationReason, ...values } = raw;
    expect([status, revokedAt, revocationReason]).toEqual(["active", null, null]);
    const twinSerial = randomBytes(16).toString("hex");
    const twin = await db.certificate.create({ data: { ...values, id: randomUUID(), serialHex: twinSerial } });
    const rawAudit = (await db.auditEvent.findMany({ where: { objectId: id } }))[0]!;
    const { id: auditId, at, objectId: _objectId, ...auditValues } = rawAudit;
    const twinAudit = await db.auditEvent.create({ data: { ...auditValues, objectId: twin.id } });

    // What Prisma reads back: the returned row is the stored one, createdAt included.
    expect(await db.certificate.findUnique({ where: { id } })).toEqual(raw);
    expect(createdAt.getTime()).toBe(at.getTime());
    expect(rawAudit).toMatchObject({ action: "certificate.issue", objectType: "certificate", objectLabel: name, outcome: "success" });

    // The stored columns, as the driver returns them.
    const certs = await storedColumns("Certificate", "id", [id, twin.id]);
    const [rawRow, twinRow] = [id, twin.id].map((x) => certs.rows.findIndex((r) => r.id === x));
    expectSameEncoding(certs.rows[rawRow!]!, certs.rows[twinRow!]!, certs.types[rawRow!]!, certs.types[twinRow!]!, [
      "id",
      "serialHex",
      "createdAt",
    ]);
    const audits = await storedColumns("AuditEvent", "id", [auditId, twinAudit.id]);
    const [rawEvent, twinEvent] = [auditId, twinAudit.id].map((x) => audits.rows.findIndex((r) => Number(r.id) === x));
    expectSameEncoding(audits.rows[rawEvent!]!, audits.rows[twinEvent!]!, audits.types[rawEvent!]!, audits.types[twinEvent!]!, [
      "id",
      "at",
      "objectId",
    ]);

    // The inventory list, found through the search index (FTS5 on SQLite, pg_trgm on PostgreSQL).
    const list = await searchCertificates(parseCertificateQuery({ q: `raw-${tag}.commit` }));
    expect(list.rows.map((r) => r.id).sort()).toEqual([id, twin.id].sort());
    const [rawListed, twinListed] = [id, twin.id].map((x) => list.rows.find((r) => r.id === x)!);
    const listDiffers = (r: (typeof list.rows)[number]) => ({ ...r, id: undefined, serialHex: undefined, createdAt: undefined });
    expect(listDiffers(rawListed!)).toEqual(listDiffers(twinListed!));
    expect(rawListed!.createdAt).toEqual(createdAt);
    // Found by a SAN fragment and by its serial too (the twin's searchText is a copy, serial included).
    expect((await searchCertificates(parseCertificateQuery({ q: `www.raw-${tag}` }))).rows.map((r) => r.id)).toContain(id);
    expect((await searchCertificates(parseCertificateQuery({ q: serialHex.slice(4, 20) }))).rows.map((r) => r.id)).toContain(id);

    // The certificate page.
    const [rawDetail, twinDetail] = await Promise.all([getCertificate(id), getCertificate(twin.id)]);
    const detailDiffers = (d: NonNullable<typeof rawDetail>) => ({ ...d, id: undefined, serialHex: undefined, createdAt: undefined });
    expect(detailDiffers(rawDetail!)).toEqual(detailDiffers(twinDetail!));
    expect(rawDetail!.createdAt).toEqual(createdAt);

    // The audit page (newest first: the twin's event, then the issuance's, among this run's).
    const page = await searchAudit({ group: "certificate", page: 1 });
    const [rawListedEvent, twinListedEvent] = [auditId, twinAudit.id].map((x) => page.events.find((e) => e.id === x)!);
    const eventDiffers = (e: typeof rawListedEvent) => ({ ...e, id: undefined, at: undefined, objectId: undefined });
    expect(eventDiffers(rawListedEvent!)).toEqual(eventDiffers(twinListedEvent!));
  });

  const rows = (label: string) => syntheticIssuance(caId, label);

  async function stored(ids: string[]) {
    const db = getDb();
    return {
      certificates: await db.certificate.count({ where: { id: { in: ids } } }),
      audits: await db.auditEvent.count({ where: { objectId: { in: ids } } }),
    };
  }

  it("hands the CA rows read inside the transaction to the decision, and a rollback stores nothing", async () => {
    const batch = [rows(`rollback-a-${tag}`), rows(`rollback-b-${tag}`)];
    const ids = batch.map((b) => b.certificate.id);
    const seen: unknown[] = [];
    const outcome = await commitIssuances(
      { certificates: batch.map((b) => b.certificate), audits: batch.map((b) => b.audit), authorityIds: [caId, "no-such-ca"] },
      (authorities) => {
        seen.push(...authorities);
        return { commit: false, value: "rolled back" };
      },
    );
    expect(outcome.value).toBe("rolled back");
    const ca = await getDb().authority.findUniqueOrThrow({ where: { id: caId } });
    expect(seen).toEqual([
      {
        id: caId,
        status: ca.status,
        operatorIds: ca.operatorIds,
        issuancePolicy: ca.issuancePolicy,
        fingerprintSha256: ca.fingerprintSha256,
        notAfter: ca.notAfter,
        parentId: ca.parentId,
      },
    ]);
    expect(await stored(ids)).toEqual({ certificates: 0, audits: 0 });
    // The same batch committed: both rows and both events.
    const done = await commitIssuances(
      { certificates: batch.map((b) => b.certificate), audits: batch.map((b) => b.audit), authorityIds: [caId] },
      () => ({ commit: true, value: null }),
    );
    expect(await stored(ids)).toEqual({ certificates: 2, audits: 2 });
    const row = await getDb().certificate.findUniqueOrThrow({ where: { id: ids[0]! } });
    expect(row).toEqual<Certificate>({
      ...batch[0]!.certificate,
      status: "active",
      revokedAt: null,
      revocationReason: null,
      createdAt: done.createdAt,
    });
  });

  it("a failing row (a serial the CA already used) fails the whole batch and stores none of it", async () => {
    const first = rows(`dup-a-${tag}`);
    const second = rows(`dup-b-${tag}`);
    second.certificate.serialHex = first.certificate.serialHex;
    const ids = [first.certificate.id, second.certificate.id];
    await expect(
      commitIssuances(
        { certificates: [first.certificate, second.certificate], audits: [first.audit, second.audit], authorityIds: [caId] },
        () => ({ commit: true, value: null }),
      ),
    ).rejects.toThrow();
    expect(await stored(ids)).toEqual({ certificates: 0, audits: 0 });
    // The connection is usable afterwards (no transaction left open on it).
    const next = rows(`after-${tag}`);
    await commitIssuances({ certificates: [next.certificate], audits: [next.audit], authorityIds: [caId] }, () => ({
      commit: true,
      value: null,
    }));
    expect(await stored([next.certificate.id])).toEqual({ certificates: 1, audits: 1 });
  });

  it("waits for a Prisma transaction that holds the write lock across an await, then commits (no deadlock)", async () => {
    const db = getDb();
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let began!: () => void;
    const begun = new Promise<void>((resolve) => (began = resolve));
    const held = db.$transaction(
      async (tx) => {
        await tx.auditEvent.create({ data: { actorType: "system", actorLabel: "test", action: `test.hold-${tag}` } });
        began();
        await gate;
        order.push("held transaction ends");
      },
      { timeout: 60_000 },
    );
    await begun;
    const name = `waits-${tag}.commit.example`;
    const issued = issueCertificate({ caId, commonName: name, sans: { dns: [name] }, keyType: "ecdsa-p256" }).then((r) => {
      order.push("issued");
      return r;
    });
    // Several turns of the event loop: the issuance reaches its commit and waits there (SQLite: the adapter's mutex).
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    release();
    await held;
    const { certificate } = await issued;
    if (currentStore() === "sqlite") expect(order).toEqual(["held transaction ends", "issued"]);
    expect(await db.certificate.findUnique({ where: { id: certificate.id } })).toEqual(certificate);
  });
});
