import { expect, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { connect as tlsConnect } from "node:tls";
import path from "node:path";
import { opensslCsr } from "../lib/testing/openssl-pki";
import { sessionCookie, signInForm } from "../lib/testing/sign-in-form";
import { storeRows, type Issued } from "./issued-store";
import { discardOwnServer, oneConnection, preparedDataDir, startOwnServer, type Answer, type OwnServer } from "./own-server";

/**
 * CADESK_WORKERS=2 (issue #13, every core): one scripts/serve.mjs primary and two workers on one
 * SQLite file, real processes and sockets, no mocks:
 * - 2,000 issuances from 16 clients, answered by both workers: unique serials, each stored once
 *   with one audit event, and /metrics (merged by the primary) counts every one;
 * - what each worker keeps in memory stays true when the other changes the store: OCSP after a
 *   revocation, CRL numbers, a revoked intermediate's cached signer, the echo server's settings;
 * - kill -9 of one worker mid-burst: every certificate a client received is stored, the worker
 *   is replaced and logged, the other kept serving;
 * - SIGTERM: both workers finish what they accepted, the primary exits 0 and frees the store.
 * A request on a connection of its own (agent: false) is handed to the next worker in turn
 * (node:cluster's round robin), and every answer names its worker (X-Cadesk-Worker), so a check
 * "on the other worker" repeats a read until that worker answers it. No timings are asserted.
 */
// Beside the other specs' own servers (92: 3170, 94: 3180), below the ports cadesk's helpers and tests take from 3200 up.
const PORT = Number(process.env.E2E_WORKERS_PORT ?? 3190);
const ECHO_PORT = PORT + 1;
const TOKEN = "workers-token-not-secret";
const ADMIN = { email: "ops@workers.test", password: "correct horse battery 96" };

const start = (dataDir: string): OwnServer =>
  startOwnServer(dataDir, PORT, {
    CADESK_WORKERS: "2",
    CADESK_API_TOKEN: TOKEN,
    CADESK_ADMIN_EMAIL: ADMIN.email,
    CADESK_ADMIN_PASSWORD: ADMIN.password,
    // debug: "request received" lines say when a request is in a worker's hands (the SIGTERM test).
    CADESK_LOG_LEVEL: "debug",
  });

/** The primary's JSON log lines with `msg` (workers ready, died, stopped). */
function logLines(server: OwnServer, msg: string): Record<string, unknown>[] {
  return server.out
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.msg === msg);
}

/** Up when both workers have said they are ready (the primary logs it at level info, so ask /healthz of each). */
async function waitUntilUp(server: OwnServer): Promise<void> {
  const seen = new Set<string>();
  for (let i = 0; i < 480 && seen.size < 2; i++) {
    try {
      seen.add((await call("GET", "/healthz")).worker);
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  if (seen.size < 2) throw new Error(`the workers did not both answer:\n${server.out.join("\n")}`);
}

/** One request on a connection of its own, so the primary hands it to the next worker; the API token unless a cookie or Origin is sent. */
function call(
  method: string,
  route: string,
  body?: unknown,
  contentType = "application/json",
  extraHeaders: Record<string, string> = {},
): Promise<Answer> {
  const auth: Record<string, string> = extraHeaders.Cookie || extraHeaders.Origin ? {} : { Authorization: `Bearer ${TOKEN}` };
  return oneConnection(PORT, method, route, { body, contentType, headers: { ...auth, ...extraHeaders } });
}

/** A read repeated until `worker` answers it (reads only: a write must not be repeated). */
async function readOn(
  worker: string,
  method: string,
  route: string,
  body?: unknown,
  contentType?: string,
  headers?: Record<string, string>,
): Promise<Answer> {
  for (let i = 0; i < 40; i++) {
    const answer = await call(method, route, body, contentType, headers);
    if (answer.worker === worker) return answer;
  }
  throw new Error(`worker ${worker} never answered ${method} ${route}`);
}

const other = (worker: string) => (worker === "1" ? "2" : "1");

const csr = (dir: string, name: string) => readFileSync(opensslCsr(dir, name, { subject: `/CN=${name}.workers.test` }).out, "utf8");

/** `clients` loops of POST /api/v1/certificates with keep-alive (undici's pool spreads them over both workers). */
async function burst(
  body: unknown,
  clients: number,
  keepGoing: (issued: number) => boolean,
  issued: (Issued & { worker: string })[] = [],
  onEach?: () => void,
): Promise<{ issued: (Issued & { worker: string })[]; failures: string[] }> {
  const failures: string[] = [];
  let sent = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (keepGoing(sent)) {
        sent++;
        try {
          const res = await fetch(`http://127.0.0.1:${PORT}/api/v1/certificates`, {
            method: "POST",
            headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
            body: JSON.stringify(body),
          });
          // A body that arrived whole is a certificate the client holds.
          if (res.status === 201) issued.push({ ...((await res.json()) as Issued), worker: res.headers.get("x-cadesk-worker") ?? "" });
          else failures.push(`${res.status} ${await res.text()}`);
        } catch (error) {
          failures.push(`connection: ${(error as Error).message}`);
        }
        onEach?.();
      }
    }),
  );
  return { issued, failures };
}

test.describe.configure({ mode: "serial" });

let dataDir: string;
let server: OwnServer;
let caId: string;
let caPem: string;

test.beforeAll(async () => {
  test.setTimeout(300_000);
  dataDir = preparedDataDir("cadesk-workers-");
  server = start(dataDir);
  await waitUntilUp(server);
  const ca = await call("POST", "/api/v1/cas", { commonName: "Workers Root", keyType: "ecdsa-p256" });
  expect(ca.status).toBe(201);
  caId = ca.json<{ id: string }>().id;
  caPem = ca.json<{ certificatePem: string }>().certificatePem;
  writeFileSync(path.join(dataDir, "ca.pem"), caPem);
});

test.afterAll(async () => {
  await discardOwnServer(server, dataDir);
});

test("2,000 issuances from 16 clients over both workers: unique serials, each stored once with one audit event, all counted in /metrics", async () => {
  test.setTimeout(600_000);
  const TOTAL = 2000;
  // One certificate that expires within 7 days: the store's gauge must say 1 (not 1 per worker).
  expect((await call("POST", "/api/v1/certificates", { caId, commonName: "soon.workers.test", validityDays: 5 })).status).toBe(201);
  const body = { caId, csrPem: csr(dataDir, "burst") };
  const { issued, failures } = await burst(body, 16, (n) => n < TOTAL);
  expect(failures).toEqual([]);
  expect(issued).toHaveLength(TOTAL);
  // Both workers took part.
  expect(new Set(issued.map((c) => c.worker))).toEqual(new Set(["1", "2"]));
  expect(new Set(issued.map((c) => c.serialNumber)).size).toBe(TOTAL);
  const { certificates, audits } = storeRows(dataDir, caId);
  expect(certificates).toHaveLength(TOTAL + 1);
  const stored = new Map(certificates.map((c) => [c.id, c]));
  for (const c of issued) {
    expect(stored.get(c.id)?.serialHex).toBe(c.serialNumber);
    expect(stored.get(c.id)?.certificatePem).toBe(c.certificatePem);
  }
  expect(audits).toHaveLength(TOTAL + 1);
  expect(issued.every((c) => audits.includes(c.id))).toBe(true);

  // /metrics answered by either worker counts both workers' requests (the primary merges them),
  // and the store's gauges once (not once per worker).
  for (const worker of ["1", "2"]) {
    const text = (await readOn(worker, "GET", "/metrics")).body.toString("utf8");
    // serve.mjs times every request in each worker; the primary sums the workers' histograms.
    const counted =
      /^cadesk_http_request_duration_seconds_count\{route="\/api\/v1\/certificates",method="POST",status="201"\} (\d+)$/m.exec(text);
    expect(Number(counted?.[1])).toBe(TOTAL + 1);
    expect(text).toMatch(new RegExp(`^cadesk_certificates_expiring\\{ca_id="${caId}",ca="Workers Root",within="7d"\\} 1$`, "m"));
    expect(text.match(/^# TYPE cadesk_certificates_expiring gauge$/gm)).toHaveLength(1);
  }
  // Health and readiness on each worker.
  for (const worker of ["1", "2"]) {
    expect((await readOn(worker, "GET", "/healthz")).status).toBe(200);
    const ready = await readOn(worker, "GET", "/readyz");
    expect(ready.status).toBe(200);
    expect(ready.json<{ status: string }>().status).toBe("ready");
  }
});

/** The OCSP answer for `pem` from `worker`, as openssl reads it ("good", "revoked"), verified against the CA. */
async function ocspStatus(worker: string, name: string, pem: string): Promise<string> {
  const leaf = path.join(dataDir, `${name}.pem`);
  const req = path.join(dataDir, `${name}.ocsp-req`);
  const resp = path.join(dataDir, `${name}-${worker}-${Date.now()}.ocsp-resp`);
  writeFileSync(leaf, pem);
  const ca = path.join(dataDir, "ca.pem");
  execFileSync("openssl", ["ocsp", "-issuer", ca, "-cert", leaf, "-no_nonce", "-reqout", req], { stdio: "ignore" });
  const answer = await readOn(worker, "POST", `/ocsp/${caId}`, readFileSync(req), "application/ocsp-request");
  expect(answer.status).toBe(200);
  writeFileSync(resp, answer.body);
  const text = execFileSync("openssl", ["ocsp", "-issuer", ca, "-cert", leaf, "-respin", resp, "-CAfile", ca], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  return /: (good|revoked|unknown)/.exec(text)?.[1] ?? text;
}

async function crlNumber(worker: string): Promise<{ number: bigint; serials: string[] }> {
  const answer = await readOn(worker, "GET", `/crl/${caId}`);
  expect(answer.status).toBe(200);
  const file = path.join(dataDir, `crl-${worker}-${Date.now()}.der`);
  writeFileSync(file, answer.body);
  const text = execFileSync("openssl", ["crl", "-inform", "DER", "-in", file, "-noout", "-text"], { encoding: "utf8" });
  const number = /X509v3 CRL Number:\s*\n\s*(\S+)/.exec(text)![1]!;
  const serials = [...text.matchAll(/Serial Number: ([0-9A-F]+)/gi)].map((m) => m[1]!.toLowerCase().replace(/^0+/, ""));
  return { number: BigInt(number.startsWith("0x") ? number : `0x${number}`), serials };
}

const bare = (serial: string) =>
  serial
    .toLowerCase()
    .replace(/[^0-9a-f]/g, "")
    .replace(/^0+/, "");

test("what a worker caches stays true when the other one changes the store: OCSP, CRL numbers, a revoked CA's signer", async () => {
  test.setTimeout(300_000);
  // OCSP: both workers answer good (and keep that signed answer for reuse); revoked on one, the
  // other answers revoked at once (the status is read per request, openssl verifies the answer).
  const leaf = await call("POST", "/api/v1/certificates", { caId, commonName: "ocsp.workers.test" });
  expect(leaf.status).toBe(201);
  const { id, certificatePem } = leaf.json<Issued>();
  expect(await ocspStatus("1", "ocsp", certificatePem)).toBe("good");
  expect(await ocspStatus("2", "ocsp", certificatePem)).toBe("good");
  const revoked = await call("POST", `/api/v1/certificates/${id}/revoke`, { reason: "keyCompromise" });
  expect(revoked.status).toBe(200);
  expect(await ocspStatus(other(revoked.worker), "ocsp", certificatePem)).toBe("revoked");
  expect(await ocspStatus(revoked.worker, "ocsp", certificatePem)).toBe("revoked");

  // CRL numbers rise strictly whichever worker signs, and the other worker serves the new CRL (its
  // in-memory copy is keyed by CRL number, read from the store per request).
  let previous = (await crlNumber("1")).number;
  expect((await crlNumber("2")).number).toBe(previous);
  for (let i = 0; i < 4; i++) {
    const cert = await call("POST", "/api/v1/certificates", { caId, commonName: `crl-${i}.workers.test` });
    const { id: certId, serialNumber } = cert.json<Issued>();
    const done = await call("POST", `/api/v1/certificates/${certId}/revoke`, { reason: "superseded" });
    expect(done.status).toBe(200);
    const crl = await crlNumber(other(done.worker));
    expect(crl.number).toBeGreaterThan(previous);
    expect(crl.serials).toContain(bare(serialNumber));
    expect((await crlNumber(done.worker)).number).toBe(crl.number);
    previous = crl.number;
  }

  // A revoked intermediate: both workers have just signed with it (its signer is cached in each);
  // revoked through one, neither signs with it again.
  const sub = await call("POST", "/api/v1/cas", { commonName: "Workers Sub", keyType: "ecdsa-p256", parentId: caId });
  expect(sub.status).toBe(201);
  const subId = sub.json<{ id: string }>().id;
  const signedBy = new Set<string>();
  for (let i = 0; signedBy.size < 2 && i < 20; i++) {
    const before = await call("POST", "/api/v1/certificates", { caId: subId, commonName: `before-${i}.workers.test` });
    expect(before.status).toBe(201);
    signedBy.add(before.worker);
  }
  expect(signedBy).toEqual(new Set(["1", "2"]));
  expect((await call("POST", `/api/v1/cas/${subId}/revoke`, { reason: "keyCompromise" })).status).toBe(200);
  const refusedBy = new Set<string>();
  for (let i = 0; refusedBy.size < 2 && i < 20; i++) {
    const after = await call("POST", "/api/v1/certificates", { caId: subId, commonName: `after-${i}.workers.test` });
    expect(after.status).toBe(400);
    expect(after.json<{ error: { message: string } }>().error.message).toMatch(/was revoked/);
    refusedBy.add(after.worker);
  }
  expect(refusedBy).toEqual(new Set(["1", "2"]));
});

/** The sign-in form posted on a connection of its own: which worker answered, the session cookie, the page. */
async function signIn(email: string, password: string): Promise<{ status: number; worker: string; cookie: string | null; html: string }> {
  const page = (await call("GET", "/sign-in")).body.toString("utf8");
  const encoded = new Request("http://localhost/", { method: "POST", body: signInForm(page, email, password) });
  const answer = await call("POST", "/sign-in", Buffer.from(await encoded.arrayBuffer()), encoded.headers.get("content-type")!, {
    Origin: `http://127.0.0.1:${PORT}`,
  });
  const cookie = sessionCookie(answer.headers["set-cookie"]);
  return { status: answer.status, worker: answer.worker, cookie, html: answer.body.toString("utf8") };
}

test("a browser session made on one worker is valid on the other, and failed sign-ins on both count together", async () => {
  test.setTimeout(180_000);
  const signedIn = await signIn(ADMIN.email, ADMIN.password);
  expect(signedIn.status).toBe(303);
  expect(signedIn.cookie).toBeTruthy();
  const page = await readOn(other(signedIn.worker), "GET", "/certificates?q=ocsp.workers", undefined, undefined, {
    Cookie: signedIn.cookie!,
    Origin: `http://127.0.0.1:${PORT}`,
  });
  expect(page.status).toBe(200);
  expect(page.body.toString("utf8")).toContain("ocsp.workers.test");

  // Five failures per e-mail are free; a worker counting alone would refuse only after its own sixth.
  const email = "guesser@workers.test";
  const own = new Map<string, number>([
    ["1", 0],
    ["2", 0],
  ]);
  let refusedBy: string | null = null;
  for (let attempt = 0; attempt < 14 && !refusedBy; attempt++) {
    // signIn makes two connections (page, then post): one more on odd attempts moves the post to the other worker.
    if (attempt % 2) await call("GET", "/healthz");
    const answer = await signIn(email, `wrong-guess-${attempt}`);
    if (answer.html.includes("Too many failed sign-ins")) refusedBy = answer.worker;
    else {
      expect(answer.html).toContain("That e-mail and password do not match an account.");
      own.set(answer.worker, own.get(answer.worker)! + 1);
    }
  }
  expect(refusedBy).not.toBeNull();
  // The worker that refused had seen no more than the free five itself: it counted the other's too.
  expect(own.get(refusedBy!)).toBeLessThanOrEqual(5);
  expect(own.get("1")).toBeGreaterThan(0);
  expect(own.get("2")).toBeGreaterThan(0);
});

/** The certificate the echo server presents on a new connection (the primary hands each to a worker in turn). */
function echoServes(): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: "127.0.0.1", port: ECHO_PORT, rejectUnauthorized: false, servername: "echo.workers.test" }, () => {
      const serial = socket.getPeerCertificate().serialNumber;
      socket.destroy();
      resolve(serial);
    });
    socket.on("error", reject);
  });
}

test("echo server settings changed through one worker are served by both from the next handshake on", async () => {
  test.setTimeout(180_000);
  const serials: string[] = [];
  for (const name of ["echo-a", "echo-b"]) {
    const cert = await call("POST", "/api/v1/certificates", { caId, commonName: `${name}.workers.test`, profile: "server" });
    expect(cert.status).toBe(201);
    const { id, serialNumber } = cert.json<Issued>();
    const set = await call("PUT", "/api/v1/echo", { certificateId: id, clientCaIds: [], clientAuth: "none" });
    expect(set.status, set.body.toString()).toBe(200);
    // Both workers listen on the echo port: ten handshakes in a row (five per worker) all see the new certificate.
    for (let i = 0; i < 10; i++) serials.push(bare(await echoServes()));
    expect(new Set(serials.splice(0))).toEqual(new Set([bare(serialNumber)]));
  }
});

test("kill -9 of one worker during a burst: every certificate a client received is stored; the worker is replaced", async () => {
  test.setTimeout(600_000);
  const body = { caId, csrPem: csr(dataDir, "crash") };
  const ready = logLines(server, "worker ready");
  const victim = ready.findLast((l) => l.worker === 2)!;
  expect(victim?.pid).toBeGreaterThan(0);
  let killed = false;
  const KILL_AFTER = 150;
  const received: (Issued & { worker: string })[] = [];
  const { failures } = await burst(
    body,
    16,
    () => received.length < KILL_AFTER * 3,
    received,
    () => {
      if (!killed && received.length >= KILL_AFTER) {
        killed = true;
        process.kill(victim.pid as number, "SIGKILL");
      }
    },
  );
  expect(killed).toBe(true);
  // The burst went on through the other worker; what failed failed on the killed worker's connections.
  expect(received.length).toBeGreaterThanOrEqual(KILL_AFTER * 3);
  for (const failure of failures) expect(failure).toMatch(/^connection: /);
  const { certificates, audits } = storeRows(dataDir, caId);
  const stored = new Map(certificates.map((c) => [c.id, c]));
  for (const c of received) expect(stored.get(c.id)?.certificatePem, `certificate ${c.id} was returned`).toBe(c.certificatePem);
  // Certificate and audit event commit together: no row without its event.
  expect([...audits].sort()).toEqual(certificates.map((c) => c.id).sort());
  // The primary logged the death and started a new worker 2, which answers.
  await expect
    .poll(() => logLines(server, "worker died; starting a new one").some((l) => l.worker === 2 && l.pid === victim.pid))
    .toBe(true);
  await expect
    .poll(async () => (await call("GET", "/healthz").catch(() => null))?.worker, { timeout: 120_000, intervals: [250] })
    .toBe("2");
  expect(logLines(server, "worker ready").filter((l) => l.worker === 2).length).toBeGreaterThanOrEqual(2);
});

test("SIGTERM: both workers finish the requests they accepted, the primary exits 0 and frees the store", async () => {
  test.setTimeout(300_000);
  const body = { caId, commonName: "drain.workers.test", keyType: "rsa-3072" };
  const received = () =>
    server.out.filter((l) => l.includes('"msg":"request received"') && l.includes('"path":"/api/v1/certificates"')).length;
  const before = received();
  const inFlight = Array.from({ length: 6 }, () => call("POST", "/api/v1/certificates", body));
  // All six reached a worker (three each, round robin): then stop.
  await expect.poll(() => received() - before, { timeout: 60_000 }).toBe(6);
  server.child.kill("SIGTERM");
  const done = await Promise.all(inFlight);
  expect(done.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201]);
  expect(new Set(done.map((r) => r.worker))).toEqual(new Set(["1", "2"]));
  expect(await server.exited).toBe(0);
  expect(logLines(server, "stopped").length).toBeGreaterThanOrEqual(3);
  expect(existsSync(path.join(dataDir, "cadesk.db.instance"))).toBe(false);
  const { certificates } = storeRows(dataDir, caId);
  const ids = new Set(certificates.map((c) => c.id));
  for (const r of done) expect(ids.has(r.json<Issued>().id)).toBe(true);
});
