/** Types of scripts/postgres-server.mjs for TypeScript callers. */
export interface PostgresServer {
  /** The admin URL (database postgres). */
  admin: string;
  port: number;
  url(database: string): string;
  stop(): void;
}
export function postgresBin(): string | null;
export function startPostgres(): Promise<PostgresServer>;
