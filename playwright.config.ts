import { defineConfig, devices } from "@playwright/test";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const port = Number(process.env.E2E_PORT ?? 3123);
// A fresh data dir per run: the e2e journey starts on a first-run dashboard.
const dataDir = process.env.E2E_DATA_DIR ?? mkdtempSync(path.join(tmpdir(), "cadesk-e2e-"));
process.env.E2E_DATA_DIR = dataDir;
const E2E_API_TOKEN = "e2e-token-not-secret";

// A SoftHSM2 token for the HSM-backed CAs of e2e/51-hsm.spec.ts, made once per run in the data dir
// when Debian's softhsm2 is installed (E2E_PKCS11=1); without it that spec skips and the rest run.
const SOFTHSM = "/usr/lib/softhsm/libsofthsm2.so";
if (process.env.E2E_PKCS11 === undefined) {
  const conf = path.join(dataDir, "softhsm2.conf");
  const available = existsSync(SOFTHSM) && spawnSync("softhsm2-util", ["--version"]).status === 0;
  if (available) {
    mkdirSync(path.join(dataDir, "tokens"), { recursive: true });
    writeFileSync(conf, `directories.tokendir = ${path.join(dataDir, "tokens")}\nobjectstore.backend = file\nlog.level = ERROR\n`);
    const init = ["--init-token", "--free", "--label", "cadesk-e2e", "--pin", "e2e-pin-2468", "--so-pin", "e2e-so-1357"];
    spawnSync("softhsm2-util", init, { env: { ...process.env, SOFTHSM2_CONF: conf }, stdio: "ignore" });
  }
  process.env.E2E_PKCS11 = available ? "1" : "0";
  process.env.SOFTHSM2_CONF = conf;
}
const pkcs11Env: Record<string, string> =
  process.env.E2E_PKCS11 === "1"
    ? {
        SOFTHSM2_CONF: process.env.SOFTHSM2_CONF!,
        CADESK_PKCS11_MODULE: SOFTHSM,
        CADESK_PKCS11_TOKEN: "cadesk-e2e",
        CADESK_PKCS11_PIN: "e2e-pin-2468",
      }
    : {};
export const ADMIN_STATE = "e2e/.artifacts/admin-session.json";

const browser = {
  ...devices["Desktop Chrome"],
  viewport: { width: 1360, height: 900 },
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    // As root Chromium needs --no-sandbox; the rest keeps it off the (closed) network.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  },
};

export default defineConfig({
  testDir: "e2e",
  outputDir: "e2e/.artifacts/results",
  fullyParallel: false,
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  retries: 0,
  reporter: process.env.PLAYWRIGHT_JSON ? [["list"], ["json", { outputFile: process.env.PLAYWRIGHT_JSON }]] : [["list"]],
  use: {
    baseURL: `http://localhost:${port}`,
    acceptDownloads: true,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    // First run: claims the instance with the setup token and saves the admin's session for the rest.
    { name: "setup", testMatch: /0-setup\.spec\.ts/, use: { ...browser } },
    {
      name: "chromium",
      testIgnore: /0-setup\.spec\.ts/,
      dependencies: ["setup"],
      use: { ...browser, storageState: ADMIN_STATE },
    },
  ],
  webServer: {
    command: `node scripts/prepare-db.mjs && node scripts/serve.mjs --port ${port}`,
    url: `http://localhost:${port}/api/v1/openapi.json`,
    reuseExistingServer: false,
    timeout: 120_000,
    env: {
      CADESK_DATA_DIR: dataDir,
      CADESK_API_TOKEN: E2E_API_TOKEN,
      CADESK_ECHO_PORT: String(port + 1),
      // ACME http-01 validation connects here, where the e2e's certbot listens (e2e/20-acme.spec.ts).
      CADESK_ACME_HTTP_PORT: String(port + 2),
      NEXT_TELEMETRY_DISABLED: "1",
      CADESK_REAUTH_MINUTES: "60",
      // The e2e server runs as production does, a cluster of two workers (e2e/96-workers.spec.ts has the details).
      CADESK_WORKERS: process.env.CADESK_WORKERS ?? "2",
      ...pkcs11Env,
    },
    stdout: "ignore",
    stderr: "pipe",
  },
});
