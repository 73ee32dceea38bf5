/**
 * Configuration from the environment, read in one place and documented in the README.
 * Kept free of Next and Prisma imports: prisma.config.ts and the start scripts use it too.
 */
import path from "node:path";

export interface Config {
  dataDir: string;
  databaseUrl: string;
  apiToken: string | undefined;
  masterKeyHex: string | undefined;
  /** Base URL clients reach cadesk's public endpoints at (CRLs, CA certificates), no trailing slash. */
  publicUrl: string;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Resolved at run time, relative to where the server starts; not a file the build should trace.
  const dataDir = path.resolve(/*turbopackIgnore: true*/ env.CADESK_DATA_DIR || "./data");
  return {
    dataDir,
    databaseUrl: env.DATABASE_URL || `file:${path.join(dataDir, "cadesk.db")}`,
    apiToken: env.CADESK_API_TOKEN || undefined,
    masterKeyHex: env.CADESK_MASTER_KEY || undefined,
    publicUrl: (
      env.CADESK_PUBLIC_URL ||
      (env.CADESK_TLS === "1" ? `https://localhost:${env.CADESK_HTTPS_PORT || env.PORT || 3000}` : `http://localhost:${env.PORT || 3000}`)
    ).replace(/\/+$/, ""),
  };
}

/** The SQLite file behind a `file:` URL; other URLs are a store cadesk does not run on yet. */
export function sqlitePath(databaseUrl: string): string {
  if (!databaseUrl.startsWith("file:")) {
    throw new Error(`DATABASE_URL "${databaseUrl.split(":")[0]}:..." is not supported yet: use a file: URL (SQLite).`);
  }
  return path.resolve(/*turbopackIgnore: true*/ databaseUrl.slice("file:".length));
}
