/**
 * The expiring list sorted by expiry (the inventory's "Expiring soon" view) walks the
 * (notAfter, status, expiringFrom, id) index on a SQLite store that has ANALYZE statistics (as
 * bench/search.ts's seeded store has): with them the planner used to take "expiringFrom <= now" to
 * its own index and sort every expiring row (125,000 at 1M rows: 0.7-1 s a page). The statement is
 * the one the inventory sends (inventoryStatements), planned on a scratch store built by the
 * migrations and filled as the bench fills its store, so the shared test store is left alone.
 */
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { currentStore } from "../db";
import { inventoryStatements, type InventoryOrder } from "./search";

const DAY = 86_400_000;
/** Rows as bench/search.ts seeds them: expiries spread over -20..380 days, expiringFrom 30 days before. */
const ROWS = 20_000;

describe.runIf(currentStore() === "sqlite")("SQLite: the expiring list by expiry with ANALYZE statistics", () => {
  const file = path.join(tmpdir(), `expiring-plan-${randomUUID()}.db`);

  async function plan(status: "expiring" | "valid", order: InventoryOrder): Promise<string> {
    const now = new Date();
    const { page, count } = await inventoryStatements({ status }, order, 0, 26, now);
    const db = new Database(file, { readonly: true });
    try {
      const bind = (values: unknown[]) => values.map((v) => (v instanceof Date ? v.toISOString().replace("Z", "+00:00") : v));
      const explain = (sql: string, values: unknown[]) =>
        (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...bind(values)) as { detail: string }[]).map((r) => r.detail).join("\n");
      return [explain(page.sql, page.values), typeof count === "number" ? "" : explain(count.sql, count.values)].join("\n");
    } finally {
      db.close();
    }
  }

  it("walks the expiry index for the page and the count, and never sorts the expiring rows", async () => {
    const dir = path.resolve("prisma/migrations");
    const db = new Database(file);
    try {
      for (const m of readdirSync(dir)
        .filter((d) => /^\d{4}_/.test(d))
        .sort())
        db.exec(readFileSync(path.join(dir, m, "migration.sql"), "utf8"));
      db.pragma("foreign_keys = OFF");
      const put = db.prepare(
        `INSERT INTO "Certificate" ("id", "authorityId", "serialHex", "commonName", "sans", "searchText", "profile", "keyType", "source", "subjectDn", "notBefore", "notAfter", "expiringFrom", "status", "certificatePem", "fingerprintSha256", "createdAt")
         VALUES (?, 'ca-1', ?, ?, '[]', ?, 'server', 'ecdsa-p256', 'csr', 'CN=x', ?, ?, ?, 'active', '-', '00', ?)`,
      );
      const iso = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");
      const now = Date.now();
      db.transaction(() => {
        for (let i = 0; i < ROWS; i++) {
          const notAfter = now + ((i % 400) - 20) * DAY;
          const name = `svc-${i}.plan.example`;
          put.run(
            `c-${i}`,
            i.toString(16),
            name,
            name,
            iso(notAfter - 90 * DAY),
            iso(notAfter),
            iso(notAfter - 30 * DAY),
            iso(now - i * 1000),
          );
        }
      })();
      db.exec("ANALYZE");
    } finally {
      db.close();
    }
    try {
      for (const status of ["expiring", "valid"] as const) {
        const details = await plan(status, "expiry");
        expect(details).toMatch(/Certificate_notAfter_status_expiringFrom_id_idx \(notAfter>\?\)/);
        expect(details).not.toMatch(/Certificate_expiringFrom_status_idx/);
        expect(details).not.toMatch(/USE TEMP B-TREE FOR ORDER BY/);
      }
    } finally {
      rmSync(file, { force: true });
    }
  });
});
