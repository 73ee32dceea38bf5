import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { opensslCsr } from "../lib/testing/openssl-pki";
import { storeRows, type Issued } from "./issued-store";
import { discardOwnServer, preparedDataDir, startOwnServer, waitForHealth, type OwnServer } from "./own-server";

/**
 * Issue #13's guarantees under load, against a real server process of its own (scripts/serve.mjs,
 * lean dispatch and group commit included) on its own data dir:
 * - 2,000 issuances from 16 concurrent clients: all answered 201, unique serials, every one stored
 *   with exactly one audit event;
 * - kill -9 in the middle of a burst, restart: every certificate a client received is in the store
 *   with its audit event, and no certificate row exists without one.
 * No timings are asserted (speed is bench/'s business).
 */
const PORT = Number(process.env.E2E_THROUGHPUT_PORT ?? 3180);
const TOKEN = "throughput-token-not-secret";
const BASE = `http://127.0.0.1:${PORT}`;

const start = (dataDir: string): OwnServer => startOwnServer(dataDir, PORT, { CADESK_API_TOKEN: TOKEN, CADESK_LOG_LEVEL: "warn" });
const waitUntilUp = (server: OwnServer) => waitForHealth(server, "the throughput server");

/** A CSR for name.throughput.test with its name in the SAN, keys as `newkey` says. */
function csr(dir: string, name: string, newkey: string[]): string {
  const subject = `/CN=${name}.throughput.test`;
  return readFileSync(
    opensslCsr(dir, name, { subject, newkey, extra: ["-addext", `subjectAltName=DNS:${name}.throughput.test`] }).out,
    "utf8",
  );
}

async function api(method: string, route: string, body?: unknown): Promise<Response> {
  return fetch(`${BASE}/api/v1${route}`, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
    body: body ? JSON.stringify(body) : undefined,
  });
}

test.describe.configure({ mode: "serial" });

test("2,000 issuances from 16 concurrent clients: unique serials, all stored, one audit event each", async () => {
  test.setTimeout(600_000);
  const dataDir = preparedDataDir("cadesk-throughput-");
  const server = start(dataDir);
  try {
    await waitUntilUp(server);
    const ca = await api("POST", "/cas", { commonName: "Throughput Root", keyType: "ecdsa-p256" });
    expect(ca.status).toBe(201);
    const caId = ((await ca.json()) as { id: string }).id;
    // Three kinds of request in the mix: a P-256 CSR, an RSA-2048 CSR, a generated P-256 key.
    const bodies = [
      { caId, csrPem: csr(dataDir, "p256", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]) },
      { caId, csrPem: csr(dataDir, "rsa", ["-newkey", "rsa:2048"]) },
      { caId, commonName: "gen.throughput.test", sans: { dns: ["gen.throughput.test"] }, keyType: "ecdsa-p256", keepPrivateKey: false },
    ];
    const TOTAL = 2000;
    const CLIENTS = 16;
    const issued: Issued[] = [];
    const failures: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (next < TOTAL) {
          const n = next++;
          const res = await api("POST", "/certificates", bodies[n % bodies.length]);
          if (res.status === 201) issued.push((await res.json()) as Issued);
          else failures.push(`${res.status} ${await res.text()}`);
        }
      }),
    );
    expect(failures).toEqual([]);
    expect(issued).toHaveLength(TOTAL);
    expect(new Set(issued.map((c) => c.serialNumber)).size).toBe(TOTAL);
    expect(new Set(issued.map((c) => c.id)).size).toBe(TOTAL);

    const { certificates, audits } = storeRows(dataDir, caId);
    expect(certificates).toHaveLength(TOTAL);
    const stored = new Map(certificates.map((c) => [c.id, c]));
    for (const c of issued) {
      expect(stored.get(c.id)?.serialHex).toBe(c.serialNumber);
      expect(stored.get(c.id)?.certificatePem).toBe(c.certificatePem);
    }
    expect(audits).toHaveLength(TOTAL);
    expect([...audits].sort()).toEqual(issued.map((c) => c.id).sort());
  } finally {
    await discardOwnServer(server, dataDir);
  }
});

test("kill -9 during a burst of issuances: after a restart every certificate a client received is stored", async () => {
  test.setTimeout(600_000);
  const dataDir = preparedDataDir("cadesk-crash-");
  let server = start(dataDir);
  try {
    await waitUntilUp(server);
    const ca = await api("POST", "/cas", { commonName: "Crash Root", keyType: "ecdsa-p256" });
    expect(ca.status).toBe(201);
    const caId = ((await ca.json()) as { id: string }).id;
    const body = { caId, csrPem: csr(dataDir, "crash", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]) };
    const received: Issued[] = [];
    let stop = false;
    let killed = false;
    const KILL_AFTER = 150;
    const clients = Array.from({ length: 16 }, async () => {
      while (!stop) {
        try {
          const res = await api("POST", "/certificates", body);
          // A body that arrived whole is a certificate the client holds: it must survive the crash.
          if (res.status === 201) received.push((await res.json()) as Issued);
        } catch {
          // The connection died with the server: this client got nothing for that request.
          if (killed) return;
        }
        if (received.length >= KILL_AFTER && !killed) {
          killed = true;
          server.child.kill("SIGKILL");
        }
      }
    });
    await server.exited;
    // Requests already on the wire fail now; let them, then stop the clients.
    await new Promise((r) => setTimeout(r, 500));
    stop = true;
    await Promise.all(clients);
    expect(received.length).toBeGreaterThanOrEqual(KILL_AFTER);

    server = start(dataDir);
    await waitUntilUp(server);
    for (const c of received) {
      const res = await api("GET", `/certificates/${c.id}`);
      expect(res.status, `certificate ${c.id} (serial ${c.serialNumber}) was returned before the crash`).toBe(200);
      expect(((await res.json()) as Issued).certificatePem).toBe(c.certificatePem);
    }
    // Certificate and audit event commit together: no row without its event, none the other way.
    const { certificates, audits } = storeRows(dataDir, caId);
    expect([...audits].sort()).toEqual(certificates.map((c) => c.id).sort());
    expect(certificates.length).toBeGreaterThanOrEqual(received.length);
  } finally {
    await discardOwnServer(server, dataDir);
  }
});
