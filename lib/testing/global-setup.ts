/**
 * Vitest global setup: a fresh store migrated by `prisma migrate deploy`, the same path `npm start`
 * takes. By default a real SQLite file in a fresh data dir; with CADESK_TEST_POSTGRES (the admin URL
 * of a PostgreSQL server, as scripts/test.mjs starts one) a fresh database on that server, so the
 * store-independent suites run against both stores. Workers inherit the environment set here.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import "../pki/crypto-provider";
import { writeTestTlsCa } from "./tls-ca";

export default async function setup() {
  const dataDir = mkdtempSync(path.join(tmpdir(), "cadesk-unit-"));
  process.env.CADESK_DATA_DIR = dataDir;
  delete process.env.DATABASE_URL;
  delete process.env.CADESK_MASTER_KEY;
  process.env.CADESK_ECHO_PORT = "0"; // any free port
  // A TLS CA the workers trust (Node reads NODE_EXTRA_CA_CERTS at start), for test servers that
  // cadesk reaches over HTTPS as a client: the OpenID Connect provider (lib/testing/oidc-provider.ts).
  const tlsCaDir = path.join(dataDir, "test-tls-ca");
  process.env.NODE_EXTRA_CA_CERTS = (await writeTestTlsCa(tlsCaDir)).certFile;
  process.env.TEST_TLS_CA_DIR = tlsCaDir;
  const admin = process.env.CADESK_TEST_POSTGRES;
  let dropDatabase = async () => {};
  if (admin) {
    const database = `cadesk_test_${randomBytes(6).toString("hex")}`;
    const run = async (sql: string) => {
      const client = new pg.Client({ connectionString: admin });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    };
    await run(`CREATE DATABASE ${database}`);
    const url = new URL(admin);
    url.pathname = `/${database}`;
    process.env.DATABASE_URL = url.toString();
    dropDatabase = () => run(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  }
  execFileSync(path.resolve("node_modules/.bin/prisma"), ["migrate", "deploy"], { stdio: "pipe", env: process.env });
  return async () => {
    await dropDatabase();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
