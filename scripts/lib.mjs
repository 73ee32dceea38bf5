// Helpers for `npm start` and `npm test`. Plain Node with no dependencies: they run before
// `npm install` has, on a machine that has only Node and npm.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { sqliteFile } from "./instance-lock.mjs";
import { writePostgresSchema } from "./pg-schema.mjs";

export const root = path.resolve(import.meta.dirname, "..");

/**
 * The environment a serving process starts with for one TLS 1.3 session ticket per handshake
 * (scripts/openssl-workers.cnf says why); Node reads OPENSSL_CONF only at start-up, so whoever
 * starts scripts/serve.mjs (npm start, the cluster's primary, the bench) sets it. An operator's own
 * OPENSSL_CONF wins.
 */
export function serverOpensslEnv(env = process.env) {
  return env.OPENSSL_CONF === undefined ? { OPENSSL_CONF: path.join(root, "scripts", "openssl-workers.cnf") } : {};
}

/**
 * `env` with the Node running this script first on PATH: the CLIs in node_modules/.bin (prisma,
 * next) start with `#!/usr/bin/env node`, and the native addons they load are built for this Node
 * (scripts/runtime.mjs), which a shell's own PATH may not put first.
 */
export function ownNodeEnv(env = process.env, node = process.execPath) {
  return { ...env, PATH: `${path.dirname(node)}${path.delimiter}${env.PATH ?? ""}` };
}

export function log(message) {
  console.log(`\x1b[36m[cadesk]\x1b[0m ${message}`);
}

export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    const error = new Error(`${command} ${args.join(" ")} exited with ${result.status ?? result.signal}`);
    error.exitCode = result.status ?? 1;
    throw error;
  }
  return result;
}

const bin = (name) => path.join(root, "node_modules", ".bin", name);

/** Newest modification time under the given paths (files or folders). */
function newestMtime(paths) {
  let newest = 0;
  const visit = (p) => {
    if (!existsSync(p)) return;
    const s = statSync(p);
    if (s.isDirectory()) {
      for (const entry of readdirSync(p)) if (entry !== "node_modules" && !entry.startsWith(".")) visit(path.join(p, entry));
    } else newest = Math.max(newest, s.mtimeMs);
  };
  paths.forEach((p) => visit(path.join(root, p)));
  return newest;
}

/**
 * Installs the Debian packages of the tools that are missing (`tools`: { command, path?, debian, why }),
 * as root or through passwordless sudo; otherwise says which command to run, then `rerun` again.
 */
export function ensureDebianTools(tools, rerun) {
  const has = (tool) => (tool.path ? existsSync(tool.path) : spawnSync("sh", ["-c", `command -v ${tool.command}`]).status === 0);
  const missing = tools.filter((t) => !has(t));
  if (missing.length === 0) return;
  const packages = missing.map((t) => t.debian);
  log(`Installing ${packages.join(", ")} (${missing.map((t) => t.why).join("; ")})…`);
  const asRoot = process.getuid?.() === 0;
  const sudo = asRoot ? [] : ["sudo", "-n"];
  if (!asRoot && spawnSync("sudo", ["-n", "true"]).status !== 0) {
    throw new Error(
      `Missing ${packages.join(", ")}: install them with \`sudo apt-get install -y ${packages.join(" ")}\` and run ${rerun} again.`,
    );
  }
  const apt = (args) =>
    run(sudo[0] ?? "apt-get", [...sudo.slice(1), ...(sudo.length ? ["apt-get"] : []), ...args], {
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
  apt(["update", "-qq"]);
  apt(["install", "-y", "-qq", "--no-install-recommends", ...packages]);
}

/**
 * Installs dependencies when node_modules is missing or older than the lock file. `npm install`
 * rather than `npm ci`: npm 11's ci refuses a lock file that lacks other platforms' optional
 * binaries (Next's SWC, Tailwind's oxide for macOS and Windows), and a registry that does not
 * serve those can never write them into the lock. install follows the lock all the same.
 */
export function ensureDependencies() {
  const marker = path.join(root, "node_modules", ".package-lock.json");
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(path.join(root, "package-lock.json")).mtimeMs) return;
  log("Installing dependencies (npm install)…");
  run("npm", ["install", "--no-audit", "--no-fund"]);
}

/** Generates the Prisma clients (SQLite, and PostgreSQL from its generated schema) when missing or older than the model. */
export function ensurePrismaClient() {
  writePostgresSchema();
  for (const [output, schema] of [
    ["generated/prisma", "prisma/schema.prisma"],
    ["generated/prisma-pg", "prisma/postgresql/schema.prisma"],
  ]) {
    if (existsSync(path.join(root, output, "client.ts")) && newestMtime([output]) >= newestMtime([schema])) continue;
    log(`Generating the Prisma client (${schema})…`);
    run(bin("prisma"), ["generate", "--schema", schema], { env: ownNodeEnv() });
  }
}

/**
 * Creates the data dir (0700) and applies pending migrations. A store that another process holds
 * locked (a long backup, a maintenance job) makes Prisma's migrate die with a WebAssembly stack
 * trace ("unknown variant `SocketTimeout`"): wait for the lock for a bounded time, then say in one
 * line what is wrong and what to do.
 */
export function migrate(env = process.env, { waitSeconds = 60 } = {}) {
  const deadline = Date.now() + waitSeconds * 1000;
  let told = false;
  for (;;) {
    const result = spawnSync(bin("prisma"), ["migrate", "deploy"], {
      cwd: root,
      env: ownNodeEnv(env),
      stdio: ["ignore", "ignore", "pipe"],
    });
    if (result.error) throw result.error;
    if (result.status === 0) return;
    const stderr = result.stderr.toString();
    if (!/SocketTimeout|database is locked|SQLITE_BUSY/i.test(stderr)) {
      process.stderr.write(stderr);
      const error = new Error(`prisma migrate deploy exited with ${result.status}: see the messages above.`);
      error.exitCode = result.status ?? 1;
      throw error;
    }
    const holder = lockHolder(env);
    if (Date.now() > deadline) {
      const error = new Error(
        `The database is locked by another process${holder}, and stayed locked for ${waitSeconds} s: wait for it to finish (a backup or maintenance job) or stop it, then start again.`,
      );
      error.exitCode = 1;
      throw error;
    }
    if (!told) log(`The database is locked by another process${holder}; waiting up to ${waitSeconds} s for it…`);
    told = true;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2000);
  }
}

/** " (cadesk pid N)" when the lock is held by a running instance that left its lock file. */
function lockHolder(env) {
  const file = sqliteFile(env);
  if (!file) return "";
  try {
    const other = JSON.parse(readFileSync(`${file}.instance`, "utf8"));
    return other?.pid ? ` (probably cadesk pid ${other.pid} on port ${other.port})` : "";
  } catch {
    return "";
  }
}

/** Whether .next is missing or older than a source it is built from. */
export function buildIsStale() {
  const buildId = path.join(root, ".next", "BUILD_ID");
  const sources = ["app", "lib", "public", "prisma", "generated", "package.json", "next.config.js", "postcss.config.mjs", "tsconfig.json"];
  return !existsSync(buildId) || statSync(buildId).mtimeMs < newestMtime(sources);
}

/** `next build` as the README's commands run it: the command, its arguments and its environment. */
export function nextBuild() {
  return { command: bin("next"), args: ["build"], env: ownNodeEnv({ ...process.env, NEXT_TELEMETRY_DISABLED: "1" }) };
}

/** Builds when there is no build or a source file changed since the last one. */
export function ensureBuild() {
  if (!buildIsStale()) return;
  log("Building the dashboard (next build)…");
  const { command, args, env } = nextBuild();
  run(command, args, { env });
}
