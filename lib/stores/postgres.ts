/**
 * The scale-out store: PostgreSQL through the engine-less `@prisma/adapter-pg` and `pg`. Its
 * client is generated from prisma/postgresql/schema.prisma, a copy of the one data model with
 * the PostgreSQL provider (scripts/pg-schema.mjs), so it has the same models and methods as the
 * SQLite client and the rest of the code uses one type for both.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import type { PrismaClient } from "@/generated/prisma/client";
import { PrismaClient as PostgresPrismaClient } from "@/generated/prisma-pg/client";
import { AppError } from "../errors";

/**
 * PostgreSQL text cannot hold NUL, and refuses it with "invalid byte sequence for encoding UTF8:
 * 0x00" (SQLSTATE 22021) where SQLite would just find nothing. Input validation keeps NUL out of
 * what is stored; a look-up by a hostile id still reaches the store, and gets the same 4xx here.
 */
function refusesNul(error: unknown): boolean {
  const text = String((error as { message?: string })?.message ?? "") + JSON.stringify((error as { cause?: unknown })?.cause ?? "");
  return /invalid byte sequence for encoding "?UTF8"?: 0x00|22021/.test(text);
}

export function createPostgresClient(databaseUrl: string): PrismaClient {
  const client = new PostgresPrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) }).$extends({
    query: {
      async $allOperations({ args, query }) {
        try {
          return await query(args);
        } catch (error) {
          if (refusesNul(error))
            throw new AppError("INVALID_INPUT", "The request contains a NUL character, which no name, id or text may hold.");
          throw error;
        }
      },
    },
  });
  return client as unknown as PrismaClient;
}
