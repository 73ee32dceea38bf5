// Applies migrations to the configured database (used by `npm run dev` and the e2e server).
import { ensurePrismaClient, migrate } from "./lib.mjs";
import { ensureNativeModules } from "./runtime.mjs";

process.umask(0o077);
ensureNativeModules();
ensurePrismaClient();
migrate();
