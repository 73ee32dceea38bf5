// `npm start`: install what is missing, apply migrations, build, and serve the dashboard.
import { spawn } from "node:child_process";
import path from "node:path";
import { ensureBuild, ensureDependencies, ensurePrismaClient, log, migrate, nextBin, root } from "./lib.mjs";

// Everything the server writes (database, keys, tokens) is for the service account only.
process.umask(0o077);

try {
  ensureDependencies();
  ensurePrismaClient();
  const dataDir = path.resolve(root, process.env.CADESK_DATA_DIR || "data");
  const env = { ...process.env, CADESK_DATA_DIR: dataDir, NEXT_TELEMETRY_DISABLED: "1" };
  log(`Data directory: ${dataDir}`);
  migrate(env);
  ensureBuild();

  const port = process.env.PORT || "3000";
  let args = ["start", "-p", port];
  if (process.env.CADESK_TLS === "1") {
    // HTTPS: cadesk's own TLS front listens on PORT and forwards to Next on a loopback-only port.
    const internal = process.env.CADESK_INTERNAL_PORT || String(Number(port) + 10000);
    Object.assign(env, { CADESK_HTTPS_PORT: port, PORT: internal });
    args = ["start", "-p", internal, "-H", "127.0.0.1"];
    log(`Dashboard: https://localhost:${port} (certificate from cadesk's own CA)`);
  } else {
    log(`Dashboard: http://localhost:${port}`);
  }
  const server = spawn(nextBin(), args, { cwd: root, env, stdio: "inherit" });
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
  server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} catch (error) {
  console.error(`\n[cadesk] ${error.message}`);
  process.exit(error.exitCode ?? 1);
}
