/**
 * The adapter `prisma migrate` uses on PostgreSQL. Prisma 6.19's adapter-pg needs two fixes for
 * migrate (measured here, see shared/notes/offline-facts.md):
 * - migrate reads the catalog, whose `name` (type 19) and `"char"` (18) columns the adapter cannot
 *   map ("Column type 'name' could not be deserialized", prisma/orm#27403): report them as text;
 * - `executeScript` splits a migration on every `;`, which breaks PL/pgSQL bodies such as the audit
 *   log's append-only trigger: send the whole script as one simple query instead (PostgreSQL runs
 *   a multi-statement simple query in one implicit transaction, so a failing migration leaves nothing).
 */
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";

const TEXT = 25;
const NAME = 19;
const CHAR = 18;

interface PgIO {
  performIO(query: unknown): Promise<{ fields: { dataTypeID: number }[] }>;
}

function patched(adapter: SqlDriverAdapter, pool: pg.Pool): SqlDriverAdapter {
  const io = adapter as unknown as PgIO;
  const performIO = io.performIO.bind(adapter);
  io.performIO = async (query) => {
    const result = await performIO(query);
    for (const field of result.fields) if (field.dataTypeID === NAME || field.dataTypeID === CHAR) field.dataTypeID = TEXT;
    return result;
  };
  adapter.executeScript = async (script: string) => {
    await pool.query(script);
  };
  return adapter;
}

export function postgresMigrationAdapter(url: string): SqlMigrationAwareDriverAdapterFactory {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const factory = new PrismaPg(pool, { disposeExternalPool: true });
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => patched(await factory.connect(), pool),
    connectToShadowDb: () => factory.connectToShadowDb(),
  };
}
