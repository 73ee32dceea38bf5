import { defineConfig, devices } from "@playwright/test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const port = Number(process.env.E2E_PORT ?? 3123);
// A fresh data dir per run: the e2e journey starts on a first-run dashboard.
const dataDir = process.env.E2E_DATA_DIR ?? mkdtempSync(path.join(tmpdir(), "cadesk-e2e-"));
process.env.E2E_DATA_DIR = dataDir;
const E2E_API_TOKEN = "e2e-token-not-secret";
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
    },
    stdout: "ignore",
    stderr: "pipe",
  },
});
