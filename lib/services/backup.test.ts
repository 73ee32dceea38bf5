import Database from "better-sqlite3";
import path from "node:path";
import { describe, expect } from "vitest";
import { it } from "../testing/system";
import { getDb } from "../db";
import { runAsync, tempDir } from "../testing/openssl";
import { createAuthority } from "./create-authority";
import { issueCertificate } from "./issue-certificate";

describe("npm run backup", () => {
  it("writes a consistent snapshot while certificates are being issued", async () => {
    const ca = (await createAuthority({ commonName: `Backup CA ${Date.now()}` })).authority;
    const target = tempDir("cadesk-backup-");
    const writing = Promise.all([...Array(40)].map((_, i) => issueCertificate({ caId: ca.id, commonName: `backup-${i}.example.com` })));
    const [result] = await Promise.all([runAsync("node", ["scripts/backup.mjs", target], undefined, 60_000), writing]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain("integrity ok");
    expect(result.stdout).toContain("master.key separately");

    const snapshot = new Database(path.join(target, "cadesk.db"), { readonly: true });
    expect(snapshot.pragma("integrity_check", { simple: true })).toBe("ok");
    // One moment's state: the CA, and whole certificates only (between none and all of the 40).
    expect((snapshot.prepare(`SELECT count(*) AS n FROM "Authority" WHERE id = ?`).get(ca.id) as { n: number }).n).toBe(1);
    const rows = snapshot.prepare(`SELECT "certificatePem" FROM "Certificate" WHERE "authorityId" = ?`).all(ca.id) as {
      certificatePem: string;
    }[];
    expect(rows.length).toBeLessThanOrEqual(40);
    expect(rows.every((r) => r.certificatePem.trim().endsWith("-----END CERTIFICATE-----"))).toBe(true);
    snapshot.close();
    expect(await getDb().certificate.count({ where: { authorityId: ca.id } })).toBe(40);
  });
});
