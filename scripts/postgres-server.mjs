// A throw-away PostgreSQL server for tests: Debian's PostgreSQL 15 binaries, a cluster made with
// initdb in a temp dir, on a free port, run as the unprivileged `postgres` user (PostgreSQL refuses
// to run as root), stopped and removed by stop(). Plain JavaScript: scripts/test.mjs uses it.
import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

/** The newest installed PostgreSQL's bin directory, or null. */
export function postgresBin() {
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return null;
  const versions = readdirSync(base).filter((v) => existsSync(path.join(base, v, "bin", "initdb")));
  versions.sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(base, versions[0], "bin") : null;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function asPostgres(command, args) {
  const root = process.getuid?.() === 0;
  const result = root
    ? spawnSync("su", ["postgres", "-s", "/bin/sh", "-c", [command, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ")], {
        encoding: "utf8",
      })
    : spawnSync(command, args, { encoding: "utf8" });
  if (result.status !== 0)
    throw new Error(`${path.basename(command)} failed: ${(result.stderr || result.stdout || "").trim().slice(0, 500)}`);
  return result.stdout;
}

/** Starts a server; resolves to {url(database), admin, stop()}. */
export async function startPostgres() {
  const bin = postgresBin();
  if (!bin) throw new Error("PostgreSQL is not installed: apt-get install -y postgresql (npm test installs it).");
  const dir = mkdtempSync(path.join(tmpdir(), "cadesk-pg-"));
  if (process.getuid?.() === 0)
    chownSync(dir, Number(execFileSync("id", ["-u", "postgres"]).toString()), Number(execFileSync("id", ["-g", "postgres"]).toString()));
  const port = await freePort();
  asPostgres(path.join(bin, "initdb"), [
    "-D",
    path.join(dir, "data"),
    "-A",
    "trust",
    "-U",
    "postgres",
    "--no-sync",
    "-E",
    "UTF8",
    "--locale=C",
  ]);
  asPostgres(path.join(bin, "pg_ctl"), [
    "-D",
    path.join(dir, "data"),
    "-l",
    path.join(dir, "server.log"),
    "-w",
    "-o",
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
    "start",
  ]);
  const admin = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  return {
    admin,
    port,
    url: (database) => `postgresql://postgres@127.0.0.1:${port}/${database}`,
    stop() {
      try {
        asPostgres(path.join(bin, "pg_ctl"), ["-D", path.join(dir, "data"), "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
