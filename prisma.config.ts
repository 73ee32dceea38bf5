import { mkdirSync } from "node:fs";
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { defineConfig } from "prisma/config";
import { readConfig, sqlitePath, storeKind } from "./lib/config";
import { postgresMigrationAdapter } from "./lib/stores/postgres-migrate";

// One data model (prisma/schema.prisma); PostgreSQL gets a generated copy with its provider
// (scripts/pg-schema.mjs) and its own migrations, chosen here from DATABASE_URL.
const { databaseUrl } = readConfig();
const postgres = storeKind(databaseUrl) === "postgresql";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: postgres ? "prisma/postgresql/schema.prisma" : "prisma/schema.prisma",
  migrations: { path: postgres ? "prisma/postgresql/migrations" : "prisma/migrations" },
  async adapter() {
    if (postgres) return postgresMigrationAdapter(databaseUrl);
    const file = sqlitePath(databaseUrl);
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    return new PrismaBetterSQLite3({ url: `file:${file}` });
  },
});
