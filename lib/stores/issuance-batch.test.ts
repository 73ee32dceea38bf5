/**
 * The issuance commit writes a batch as one multi-row INSERT per table (sqlite-issuance.ts on
 * SQLite; postgres-issuance.ts already did): batches of every size, one after another on the same
 * prepared statements, store every certificate with its audit event, and each one is found the
 * way a user looks for it right after it was returned: by a fragment of its name or serial in the
 * inventory search (the FTS5 / pg_trgm index) and by the host it covers (CertificateName).
 * Runs on both stores.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { describe, expect } from "vitest";
import { parseCertificateQuery, searchCertificates } from "../data/certificates";
import { getDb } from "../db";
import { createAuthority } from "../services/create-authority";
import { issueCertificate } from "../services/issue-certificate";
import { beforeAll, it } from "../testing/system";
import { commitIssuances, type NewAuditRow, type NewCertificateRow } from "./issuance";

const tag = randomBytes(4).toString("hex");
let caId: string;
beforeAll(async () => {
  caId = (await createAuthority({ commonName: `Batch Commit Root ${tag}`, keyType: "ecdsa-p256" })).authority.id;
});

function rows(host: string): { certificate: NewCertificateRow; audit: NewAuditRow } {
  const id = randomUUID();
  const now = new Date();
  const serialHex = randomBytes(16).toString("hex");
  return {
    certificate: {
      id,
      authorityId: caId,
      serialHex,
      commonName: host,
      sans: JSON.stringify([{ type: "dns", value: host }]),
      searchText: `${host} ${host} ${serialHex}`,
      profile: "server",
      keyType: "ecdsa-p256",
      source: "csr",
      subjectDn: `CN=${host}`,
      notBefore: now,
      notAfter: new Date(now.getTime() + 86_400_000),
      expiringFrom: now,
      certificatePem: "not a certificate: never read in this test",
      encryptedKey: null,
      renewedFromId: null,
      fingerprintSha256: randomBytes(32).toString("hex"),
    },
    audit: {
      actorType: "system",
      actorId: null,
      actorLabel: "test",
      action: "certificate.issue",
      outcome: "success",
      objectType: "certificate",
      objectId: id,
      objectLabel: host,
      ip: null,
      requestId: null,
      detail: null,
    },
  };
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
});
