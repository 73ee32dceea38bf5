// Writes prisma/postgresql/schema.prisma from prisma/schema.prisma, the one source of the data
// model: Prisma fixes the provider per schema file, so PostgreSQL needs its own file (and its own
// generated client and migrations), but never its own model. `npm start`/`npm test` run this
// before `prisma generate`; a test checks the committed copy is current.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export function postgresSchema(source) {
  const generator = /generator client \{[^}]*\}/;
  const datasource = /datasource db \{[^}]*\}/;
  if (!generator.test(source) || !datasource.test(source)) throw new Error("prisma/schema.prisma lost its generator or datasource block");
  return (
    "// GENERATED from prisma/schema.prisma by scripts/pg-schema.mjs: edit that file, not this one.\n" +
    source
      .replace(
        generator,
        `generator client {\n  provider   = "prisma-client"\n  output     = "../../generated/prisma-pg"\n  engineType = "client"\n}`,
      )
      .replace(
        datasource,
        `datasource db {\n  provider = "postgresql"\n  url      = "postgresql://unused" // the pg adapter supplies the real location\n}`,
      )
  );
}

export const POSTGRES_SCHEMA = path.join(root, "prisma", "postgresql", "schema.prisma");

export function writePostgresSchema() {
  const text = postgresSchema(readFileSync(path.join(root, "prisma", "schema.prisma"), "utf8"));
  let current = "";
  try {
    current = readFileSync(POSTGRES_SCHEMA, "utf8");
  } catch {}
  if (current !== text) writeFileSync(POSTGRES_SCHEMA, text);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) writePostgresSchema();
