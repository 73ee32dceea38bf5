import { expect, test } from "@playwright/test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { discardOwnServer, oneConnection, preparedDataDir, startOwnServer, waitForHealth } from "./own-server";

/**
 * Operations against a second, real server process (scripts/serve.mjs on its own data dir):
 * health and readiness, metrics behind a token, request logs with ids, one instance per SQLite
 * file, and graceful shutdown that lets every request in flight finish.
 */
const PORT = Number(process.env.E2E_OPS_PORT ?? 3170);
const TOKEN = "ops-token-not-secret";
const METRICS_TOKEN = "metrics-only-token";

const start = (dataDir: string, port: number) =>
  startOwnServer(dataDir, port, {
    CADESK_API_TOKEN: TOKEN,
    CADESK_METRICS_TOKEN: METRICS_TOKEN,
    CADESK_SHUTDOWN_SECONDS: "20",
    CADESK_LOG_LEVEL: "debug", // "request received" lines tell the test when requests are in flight
  });

/** One request on its own connection (no keep-alive), so "in flight" means accepted by the server. */
const post = (port: number, route: string, body: unknown) =>
  oneConnection(port, "POST", route, { body, headers: { Authorization: `Bearer ${TOKEN}` } });

test("health, readiness, metrics, request ids, one instance per store, and a graceful shutdown", async () => {
  test.setTimeout(120_000);
  // `npm start` migrates before serving; so does this test (prepare-db applies migrations).
  const dataDir = preparedDataDir("cadesk-ops-");
  const server = start(dataDir, PORT);
  try {
    await waitForHealth(server, "the second server", 120);
    const base = `http://localhost:${PORT}`;

    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok" });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    const readiness = await ready.json();
    expect(readiness.status).toBe("ready");
    expect(readiness.checks.map((c: { name: string }) => c.name)).toEqual(["database", "migrations", "masterKey", "caKeys"]);
    expect(JSON.stringify(readiness)).not.toMatch(/BEGIN|PRIVATE|[0-9a-f]{64}/); // no secrets

    // A second instance on the same SQLite store is refused with a message naming the first.
    const second = start(dataDir, PORT + 2);
    expect(await second.exited).toBe(1);
    expect(second.out.join("\n")).toMatch(new RegExp(`Another cadesk \\(pid ${server.child.pid}, port ${PORT}`));

    // Issue something, then scrape: without a token 401, with the metrics token or an API token 200.
    const ca = await post(PORT, "/api/v1/cas", { commonName: "Ops Root" });
    expect(ca.status).toBe(201);
    const caId = ca.json<{ id: string }>().id;
    const leaf = await post(PORT, "/api/v1/certificates", { caId, commonName: "ops.internal", validityDays: 5 });
    expect(leaf.status).toBe(201);
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    const scraped = await fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get("content-type")).toContain("text/plain");
    const text = await scraped.text();
    expect(text).toMatch(/cadesk_http_request_duration_seconds_count\{route="\/api\/v1\/certificates",method="POST",status="201"\} 1/);
    expect(text).toMatch(/cadesk_certificates_expiring\{ca_id="[^"]+",ca="Ops Root",within="7d"\} 1/);
    expect(text).toContain(`cadesk_certificates_issued_total{ca_id="${caId}",profile="server",entry_point="api"} 1`);
    expect(text).toMatch(/cadesk_issuance_duration_seconds_count\{entry_point="api"\} 1/);
    expect(text).toContain("cadesk_crl_age_seconds");
    expect((await fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(200);

    // The audit log records the request id of what it records (the CA above came through a request
    // whose id the server made up; this one brings its own).
    const named = await fetch(`${base}/api/v1/cas`, {
      method: "POST",
      headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json", "X-Request-Id": "ops-create-ca-1" },
      body: JSON.stringify({ commonName: "Ops Second Root" }),
    });
    expect(named.status).toBe(201);
    const events = await (await fetch(`${base}/api/v1/audit?format=json`, { headers: { Authorization: `Bearer ${TOKEN}` } })).json();
    const created = (events as { action: string; objectLabel: string; requestId: string | null }[]).filter((e) => e.action === "ca.create");
    expect(created.find((e) => e.objectLabel === "Ops Second Root")?.requestId).toBe("ops-create-ca-1");
    expect(created.find((e) => e.objectLabel === "Ops Root")?.requestId).toMatch(/^[0-9a-f-]{36}$/);

    // Every request is one JSON log line with the request id the response carries.
    const probe = await fetch(`${base}/healthz`, { headers: { "X-Request-Id": "probe-123" } });
    expect(probe.headers.get("x-request-id")).toBe("probe-123");
    await expect.poll(() => server.out.some((l) => l.includes('"requestId":"probe-123"') && l.includes('"route":"/healthz"'))).toBe(true);

    // A connection's only OCSP request (the second: the first loads the route) goes through the
    // one-shot lane (scripts/one-shot-lane.mjs) with the same request id, log line and metrics.
    for (const id of ["ocsp-one-shot-0", "ocsp-one-shot-1"]) {
      const ocsp = await oneConnection(PORT, "POST", `/ocsp/${caId}`, {
        body: Buffer.from("not DER"),
        contentType: "application/ocsp-request",
        headers: { "X-Request-Id": id },
      });
      expect(ocsp.status).toBe(200);
      expect(ocsp.headers["x-request-id"]).toBe(id);
      expect(ocsp.headers["content-type"]).toBe("application/ocsp-response");
      expect(ocsp.headers["x-content-type-options"]).toBe("nosniff"); // next.config.js's headers
      expect(ocsp.body.toString("hex")).toBe("30030a0101"); // OCSPResponse, malformedRequest (RFC 6960 4.2.1)
      await expect.poll(() => server.out.some((l) => l.includes(`"requestId":"${id}"`) && l.includes('"route":"/ocsp/:id"'))).toBe(true);
    }
    const afterOcsp = await (await fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(afterOcsp).toMatch(/cadesk_http_request_duration_seconds_count\{route="\/ocsp\/:id",method="POST",status="200"\} 2/);

    // Graceful shutdown: slow requests (RSA-4096 key generation) are accepted, then SIGTERM: each
    // finishes with its certificate, the listener is closed to new connections, the process exits 0.
    const slow = Array.from({ length: 4 }, (_, i) =>
      post(PORT, "/api/v1/certificates", { caId, commonName: `slow-${i}.internal`, keyType: "rsa-4096" }),
    );
    const received = () => server.out.filter((l) => l.includes('"msg":"request received"') && l.includes("/api/v1/certificates")).length;
    // One certificate request came before (the 5-day leaf): wait until the four slow ones are in.
    await expect.poll(received, { timeout: 30_000 }).toBe(5);
    server.child.kill("SIGTERM");
    await expect.poll(() => server.out.some((l) => l.includes("shutting down"))).toBe(true);
    await expect(post(PORT, "/api/v1/certificates", { caId, commonName: "late.internal" })).rejects.toThrow(/ECONNREFUSED/);
    const results = await Promise.all(slow);
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    expect(await server.exited).toBe(0);
    expect(server.out.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
  } finally {
    await discardOwnServer(server, dataDir);
  }
});

test("a start that cannot work ends the process with its reason, instead of serving a dashboard that fails", async () => {
  test.setTimeout(60_000);
  // No migrations applied (serve.mjs run by hand instead of `npm start`): the store does not exist.
  const dataDir = mkdtempSync(path.join(tmpdir(), "cadesk-nostore-"));
  const server = start(dataDir, PORT + 4);
  try {
    expect(await server.exited).toBe(1);
    expect(server.out.join("\n")).toMatch(/\[cadesk\] The dashboard could not start: The database .* does not exist: run `npm start`/);
  } finally {
    await discardOwnServer(server, dataDir);
  }
});
