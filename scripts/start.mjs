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
  log(`Dashboard: http://localhost:${port}`);
  const server = spawn(nextBin(), ["start", "-p", port], { cwd: root, env, stdio: "inherit" });
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
  server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} catch (error) {
  console.error(`\n[cadesk] ${error.message}`);
  process.exit(error.exitCode ?? 1);
}
