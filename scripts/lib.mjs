// Helpers for `npm start` and `npm test`. Plain Node with no dependencies: they run before
// `npm install` has, on a machine that has only Node and npm.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

export const root = path.resolve(import.meta.dirname, "..");

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

export function ensurePrismaClient() {
  if (
    existsSync(path.join(root, "generated", "prisma", "client.ts")) &&
    newestMtime(["generated/prisma"]) >= newestMtime(["prisma/schema.prisma"])
  )
    return;
  log("Generating the Prisma client…");
  run(bin("prisma"), ["generate"]);
}

/** Creates the data dir (0700) and applies pending migrations to the SQLite file. */
export function migrate(env = process.env) {
  run(bin("prisma"), ["migrate", "deploy"], { env, stdio: ["ignore", "ignore", "inherit"] });
}

/** Builds when there is no build or a source file changed since the last one. */
export function ensureBuild() {
  const buildId = path.join(root, ".next", "BUILD_ID");
  const sources = ["app", "lib", "public", "prisma", "generated", "package.json", "next.config.js", "postcss.config.mjs", "tsconfig.json"];
  if (existsSync(buildId) && statSync(buildId).mtimeMs >= newestMtime(sources)) return;
  log("Building the dashboard (next build)…");
  run(bin("next"), ["build"], { env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
}

export const nextBin = () => bin("next");
