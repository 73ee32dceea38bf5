// `npm start`: install what is missing, apply migrations, build, and serve the dashboard.
import { spawn } from "node:child_process";
import path from "node:path";
import { otherInstance, refusal } from "./instance-lock.mjs";
import { ensureBuild, ensureDependencies, ensurePrismaClient, log, migrate, root, serverOpensslEnv } from "./lib.mjs";
import { ensureNativeModules, runOnCadeskNode } from "./runtime.mjs";

// Everything the server writes (database, keys, tokens) is for the service account only.
process.umask(0o077);

try {
  ensureDependencies();
  await runOnCadeskNode();
  ensureNativeModules();
  ensurePrismaClient();
  const dataDir = path.resolve(root, process.env.CADESK_DATA_DIR || "data");
  // Every core by default (scripts/cluster.mjs); CADESK_WORKERS=1 serves from one process.
  const env = { CADESK_WORKERS: "auto", ...serverOpensslEnv(), ...process.env, CADESK_DATA_DIR: dataDir, NEXT_TELEMETRY_DISABLED: "1" };
  log(`Data directory: ${dataDir}`);
  const other = otherInstance(env);
  if (other) throw Object.assign(new Error(refusal(other)), { exitCode: 1 });
  migrate(env);
  ensureBuild();

  const port = process.env.PORT || "3000";
  // scripts/serve.mjs: Next behind cadesk's own HTTP server (request logs, metrics, graceful shutdown).
  let args = ["scripts/serve.mjs", "--port", port];
  if (process.env.CADESK_TLS === "1") {
    // HTTPS: cadesk's own TLS front listens on PORT and forwards to Next on a loopback-only port.
    const internal = process.env.CADESK_INTERNAL_PORT || String(Number(port) + 10000);
    Object.assign(env, { CADESK_HTTPS_PORT: port, PORT: internal });
    args = ["scripts/serve.mjs", "--port", internal, "--host", "127.0.0.1"];
    log(`Dashboard: https://localhost:${port} (certificate from cadesk's own CA)`);
  } else {
    log(`Dashboard: http://localhost:${port}`);
  }
  const server = spawn(process.execPath, args, { cwd: root, env, stdio: "inherit" });
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
  server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} catch (error) {
  console.error(`\n[cadesk] ${error.message}`);
  process.exit(error.exitCode ?? 1);
}
