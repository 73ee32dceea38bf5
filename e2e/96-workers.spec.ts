import { expect, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { Agent } from "node:http";
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
 * Each worker accepts connections from the shared socket itself (the cluster's default,
 * SCHED_NONE), so which worker takes a new connection is up to the race between them: every answer
 * names its worker (X-Cadesk-Worker), and a request meant for one worker goes on a kept-alive
 * connection that worker was seen to accept (connectionOn: opened again until /healthz on it names
 * that worker, bounded), writes included. No timings are asserted.
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

/** A kept-alive connection that `worker` accepted: opened again until /healthz on it names that worker (bounded). */
async function connectionOn(worker: string): Promise<Agent> {
  for (let i = 0; i < 200; i++) {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    if ((await oneConnection(PORT, "GET", "/healthz", { agent })).worker === worker) return agent;
    agent.destroy();
  }
  throw new Error(`no connection of 200 reached worker ${worker}`);
}

/** One request answered by `worker` (on a connection it accepted; reads and writes alike). */
async function readOn(
  worker: string,
  method: string,
  route: string,
  body?: unknown,
  contentType?: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const agent = await connectionOn(worker);
  try {
    const auth: Record<string, string> = headers.Cookie || headers.Origin ? {} : { Authorization: `Bearer ${TOKEN}` };
    const answer = await oneConnection(PORT, method, route, { body, contentType, headers: { ...auth, ...headers }, agent });
    expect(answer.worker).toBe(worker);
    return answer;
  } finally {
    agent.destroy();
  }
}

const other = (worker: string) => (worker === "1" ? "2" : "1");

const csr = (dir: string, name: string) => readFileSync(opensslCsr(dir, name, { subject: `/CN=${name}.workers.test` }).out, "utf8");

/**
 * `clients` loops of POST /api/v1/certificates, each on a kept-alive connection of its own, half
 * of them accepted by each worker. A client whose connection breaks (a killed worker) goes on with
 * a new one, which the surviving worker accepts.
 */
async function burst(
  body: unknown,
  clients: number,
  keepGoing: (issued: number) => boolean,
  issued: (Issued & { worker: string })[] = [],
  onEach?: () => void,
): Promise<{ issued: (Issued & { worker: string })[]; failures: string[] }> {
  const failures: string[] = [];
  let sent = 0;
  const agents = await Promise.all(Array.from({ length: clients }, (_, c) => connectionOn(c % 2 ? "2" : "1")));
  await Promise.all(
    agents.map(async (agent) => {
      while (keepGoing(sent)) {
        sent++;
        try {
          const res = await oneConnection(PORT, "POST", "/api/v1/certificates", {
            body,
            headers: { Authorization: `Bearer ${TOKEN}` },
            agent,
          });
          // A body that arrived whole is a certificate the client holds.
          if (res.status === 201) issued.push({ ...res.json<Issued>(), worker: res.worker });
          else failures.push(`${res.status} ${res.body.toString("utf8")}`);
        } catch (error) {
          failures.push(`connection: ${(error as Error).message}`);
        }
        onEach?.();
      }
      agent.destroy();
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
  // Each worker accepts its own connections unless Node is told otherwise (the checks below hold either way).
  expect(logLines(server, "starting workers")[0]?.scheduling).toBe(process.env.NODE_CLUSTER_SCHED_POLICY === "rr" ? "rr" : "none");
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
  // openssl ocsp itself: HTTP/1.0, a connection per request, which the one-shot lane of whichever
  // worker accepts it answers (scripts/one-shot-lane.mjs); revoked every time, verified.
  for (let i = 0; i < 6; i++) {
    const ca = path.join(dataDir, "ca.pem");
    const said = execFileSync(
      "openssl",
      [
        "ocsp",
        "-issuer",
        ca,
        "-cert",
        path.join(dataDir, "ocsp.pem"),
        "-url",
        `http://127.0.0.1:${PORT}/ocsp/${caId}`,
        "-CAfile",
        ca,
        "-no_nonce",
      ],
      { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
    );
    expect(said).toMatch(/: revoked\n/);
  }

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
  for (const worker of ["1", "2"]) {
    const before = await readOn(worker, "POST", "/api/v1/certificates", { caId: subId, commonName: `before-${worker}.workers.test` });
    expect(before.status).toBe(201);
  }
  expect((await call("POST", `/api/v1/cas/${subId}/revoke`, { reason: "keyCompromise" })).status).toBe(200);
  const refusedBy = new Set<string>();
  for (const worker of ["1", "2"]) {
    const after = await readOn(worker, "POST", "/api/v1/certificates", { caId: subId, commonName: `after-${worker}.workers.test` });
    expect(after.status).toBe(400);
    expect(after.json<{ error: { message: string } }>().error.message).toMatch(/was revoked/);
    refusedBy.add(after.worker);
  }
  expect(refusedBy).toEqual(new Set(["1", "2"]));
});

/** The sign-in page and form post on one connection `worker` accepted: which worker answered, the session cookie, the page. */
async function signIn(
  email: string,
  password: string,
  worker: string,
): Promise<{ status: number; worker: string; cookie: string | null; html: string }> {
  const agent = await connectionOn(worker);
  try {
    const page = (await oneConnection(PORT, "GET", "/sign-in", { agent })).body.toString("utf8");
    const encoded = new Request("http://localhost/", { method: "POST", body: signInForm(page, email, password) });
    const answer = await oneConnection(PORT, "POST", "/sign-in", {
      body: Buffer.from(await encoded.arrayBuffer()),
      contentType: encoded.headers.get("content-type")!,
      headers: { Origin: `http://127.0.0.1:${PORT}` },
      agent,
    });
    expect(answer.worker).toBe(worker);
    const cookie = sessionCookie(answer.headers["set-cookie"]);
    return { status: answer.status, worker: answer.worker, cookie, html: answer.body.toString("utf8") };
  } finally {
    agent.destroy();
  }
}

test("a browser session made on one worker is valid on the other, and failed sign-ins on both count together", async () => {
  test.setTimeout(180_000);
  const signedIn = await signIn(ADMIN.email, ADMIN.password, "1");
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
    // The attempts alternate between the workers.
    const answer = await signIn(email, `wrong-guess-${attempt}`, attempt % 2 ? "2" : "1");
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

/** Each worker's pid (the latest "worker ready" line per slot), by slot. */
function workerPids(): Map<string, number> {
  return new Map(logLines(server, "worker ready").map((l) => [String(l.worker), Number(l.pid)]));
}

/**
 * Which worker holds the server side of the loopback connection from `clientPort` to `serverPort`:
 * its socket's inode in /proc/net/tcp{,6}, found among each worker's open descriptors. (The echo
 * server's answer does not name its worker, and with SCHED_NONE the workers race for connections.)
 */
function workerHolding(serverPort: number, clientPort: number): string {
  const hex = (n: number) => n.toString(16).toUpperCase().padStart(4, "0");
  let inode = "";
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of readFileSync(table, "utf8").split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[1]?.endsWith(`:${hex(serverPort)}`) && f[2]?.endsWith(`:${hex(clientPort)}`)) inode = f[9]!;
    }
  }
  if (!inode || inode === "0") throw new Error(`no server socket for the connection from port ${clientPort}`);
  for (const [slot, pid] of workerPids()) {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`) return slot;
      } catch {
        // closed meanwhile
      }
    }
  }
  throw new Error(`no worker holds socket ${inode}`);
}

/** The certificate the echo server presents on a new connection, and the worker that accepted it. */
function echoServes(): Promise<{ serial: string; worker: string }> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: "127.0.0.1", port: ECHO_PORT, rejectUnauthorized: false, servername: "echo.workers.test" }, () => {
      try {
        const serial = socket.getPeerCertificate().serialNumber;
        resolve({ serial, worker: workerHolding(ECHO_PORT, socket.localPort!) });
      } catch (error) {
        reject(error);
      } finally {
        socket.destroy();
      }
    });
    socket.on("error", reject);
  });
}

test("echo server settings changed through one worker are served by both from the next handshake on", async () => {
  test.setTimeout(180_000);
  for (const name of ["echo-a", "echo-b"]) {
    const cert = await call("POST", "/api/v1/certificates", { caId, commonName: `${name}.workers.test`, profile: "server" });
    expect(cert.status).toBe(201);
    const { id, serialNumber } = cert.json<Issued>();
    const set = await call("PUT", "/api/v1/echo", { certificateId: id, clientCaIds: [], clientAuth: "none" });
    expect(set.status, set.body.toString()).toBe(200);
    // Both workers listen on the echo port: handshakes right after the change until each worker
    // has accepted three (bounded), and every one presents the new certificate.
    const serials = new Set<string>();
    const perWorker = new Map([
      ["1", 0],
      ["2", 0],
    ]);
    for (let i = 0; i < 200 && [...perWorker.values()].some((n) => n < 3); i++) {
      const { serial, worker } = await echoServes();
      serials.add(bare(serial));
      perWorker.set(worker, (perWorker.get(worker) ?? 0) + 1);
    }
    expect(
      [...perWorker.values()].every((n) => n >= 3),
      `handshakes per worker: ${[...perWorker]}`,
    ).toBe(true);
    expect(serials).toEqual(new Set([bare(serialNumber)]));
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
  // Three requests on connections each worker accepted (SCHED_NONE: the workers race for new ones).
  const agents = await Promise.all(["1", "1", "1", "2", "2", "2"].map((worker) => connectionOn(worker)));
  const inFlight = agents.map((agent) =>
    oneConnection(PORT, "POST", "/api/v1/certificates", { body, headers: { Authorization: `Bearer ${TOKEN}` }, agent }),
  );
  // All six are in the workers' hands: then stop.
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
