// `npm test`: install what is missing (npm packages, Debian's Chromium, and the outside checks:
// openssl, Java keytool, Go, GnuTLS, NSS), then run lint and every suite, in two lanes side by side.
import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { startPostgres } from "./postgres-server.mjs";
import { buildIsStale, ensureDebianTools, ensureDependencies, ensurePrismaClient, log, nextBuild, root } from "./lib.mjs";
import { ensureNativeModules, runOnCadeskNode } from "./runtime.mjs";

const REQUIRED_TOOLS = [
  { command: "chromium", path: "/usr/bin/chromium", debian: "chromium", why: "the browser the e2e tests drive" },
  { command: "openssl", debian: "openssl", why: "checks certificates from outside" },
  { command: "curl", debian: "curl", why: "runs the curl snippets against a real server" },
  {
    command: "ca-certificates",
    path: "/usr/share/ca-certificates/mozilla",
    debian: "ca-certificates",
    why: "the Mozilla roots the text view is compared on",
  },
  { command: "keytool", debian: "default-jre-headless", why: "checks that Java reads our PKCS#12 files" },
  { command: "go", debian: "golang-go", why: "checks chains with Go's crypto/x509" },
  { command: "certtool", debian: "gnutls-bin", why: "checks chains with GnuTLS" },
  { command: "vfychain", debian: "libnss3-tools", why: "checks chains with NSS, Firefox's library" },
  { command: "testssl", debian: "testssl.sh", why: "audits the echo server's TLS configuration" },
  { command: "certbot", debian: "certbot", why: "ACME client: the set-ups, the e2e and the ACME server tests run it" },
  { command: "lego", debian: "lego", why: "ACME client: tls-alpn-01, dns-01, wildcards, IP addresses; the set-ups are checked with it" },
  { command: "caddy", debian: "caddy", why: "obtains a certificate over ACME on its own; checks the Caddyfile set-up" },
  { command: "pebble", debian: "pebble", why: "Let's Encrypt's test server, to check the ACME test clients" },
  { command: "postgres", path: "/usr/lib/postgresql", debian: "postgresql", why: "the store-independent suites run on PostgreSQL too" },
  { command: "nginx", path: "/usr/sbin/nginx", debian: "nginx", why: "the proxy in front of two instances (deploy/nginx/cadesk.conf)" },
  { command: "knotd", path: "/usr/sbin/knotd", debian: "knot", why: "a real DNS server for dns-01 (RFC 2136 updates)" },
  { command: "kdig", debian: "knot-dnsutils", why: "asks that DNS server whether it answers yet (lib/testing/knot.ts)" },
  {
    command: "python3-acme",
    path: "/usr/lib/python3/dist-packages/acme/client.py",
    debian: "python3-acme",
    why: "the scripted ACME client for protocol edge cases",
  },
  {
    command: "python3-requests",
    path: "/usr/lib/python3/dist-packages/requests/__init__.py",
    debian: "python3-requests",
    why: "runs the Python client snippet of certificate pages",
  },
  {
    command: "python3-yaml",
    path: "/usr/lib/python3/dist-packages/yaml",
    debian: "python3-yaml",
    why: "parses the Traefik and cert-manager set-ups",
  },
  { command: "softhsm2-util", debian: "softhsm2", why: "a PKCS#11 token for the CA keys kept in an HSM" },
  { command: "pkcs11-tool", debian: "opensc", why: "reads the token's key attributes from outside (sensitive, never extractable)" },
];

/** Where every step's report and captured output go (the README points there). */
const REPORTS = path.join(root, "e2e", ".artifacts");

/** The suites that do not depend on the store: npm test runs them on SQLite and on PostgreSQL. */
const POSTGRES_SUITES = [
  "lib/stores",
  "lib/services/issuance.test.ts",
  "lib/issuance/group-commit.test.ts",
  "lib/services/crl-paging.test.ts",
  "lib/services/ocsp-reuse.test.ts",
  "lib/services/lifecycle.test.ts",
  "lib/services/job-run.test.ts",
  "lib/services/notifications.test.ts",
  "lib/services/delivery-failover.test.ts",
  "lib/services/security.test.ts",
  "lib/services/oidc-sign-in.test.ts",
  "lib/services/ocsp.test.ts",
  "lib/services/authority.test.ts",
  "lib/services/hostile-input.test.ts",
  "lib/services/acme-admin.test.ts",
  "lib/services/key-delivery.test.ts",
  "lib/services/notification-channel-update.test.ts",
  "lib/data/certificate-history.test.ts",
  "lib/hsm/pkcs11.test.ts",
  "lib/services/bulk-certificates.test.ts",
  "lib/data/host-search.test.ts",
  "lib/data/authority-tree.test.ts",
  "lib/acme/ra.test.ts",
  "lib/policy/policy.test.ts",
  "lib/acme/edge-cases.test.ts",
  "lib/api",
];

/** Each failed Vitest test as "suite › file › name: first line of the message", so the run's last lines say what broke. */
function vitestFailures(label, report) {
  return (report?.testResults ?? []).flatMap((file) => {
    const where = path.relative(root, file.name);
    const failed = (file.assertionResults ?? []).filter((t) => t.status === "failed");
    if (failed.length === 0) return file.status === "failed" ? [`${label} › ${where}: ${firstLine(file.message)}`] : [];
    return failed.map((t) => `${label} › ${where} › ${t.fullName}: ${firstLine(t.failureMessages?.[0])}`);
  });
}

/** The same for Playwright's report (suites nest; a flaky test counts as failed, as the total does). */
function playwrightFailures(suite) {
  const own = (suite.specs ?? []).flatMap((spec) =>
    (spec.tests ?? [])
      .filter((test) => test.status !== "expected" && test.status !== "skipped")
      .map((test) => {
        const result = test.results?.find((r) => r.status !== "passed") ?? test.results?.[0];
        return `e2e › ${spec.file}:${spec.line} › ${spec.title} (${test.status}): ${firstLine(result?.error?.message)}`;
      }),
  );
  return [...own, ...(suite.suites ?? []).flatMap(playwrightFailures)];
}

function firstLine(message) {
  // Vitest and Playwright colour their messages; a log tail reads better without the escapes.
  const plain = String(message ?? "no message").replace(/\u001b\[[0-9;]*m/g, "");
  return (
    plain
      .split("\n")
      .find((line) => line.trim())
      ?.trim()
      .slice(0, 300) ?? "no message"
  );
}

/**
 * Starts a step without waiting for it. The machine has two cores and no suite keeps both busy,
 * so two steps run side by side; all but one send their output to `capture`, printed when the step
 * ends, so the two never interleave their lines.
 */
function start(label, command, args, { env = process.env, capture } = {}) {
  const started = Date.now();
  const out = capture ? openSync(capture, "w") : undefined;
  const child = spawn(command, args, { cwd: root, env, stdio: out === undefined ? "inherit" : ["ignore", out, out] });
  return new Promise((resolve) => {
    let done = false;
    const finish = (status) => {
      if (done) return;
      done = true;
      if (out !== undefined) {
        closeSync(out);
        log(`${label}: output`);
        process.stdout.write(readFileSync(capture));
      }
      const seconds = Math.round((Date.now() - started) / 1000);
      log(`${label}: ${status === 0 ? "done" : `exited with ${status}`} in ${seconds} s`);
      resolve({ status });
    };
    child.on("error", (error) => {
      console.error(`[cadesk] ${label}: ${error.message}`);
      finish(1);
    });
    child.on("close", (status) => finish(status ?? 1));
  });
}

/**
 * Runs the steps two at a time: each free lane takes the first waiting step whose `needs` step
 * has ended. A step whose need failed does not run, and takes the need's status. Resolves to each
 * step's { status } by name.
 */
async function runInTwoLanes(steps) {
  const results = {};
  const running = new Set();
  const waiting = [...steps];
  const lane = async () => {
    while (waiting.length > 0) {
      const index = waiting.findIndex((step) => !step.needs || step.needs in results);
      if (index < 0) {
        if (running.size === 0)
          throw new Error(`no step can start: ${waiting.map((step) => `${step.name} needs ${step.needs}`).join(", ")}`);
        await Promise.race(running);
        continue;
      }
      const [step] = waiting.splice(index, 1);
      const status = step.needs ? results[step.needs].status : 0;
      const run =
        status !== 0 || step.skip
          ? Promise.resolve({ status })
          : start(step.label, step.command, step.args, {
              env: step.env,
              capture: step.terminal ? undefined : path.join(REPORTS, `${step.capture}.log`),
            });
      const ended = run.then((result) => {
        results[step.name] = result;
        running.delete(ended);
      });
      running.add(ended);
      await ended;
    }
  };
  await Promise.all([lane(), lane()]);
  return results;
}

const vitest = path.join(root, "node_modules/.bin/vitest");
const json = (file) => ["--reporter=default", "--reporter=json", `--outputFile.json=${file}`];

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

try {
  ensureDependencies();
  await runOnCadeskNode();
  ensureNativeModules();
  ensureDebianTools(REQUIRED_TOOLS, "npm test");
  ensurePrismaClient();

  rmSync(REPORTS, { recursive: true, force: true });
  mkdirSync(REPORTS, { recursive: true });
  const unitReport = path.join(REPORTS, "vitest.json");
  const e2eReport = path.join(REPORTS, "playwright.json");
  const pgReport = path.join(REPORTS, "vitest-postgresql.json");
  const instancesReport = path.join(REPORTS, "vitest-instances.json");
  const started = Date.now();

  // One real PostgreSQL for the whole run: the SQLite pass migrates a store into it
  // (CADESK_TEST_POSTGRES_TARGET), then the store-independent suites run on it. The instances
  // suite starts a fresh one of its own.
  const postgres = await startPostgres();
  const build = nextBuild();
  const playwright = path.join(root, "node_modules/.bin/playwright");
  let results;
  try {
    log("Two lanes side by side: the unit tests print here, every other step when it ends (also in e2e/.artifacts/*.log)…");
    // In this order each free lane takes the first step whose needs are met: the build first, as
    // the e2e suite, the longest after the unit tests, waits for it. Every suite picks free ports
    // and its own data dir (and PostgreSQL database), so any two can run side by side.
    results = await runInTwoLanes([
      {
        name: "unit",
        label: "Unit and integration tests (vitest)",
        command: vitest,
        args: ["run", ...json(unitReport)],
        env: { ...process.env, CADESK_TEST_POSTGRES_TARGET: postgres.admin },
        terminal: true,
      },
      { name: "build", label: "Building the dashboard (next build)", ...build, skip: !buildIsStale(), capture: "next-build" },
      {
        name: "e2e",
        label: "End-to-end tests (Playwright + Chromium)",
        needs: "build",
        command: playwright,
        args: ["test"],
        env: { ...process.env, PLAYWRIGHT_JSON: e2eReport },
        capture: "playwright",
      },
      {
        name: "pgUnit",
        label: "The store-independent suites again, on a real PostgreSQL",
        command: vitest,
        args: ["run", ...POSTGRES_SUITES, ...json(pgReport)],
        env: { ...process.env, CADESK_TEST_POSTGRES: postgres.admin },
        capture: "vitest-postgresql",
      },
      {
        name: "instances",
        label: "Several instances on one PostgreSQL, behind nginx",
        needs: "build",
        command: vitest,
        args: ["run", "--config", "scripts/instances/vitest.config.ts", ...json(instancesReport)],
        capture: "vitest-instances",
      },
      {
        name: "lint",
        label: "Lint (ESLint) and formatting (Prettier)",
        command: "npm",
        args: ["run", "--silent", "lint"],
        capture: "lint",
      },
    ]);
  } finally {
    postgres.stop();
  }
  const { lint, unit, pgUnit, build: built, e2e, instances } = results;
  if (built.status !== 0) log("next build failed (its output is above), so neither the e2e nor the instances suite ran");
  log(`All suites ran in ${Math.round((Date.now() - started) / 1000)} s`);

  const u = readJson(unitReport);
  const g = readJson(pgReport);
  const p = readJson(e2eReport);
  const m = readJson(instancesReport);
  const passed = (u?.numPassedTests ?? 0) + (g?.numPassedTests ?? 0) + (m?.numPassedTests ?? 0) + (p?.stats?.expected ?? 0);
  const failed =
    (u?.numFailedTests ?? 0) + (g?.numFailedTests ?? 0) + (m?.numFailedTests ?? 0) + (p?.stats?.unexpected ?? 0) + (p?.stats?.flaky ?? 0);
  const skipped = (u?.numPendingTests ?? 0) + (u?.numTodoTests ?? 0) + (g?.numPendingTests ?? 0) + (p?.stats?.skipped ?? 0);
  const broken =
    lint.status !== 0 || unit.status !== 0 || pgUnit.status !== 0 || instances.status !== 0 || e2e.status !== 0 || !u || !g || !m || !p;
  log(
    `unit: ${u ? `${u.numPassedTests} passed, ${u.numFailedTests} failed` : "no report"}; on PostgreSQL: ${g ? `${g.numPassedTests} passed, ${g.numFailedTests} failed` : "no report"}; instances: ${m ? `${m.numPassedTests} passed, ${m.numFailedTests} failed` : "no report"}; e2e: ${p ? `${p.stats.expected} passed, ${p.stats.unexpected} failed` : "no report"}`,
  );
  const failedTests = [
    ...vitestFailures("unit", u),
    ...vitestFailures("PostgreSQL", g),
    ...vitestFailures("instances", m),
    ...(p?.suites ?? []).flatMap(playwrightFailures),
  ];
  for (const line of failedTests) log(`failed: ${line}`);
  if (broken) log("Screenshots and traces of failures: e2e/.artifacts/results");
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
  process.exit(broken || failed > 0 ? 1 : 0);
} catch (error) {
  console.error(`\n[cadesk] ${error.message}`);
  process.exit(error.exitCode ?? 1);
}
