/**
 * The one data model (prisma/schema.prisma) and what each store's migrations build must not drift:
 * - the PostgreSQL schema file is the generated copy of the model (scripts/pg-schema.mjs);
 * - the tables and columns the migrations create in the store under test (SQLite by default,
 *   PostgreSQL in npm test's second pass) are exactly the model's.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { postgresSchema, POSTGRES_SCHEMA } from "../../scripts/pg-schema.mjs";
import { currentStore, getDb } from "../db";

const MODEL = readFileSync(path.resolve("prisma/schema.prisma"), "utf8");
const SCALARS = new Set(["String", "Int", "BigInt", "Boolean", "DateTime", "Float", "Decimal", "Bytes", "Json"]);

/** Model name -> its scalar columns, read from the schema text. */
function modelColumns(schema: string): Map<string, string[]> {
  const models = new Map<string, string[]>();
  for (const match of schema.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)) {
    const columns = match[2]!
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith("//") && !line.startsWith("@@"))
      .map((line) => line.split(/\s+/))
      .filter(([, type]) => type && SCALARS.has(type.replace(/[?[\]]/g, "")))
      .map(([name]) => name!);
    models.set(match[1]!, columns.sort());
  }
  return models;
}

async function storeColumns(table: string): Promise<string[]> {
  const db = getDb();
  const rows =
    currentStore() === "postgresql"
      ? await db.$queryRawUnsafe<{ name: string }[]>(
          `SELECT column_name::text AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`,
          table,
        )
      : await db.$queryRawUnsafe<{ name: string }[]>(`SELECT name FROM pragma_table_info(?)`, table);
  return rows.map((r) => r.name).sort();
}

describe("one data model for both stores", () => {
  it("prisma/postgresql/schema.prisma is the generated copy of prisma/schema.prisma", () => {
    expect(readFileSync(POSTGRES_SCHEMA, "utf8")).toBe(postgresSchema(MODEL));
  });

  it(`the migrations build exactly the model's tables and columns (${currentStore()})`, async () => {
    const models = modelColumns(MODEL);
    expect(models.size).toBeGreaterThan(10);
    for (const [model, columns] of models) {
      expect({ model, columns: await storeColumns(model) }).toEqual({ model, columns });
    }
  });
});
