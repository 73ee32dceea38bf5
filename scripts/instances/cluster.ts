/**
 * A real deployment in miniature for the multi-instance tests: a throw-away PostgreSQL
 * (scripts/postgres-server.mjs), migrations applied once as `npm start` does, and cadesk instances
 * (`node scripts/serve.mjs`, the production server, from the existing build) sharing it, each with
 * its own data dir and echo port and the same master key, API token and public URL, as several
 * hosts behind one load balancer would have. Beside them: a real SMTP server for their notices, and
 * `until` to wait for what the instances do in their own time.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { SMTPServer } from "smtp-server";
import { startPostgres } from "../postgres-server.mjs";

export const root = path.resolve(import.meta.dirname, "../..");

/** A free loopback port; with CADESK_TEST_PORT_BASE set, the next port of that block instead. */
let nextPort = Number(process.env.CADESK_TEST_PORT_BASE ?? 0);
export async function freePort(): Promise<number> {
  if (nextPort) return nextPort++;
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Instance {
  name: string;
  port: number;
  echoPort: number;
  url: string;
  process: ChildProcess;
  /** Every JSON line the instance logged. */
  lines: Record<string, unknown>[];
  exited: Promise<void>;
}

export interface Cluster {
  databaseUrl: string;
  token: string;
  admin: { email: string; password: string };
  publicUrl: string;
  instances: Instance[];
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  start(name: string): Promise<Instance>;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  /** CADESK_PUBLIC_URL of every instance (the load balancer's address). */
  publicUrl: string;
  /** PostgreSQL (the default) or one SQLite file (one instance only: bench/search.ts compares the stores). */
  store?: "postgresql" | "sqlite";
  env?: Record<string, string>;
}

async function waitReady(instance: Instance, deadlineMs = 180_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  let exited = false;
  let last = "";
  void instance.exited.then(() => (exited = true));
  for (;;) {
    if (exited) throw new Error(`${instance.name} exited before it was ready: ${JSON.stringify(instance.lines.slice(-5))}`);
    try {
      const response = await fetch(`${instance.url}/readyz`);
      if (response.ok) return;
      last = `${response.status} ${await response.text()}`;
    } catch {
      // not listening yet
    }
    if (Date.now() > until)
      throw new Error(`${instance.name} was not ready within ${deadlineMs / 1000} s: ${last} ${JSON.stringify(instance.lines.slice(-5))}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  if (!existsSync(path.join(root, ".next", "BUILD_ID"))) {
    throw new Error("No build: scripts/test.mjs builds before this suite (or run `npx next build`).");
  }
  const dirs: string[] = [];
  if (options.store === "sqlite") return sqliteCluster(options, dirs);
  const postgres = await startPostgres();
  const setup = new pg.Client({ connectionString: postgres.admin });
  await setup.connect();
  await setup.query("CREATE DATABASE cadesk");
  await setup.end();
  const databaseUrl = postgres.url("cadesk");
  const migrate = spawnSync(path.join(root, "node_modules/.bin/prisma"), ["migrate", "deploy"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    encoding: "utf8",
  });
  if (migrate.status !== 0) throw new Error(`prisma migrate deploy failed: ${migrate.stderr || migrate.stdout}`);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  return makeCluster(
    options,
    dirs,
    databaseUrl,
    (text, params) => pool.query(text, params).then((r) => r.rows),
    async () => {
      await pool.end();
      postgres.stop();
    },
  );
}

/** One SQLite file in its own data dir, migrated as `npm start` does. */
function sqliteCluster(options: ClusterOptions, dirs: string[]): Cluster {
  const dataDir = mkdtempSync(path.join(tmpdir(), "cadesk-sqlite-"));
  dirs.push(dataDir);
  const databaseUrl = `file:${path.join(dataDir, "cadesk.db")}`;
  const migrate = spawnSync(path.join(root, "node_modules/.bin/prisma"), ["migrate", "deploy"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    encoding: "utf8",
  });
  if (migrate.status !== 0) throw new Error(`prisma migrate deploy failed: ${migrate.stderr || migrate.stdout}`);
  return makeCluster(
    options,
    dirs,
    databaseUrl,
    async () => {
      throw new Error("sql() is for PostgreSQL; open the SQLite file with better-sqlite3");
    },
    async () => {},
  );
}

function makeCluster(
  options: ClusterOptions,
  dirs: string[],
  databaseUrl: string,
  query: (text: string, params: unknown[]) => Promise<unknown[]>,
  close: () => Promise<void>,
): Cluster {
  const admin = { email: "admin@instances.test", password: "load-Balanced-pw-7781" };
  const token = `cadesk_${randomBytes(24).toString("base64url")}`;
  const masterKey = randomBytes(32).toString("hex");
  const cluster: Cluster = {
    databaseUrl,
    token,
    admin,
    publicUrl: options.publicUrl,
    instances: [],
    async sql<T>(text: string, params: unknown[] = []) {
      return (await query(text, params)) as T[];
    },
    async start(name: string) {
      const dataDir = mkdtempSync(path.join(tmpdir(), `cadesk-${name}-`));
      dirs.push(dataDir);
      const port = await freePort();
      const echoPort = await freePort();
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        DATABASE_URL: databaseUrl,
        CADESK_DATA_DIR: dataDir,
        CADESK_MASTER_KEY: masterKey,
        CADESK_API_TOKEN: token,
        CADESK_ADMIN_EMAIL: admin.email,
        CADESK_ADMIN_PASSWORD: admin.password,
        CADESK_PUBLIC_URL: options.publicUrl,
        CADESK_ECHO_PORT: String(echoPort),
        CADESK_SCHEDULER_SECONDS: "5",
        CADESK_LOG_LEVEL: "info",
        CADESK_TRUSTED_PROXIES: "127.0.0.1", // nginx, in the proxy tests, runs on this host
        NEXT_TELEMETRY_DISABLED: "1",
        ...options.env,
      };
      delete env.CADESK_TLS;
      const child = spawn(process.execPath, ["scripts/serve.mjs", "--port", String(port), "--host", "127.0.0.1"], {
        cwd: root,
        env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      const instance: Instance = {
        name,
        port,
        echoPort,
        url: `http://127.0.0.1:${port}`,
        process: child,
        lines: [],
        exited: new Promise((resolve) => child.once("exit", () => resolve())),
      };
      let buffered = "";
      child.stdout!.on("data", (chunk: Buffer) => {
        buffered += chunk.toString();
        const parts = buffered.split("\n");
        buffered = parts.pop()!;
        for (const line of parts) {
          try {
            instance.lines.push(JSON.parse(line) as Record<string, unknown>);
          } catch {
            instance.lines.push({ text: line });
          }
        }
      });
      child.stderr!.on("data", (chunk: Buffer) => instance.lines.push({ stderr: chunk.toString() }));
      cluster.instances.push(instance);
      await waitReady(instance);
      return instance;
    },
    async stop() {
      for (const instance of cluster.instances) {
        if (instance.process.exitCode === null && instance.process.signalCode === null) {
          instance.process.kill("SIGTERM");
          await Promise.race([instance.exited, new Promise((r) => setTimeout(r, 30_000))]);
          if (instance.process.exitCode === null) instance.process.kill("SIGKILL");
        }
      }
      await close();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    },
  };
  return cluster;
}

/** The JSON API of one instance, as a script would call it. */
export function api(base: string, token: string) {
  return async <T = Record<string, unknown>>(method: string, pathname: string, body?: unknown): Promise<{ status: number; json: T }> => {
    const response = await fetch(`${base}/api/v1${pathname}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: (text ? JSON.parse(text) : null) as T };
  };
}

/** Asks `probe` every 250 ms until it answers something truthy, and returns that; fails after `seconds`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, seconds = 90): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${seconds} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export interface MailServer {
  port: number;
  close(): Promise<void>;
}

/**
 * A real SMTP server on loopback (smtp-server; plain, no authentication) for the instances'
 * notices: each message, received whole, goes to `onMessage` with `answer`, which sends the 250
 * (a test may hold it back: the message is then delivered but not acknowledged).
 */
export async function startMailServer(onMessage: (raw: string, answer: () => void) => void): Promise<MailServer> {
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, _session, callback) {
      let raw = "";
      stream.on("data", (c) => (raw += c));
      stream.on("end", () => onMessage(raw, () => callback()));
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => smtp.listen(port, "127.0.0.1", resolve));
  return { port, close: () => new Promise<void>((resolve) => smtp.close(() => resolve())) };
}
