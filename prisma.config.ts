import { mkdirSync } from "node:fs";
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { defineConfig } from "prisma/config";
import { readConfig, sqlitePath } from "./lib/config";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  async adapter() {
    const file = sqlitePath(readConfig().databaseUrl);
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    return new PrismaBetterSQLite3({ url: `file:${file}` });
  },
});
