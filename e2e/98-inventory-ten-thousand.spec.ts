/**
 * The inventory past the count limit, as a person sees it: with more than 10,000 certificates the
 * list says "More than 10,000 certificates" (counting stops there: lib/stores/search.ts), pages
 * forward and back by Next / Previous, and a filter narrows it to an exact count again. The rows
 * go straight into the e2e server's SQLite store (copies of one issued certificate, in one
 * transaction: issuing 10,050 through the API would take minutes), so the store's own triggers
 * index them (FTS5 search text, CertificateName for the host filter) as they would any insert.
 */
import { randomUUID } from "node:crypto";
import path from "node:path";
import Database from "better-sqlite3";
import { expect, test, type Page } from "@playwright/test";
import { API_TOKEN, snapWidths } from "./helpers";

const auth = { Authorization: `Bearer ${API_TOKEN}` };
const stamp = Date.now();
const zone = `inv${stamp}.e2e.test`;
/** More than COUNT_LIMIT (10,000). */
const ROWS = 10_050;
const DAY = 86_400_000;
let ca: { id: string; commonName: string };

/** The text under the table: "More than 10,000 certificates · page 2 · export ..." or "111 certificates · page 1 of 5 ...". */
const pages = (page: Page) => page.getByRole("navigation", { name: "Pages" });
/** The Common Names in the table, top to bottom. */
async function names(page: Page): Promise<string[]> {
  return page.getByTestId("cn").evaluateAll((links) => links.map((l) => (l.textContent ?? "").trim()));
}

test.beforeAll(async ({ request }) => {
  const post = async (url: string, data: object) => {
    const response = await request.post(url, { headers: auth, data });
    expect(response.ok(), await response.text()).toBe(true);
    return response.json();
  };
  ca = await post("/api/v1/cas", { commonName: `Ten Thousand CA ${stamp}` });
  const template = await post("/api/v1/certificates", { caId: ca.id, commonName: `template.${zone}`, sans: { dns: [`template.${zone}`] } });

  const db = new Database(path.join(process.env.E2E_DATA_DIR!, "cadesk.db"));
  try {
    db.pragma("busy_timeout = 30000");
    const row = db.prepare(`SELECT * FROM "Certificate" WHERE id = ?`).get(template.id) as Record<string, unknown>;
    // Dates as the store holds them (Prisma's adapter writes numbers or ISO text).
    const date = (ms: number) => (typeof row.notAfter === "number" ? ms : new Date(ms).toISOString());
    const columns = Object.keys(row);
    const insert = db.prepare(
      `INSERT INTO "Certificate" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${columns.map((c) => `@${c}`).join(", ")})`,
    );
    const now = Date.now();
    db.transaction(() => {
      for (let i = 0; i < ROWS; i++) {
        const name = `inv-${i}.${zone}`;
        const serialHex = `98${i.toString(16).padStart(30, "0")}`;
        // Far from expiry, so no expiry notice is queued for them, newest first in order of i.
        const notAfter = now + 300 * DAY;
        insert.run({
          ...row,
          id: randomUUID(),
          commonName: name,
          subjectDn: `CN=${name}`,
          serialHex,
          sans: JSON.stringify([{ type: "dns", value: name }]),
          searchText: ` ${name} ${name} ${serialHex} `,
          encryptedKey: null,
          renewedFromId: null,
          notBefore: date(now - DAY),
          notAfter: date(notAfter),
          expiringFrom: date(notAfter - 30 * DAY),
          createdAt: date(now - 60_000 - i * 1000),
        });
      }
    })();
  } finally {
    db.close();
  }
});

test("more than 10,000 certificates: the list says so, pages forward and back, and a filter narrows it to an exact count", async ({
  page,
}) => {
  // The whole inventory and one CA's share of it: both past the count limit.
  await page.goto("/certificates");
  await expect(pages(page)).toContainText("More than 10,000 certificates · page 1");
  await page.goto(`/certificates?caId=${ca.id}`);
  await expect(pages(page)).toContainText("More than 10,000 certificates · page 1");
  // Newest first: the template issued last, then the copies in order.
  expect((await names(page)).slice(0, 3)).toEqual([`template.${zone}`, `inv-0.${zone}`, `inv-1.${zone}`]);
  await expect(pages(page).getByRole("link", { name: "Previous" })).toHaveCount(0);
  await snapWidths(page, "98-more-than-10000");

  await pages(page).getByRole("link", { name: "Next" }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(pages(page)).toContainText("More than 10,000 certificates · page 2");
  expect((await names(page)).slice(0, 2)).toEqual([`inv-24.${zone}`, `inv-25.${zone}`]);
  await pages(page).getByRole("link", { name: "Next" }).click();
  await expect(pages(page)).toContainText("page 3");
  expect((await names(page))[0]).toBe(`inv-49.${zone}`);
  await pages(page).getByRole("link", { name: "Previous" }).click();
  await expect(pages(page)).toContainText("More than 10,000 certificates · page 2");
  expect((await names(page))[0]).toBe(`inv-24.${zone}`);
  await pages(page).getByRole("link", { name: "Previous" }).click();
  await expect(pages(page)).toContainText("More than 10,000 certificates · page 1");
  expect((await names(page))[0]).toBe(`template.${zone}`);

  // A name fragment, typed into the form: inv-12, inv-120..129, inv-1200..1299 of this zone.
  await page.getByLabel("Search").fill(`inv-12`);
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/q=inv-12/);
  await expect(pages(page)).toContainText("111 certificates · page 1 of 5");
  const found = await names(page);
  expect(found).toHaveLength(25);
  expect(found.every((n) => /^inv-12\d*\./.test(n) && n.endsWith(zone))).toBe(true);
  await snapWidths(page, "98-narrowed");
  // Its last page holds the rest, and Next is gone.
  await page.goto(`/certificates?caId=${ca.id}&q=inv-12&page=5`);
  await expect(pages(page)).toContainText("111 certificates · page 5 of 5");
  expect(await names(page)).toHaveLength(11);
  await expect(pages(page).getByRole("link", { name: "Next" })).toHaveCount(0);

  // Covers host: a copy written by raw SQL is found through the names the store's trigger kept.
  await page.goto(`/certificates?host=inv-7777.${zone}`);
  await expect(pages(page)).toContainText("1 certificate");
  expect(await names(page)).toEqual([`inv-7777.${zone}`]);
});
