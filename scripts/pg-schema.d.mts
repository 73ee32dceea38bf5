// Types for pg-schema.mjs (plain JavaScript: it runs before dependencies are installed).
export function postgresSchema(source: string): string;
export const POSTGRES_SCHEMA: string;
export function writePostgresSchema(): void;
