/**
 * Two cadesk instances on one PostgreSQL behave as one service (issue #14): each check goes
 * through the instances' real HTTP APIs, with real clients (openssl ocsp, curl, an SMTP server,
 * nginx in front with the shipped deploy/nginx/cadesk.conf). scripts/test.mjs runs this after the
 * build it already makes for the e2e suite: `npx vitest run --config scripts/instances/vitest.config.ts`.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { generateKeyPairSync, sign } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publicJwk } from "../../lib/acme/jws";
import { actionFields, sessionCookie, signInForm } from "../../lib/testing/sign-in-form";
import { api, freePort, root, startCluster, startMailServer, until, type Cluster, type Instance, type MailServer } from "./cluster";

let cluster: Cluster;
let a: Instance;
let b: Instance;
let caId: string;
let caPem: string;
const work = mkdtempSync(path.join(tmpdir(), "cadesk-instances-"));
let proxyHttpPort: number;
let proxyTlsPort: number;

const apiOf = (instance: Instance) => api(instance.url, cluster.token);

interface IssuedJson {
  id: string;
  serialNumber: string;
  certificatePem: string;
  privateKeyPem?: string;
}

async function issue(instance: Instance, commonName: string, extra: Record<string, unknown> = {}) {
  return apiOf(instance)<IssuedJson>("POST", "/certificates", {
    caId,
    profile: "server",
    commonName,
    sans: { dns: [commonName] },
    ...extra,
  });
}

/** `openssl ocsp` asking `url` about the leaf in `leafFile`, issued by the test CA (work/ca.pem), verifying the answer. */
function opensslOcsp(leafFile: string, url: string) {
  const caFile = path.join(work, "ca.pem");
  return spawnSync("openssl", ["ocsp", "-issuer", caFile, "-cert", leafFile, "-url", url, "-CAfile", caFile], { encoding: "utf8" });
}

beforeAll(async () => {
  proxyHttpPort = await freePort();
  proxyTlsPort = await freePort();
  cluster = await startCluster({ publicUrl: `https://localhost:${proxyTlsPort}` });
  // One after the other: the first creates the admin from CADESK_ADMIN_EMAIL, the second finds it.
  a = await cluster.start("a");
  b = await cluster.start("b");
  const ca = await apiOf(a)<{ id: string; certificatePem: string }>("POST", "/cas", {
    commonName: "Instances Test CA",
    keyType: "ecdsa-p256",
  });
  expect(ca.status).toBe(201);
  caId = ca.json.id;
  caPem = ca.json.certificatePem;
  writeFileSync(path.join(work, "ca.pem"), caPem);
}, 600_000);

afterAll(async () => {
  await cluster?.stop();
  rmSync(work, { recursive: true, force: true });
}, 120_000);

describe("issuance on both instances at once", () => {
  it("gives unique serials, stores each certificate once and writes one audit row per certificate", async () => {
    const jobs = Array.from({ length: 24 }, (_, i) => () => issue(i % 2 ? b : a, `burst-${i}.instances.test`));
    const results: Awaited<ReturnType<typeof issue>>[] = [];
    // Six requests in flight at a time, three per instance.
    for (let i = 0; i < jobs.length; i += 6) results.push(...(await Promise.all(jobs.slice(i, i + 6).map((j) => j()))));
    expect(results.map((r) => r.status)).toEqual(results.map(() => 201));
    const ids = results.map((r) => r.json.id);
    const serials = results.map((r) => r.json.serialNumber);
    expect(new Set(serials).size).toBe(24);
    const stored = await cluster.sql<{ id: string; serialHex: string }>(`SELECT id, "serialHex" FROM "Certificate" WHERE id = ANY($1)`, [
      ids,
    ]);
    expect(stored.map((r) => r.serialHex).sort()).toEqual([...serials].sort());
    const perName = await cluster.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM "Certificate" WHERE "commonName" LIKE 'burst-%.instances.test' GROUP BY "commonName" HAVING count(*) > 1`,
    );
    expect(perName).toEqual([]);
    const audit = await cluster.sql<{ objectId: string; n: number }>(
      `SELECT "objectId", count(*)::int AS n FROM "AuditEvent" WHERE action = 'certificate.issue' AND "objectId" = ANY($1) GROUP BY "objectId"`,
      [ids],
    );
    expect(audit).toHaveLength(24);
    expect(audit.every((r) => r.n === 1)).toBe(true);
  });
});

/** The CRL's number and revoked serials, as openssl reads them. */
async function crlFrom(instance: Instance): Promise<{ number: bigint; serials: string[] }> {
  const response = await fetch(`${instance.url}/crl/${caId}`);
  expect(response.status).toBe(200);
  const file = path.join(work, `crl-${Date.now()}-${Math.random()}.der`);
  writeFileSync(file, Buffer.from(await response.arrayBuffer()));
  const text = execFileSync("openssl", ["crl", "-inform", "DER", "-in", file, "-noout", "-text"], { encoding: "utf8" });
  const number = /X509v3 CRL Number:\s*\n\s*(\S+)/.exec(text)?.[1];
  expect(number).toBeDefined();
  const serials = [...text.matchAll(/Serial Number: ([0-9A-F]+)/gi)].map((m) => m[1]!.toLowerCase().replace(/^0+/, ""));
  return { number: BigInt(number!.startsWith("0x") ? number! : `0x${number}`), serials };
}

const bare = (serial: string) =>
  serial
    .toLowerCase()
    .replace(/[^0-9a-f]/g, "")
    .replace(/^0+/, "");

describe("revocation across instances", () => {
  it("CRL numbers rise strictly whichever instance signs, and there is one current CRL", async () => {
    const issued = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => issue(i % 2 ? b : a, `crl-${i}.instances.test`)));
    let previous = (await crlFrom(a)).number;
    for (const [i, cert] of issued.slice(0, 4).entries()) {
      const [signer, reader] = i % 2 ? [b, a] : [a, b];
      const revoked = await apiOf(signer)("POST", `/certificates/${cert.json.id}/revoke`, { reason: "keyCompromise" });
      expect(revoked.status).toBe(200);
      const crl = await crlFrom(reader);
      expect(crl.number).toBeGreaterThan(previous);
      expect(crl.serials).toContain(bare(cert.json.serialNumber));
      previous = crl.number;
    }
    // Two revocations at the same moment, one on each instance.
    const racing = await Promise.all([
      apiOf(a)("POST", `/certificates/${issued[4]!.json.id}/revoke`, {}),
      apiOf(b)("POST", `/certificates/${issued[5]!.json.id}/revoke`, {}),
    ]);
    expect(racing.map((r) => r.status)).toEqual([200, 200]);
    const [fromA, fromB] = [await crlFrom(a), await crlFrom(b)];
    expect(fromA.number).toBe(fromB.number);
    expect(fromA.number).toBeGreaterThan(previous);
    for (const cert of issued) expect(fromB.serials).toContain(bare(cert.json.serialNumber));
    const rows = await cluster.sql<{ n: number }>(`SELECT count(*)::int AS n FROM "Crl" WHERE "authorityId" = $1`, [caId]);
    expect(rows[0]!.n).toBe(1);
  });

  it("a certificate revoked on A is revoked in B's OCSP answer at once (openssl ocsp)", async () => {
    const cert = await issue(a, "ocsp.instances.test");
    const leaf = path.join(work, "ocsp-leaf.pem");
    writeFileSync(leaf, cert.json.certificatePem);
    const ask = (instance: Instance) => opensslOcsp(leaf, `${instance.url}/ocsp/${caId}`);
    expect(ask(b).stdout).toContain(`${leaf}: good`);
    expect((await apiOf(a)("POST", `/certificates/${cert.json.id}/revoke`, { reason: "keyCompromise" })).status).toBe(200);
    const answer = ask(b);
    expect(answer.stdout).toContain(`${leaf}: revoked`);
    expect(answer.stdout + answer.stderr).toContain("Response verify OK");
  });
});

describe("CA changes across instances", () => {
  it("an intermediate revoked on A no longer signs on B, though B had just used its key", async () => {
    const root = await apiOf(a)<{ id: string }>("POST", "/cas", { commonName: "Instances Root", keyType: "ecdsa-p256" });
    const sub = await apiOf(a)<{ id: string }>("POST", "/cas", {
      commonName: "Instances Sub",
      keyType: "ecdsa-p256",
      parentId: root.json.id,
    });
    expect(sub.status).toBe(201);
    const viaB = (name: string) =>
      apiOf(b)<{ error?: { message: string } }>("POST", "/certificates", { caId: sub.json.id, commonName: name });
    expect((await viaB("before.instances.test")).status).toBe(201);
    expect((await apiOf(a)("POST", `/cas/${sub.json.id}/revoke`, { reason: "keyCompromise" })).status).toBe(200);
    const refused = await viaB("after.instances.test");
    expect(refused.status).toBe(400);
    expect(refused.json.error?.message).toMatch(/was revoked/);
  });
});

// ---- Browser sessions, through the forms a browser without JavaScript would post -----------------

/** The server action's id, from the build's manifest (the client reaches the re-auth action from JavaScript only). */
function actionId(name: string): string {
  const manifest = JSON.parse(readFileSync(path.join(root, ".next/server/server-reference-manifest.json"), "utf8")) as {
    node: Record<string, { exportedName?: string }>;
  };
  const found = Object.entries(manifest.node).find(([, v]) => v.exportedName === name);
  if (!found) throw new Error(`no server action ${name} in the build`);
  return found[0];
}

async function signIn(
  instance: Instance,
  email: string,
  password: string,
): Promise<{ status: number; cookie: string | null; html: string }> {
  const page = await (await fetch(`${instance.url}/sign-in`)).text();
  const response = await fetch(`${instance.url}/sign-in`, {
    method: "POST",
    body: signInForm(page, email, password),
    redirect: "manual",
    headers: { Origin: instance.url },
  });
  return { status: response.status, cookie: sessionCookie(response.headers.getSetCookie()), html: await response.text() };
}

describe("browser sessions whichever instance answers", () => {
  let cookie: string;

  it("a session made on A is valid on B", async () => {
    const signedIn = await signIn(a, cluster.admin.email, cluster.admin.password);
    expect(signedIn.status).toBe(303);
    expect(signedIn.cookie).toBeTruthy();
    cookie = signedIn.cookie!;
    const onB = await fetch(`${b.url}/certificates?q=burst-1.instances`, { headers: { Cookie: cookie }, redirect: "manual" });
    expect(onB.status).toBe(200);
    expect(await onB.text()).toContain("burst-1.instances.test");
    const anonymous = await fetch(`${b.url}/certificates`, { redirect: "manual" });
    expect(anonymous.status).toBe(307);
    expect(anonymous.headers.get("location")).toContain("/sign-in");
  });

  it("re-authentication on A counts on B", async () => {
    const cert = await issue(a, "reauth.instances.test");
    const key = (instance: Instance) =>
      fetch(`${instance.url}/download/certificates/${cert.json.id}?format=key`, {
        headers: { Cookie: cookie, Accept: "application/json" },
      });
    expect((await key(b)).status).toBe(200);
    // The password was entered an hour ago (CADESK_REAUTH_MINUTES is 5).
    await cluster.sql(`UPDATE "Session" SET "authenticatedAt" = now() - interval '1 hour'`);
    const stale = await key(b);
    expect(stale.status).toBe(403);
    expect(await stale.text()).toContain("REAUTH_REQUIRED");
    // The re-auth dialog's server action, posted to A as the dialog does.
    const form = new FormData();
    form.append("$ACTION_REF_1", "");
    form.append("$ACTION_1:0", JSON.stringify({ id: actionId("confirmPasswordAction"), bound: "$@1" }));
    form.append("$ACTION_1:1", JSON.stringify([{ ok: true }]));
    form.append("password", cluster.admin.password);
    const confirmed = await fetch(`${a.url}/account`, { method: "POST", body: form, headers: { Cookie: cookie, Origin: a.url } });
    expect(confirmed.status).toBe(200);
    const fresh = await key(b);
    expect(fresh.status).toBe(200);
    expect(await fresh.text()).toContain("PRIVATE KEY");
  });

  it("failed sign-ins on A and B count together: the instance that refuses has seen no more than the free five itself", async () => {
    const email = "guesser@instances.test";
    const own = new Map<string, number>([
      ["a", 0],
      ["b", 0],
    ]);
    let refusedBy: string | null = null;
    for (let attempt = 0; attempt < 14 && !refusedBy; attempt++) {
      const instance = attempt % 2 ? b : a;
      const answer = await signIn(instance, email, `wrong-guess-${attempt}`);
      if (answer.html.includes("Too many failed sign-ins")) refusedBy = instance.name;
      else {
        expect(answer.html).toContain("That e-mail and password do not match an account.");
        own.set(instance.name, own.get(instance.name)! + 1);
      }
    }
    expect(refusedBy).not.toBeNull();
    // Five failures are free per e-mail: an instance counting alone would refuse only after its own sixth.
    expect(own.get(refusedBy!)).toBeLessThanOrEqual(5);
    const [row] = await cluster.sql<{ failures: number }>(`SELECT failures FROM "LoginThrottle" WHERE key = $1`, [`email:${email}`]);
    expect(row!.failures).toBe(own.get("a")! + own.get("b")!);
  });
});

// ---- The echo server: one saved configuration, one listener per instance --------------------------

/** The serial of the certificate an echo port presents, or null when nothing listens. */
function echoSerial(port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: "127.0.0.1", port, servername: "localhost", rejectUnauthorized: false }, () => {
      const serial = socket.getPeerCertificate().serialNumber;
      socket.end();
      resolve(serial ? bare(serial) : null);
    });
    socket.once("error", () => resolve(null));
  });
}

describe("echo server settings", () => {
  it("changed on A, are applied by B on its own echo port", async () => {
    const first = await issue(a, "localhost", { sans: { dns: ["localhost"], ip: ["127.0.0.1"] } });
    const second = await issue(b, "localhost", { sans: { dns: ["localhost"], ip: ["127.0.0.1"] } });
    const put = (certificateId: string) => apiOf(a)("PUT", "/echo", { certificateId, clientCaIds: [], clientAuth: "none" });
    expect((await put(first.json.id)).status).toBe(200);
    expect(await echoSerial(a.echoPort)).toBe(bare(first.json.serialNumber));
    await until("B to serve the first certificate", async () => (await echoSerial(b.echoPort)) === bare(first.json.serialNumber));
    expect((await put(second.json.id)).status).toBe(200);
    expect(await echoSerial(a.echoPort)).toBe(bare(second.json.serialNumber));
    await until("B to serve the second certificate", async () => (await echoSerial(b.echoPort)) === bare(second.json.serialNumber));
    const status = await apiOf(b)<{ certificateId: string; listening: boolean; port: number }>("GET", "/echo");
    expect(status.json).toMatchObject({ certificateId: second.json.id, listening: true, port: b.echoPort });
  });
});

// ---- The scheduler and notices ---------------------------------------------------------------------

describe("the scheduler across instances", () => {
  const mails: string[] = [];
  let smtp: MailServer;

  beforeAll(async () => {
    smtp = await startMailServer((raw, answer) => {
      mails.push(raw);
      answer();
    });
  });
  afterAll(() => smtp.close());

  it("runs once per period across both instances, and sends an expiry notice once", async () => {
    const channel = await apiOf(a)<{ id: string }>("POST", "/notifications/channels", {
      kind: "email",
      name: "Instances mail",
      host: "127.0.0.1",
      port: smtp.port,
      security: "none",
      from: "cadesk@instances.test",
      to: "oncall@instances.test",
    });
    expect(channel.status).toBe(201);
    expect((await apiOf(b)("POST", "/notifications/rules", { channelId: channel.json.id, caId, daysBefore: [7] })).status).toBe(201);
    const cert = await issue(b, "expiring.instances.test", { validityDays: 30 });
    // As if it had been issued 25 days ago: the 7-day notice is due now.
    await cluster.sql(
      `UPDATE "Certificate" SET "notBefore" = "notBefore" - interval '25 days', "notAfter" = "notAfter" - interval '25 days', "expiringFrom" = "expiringFrom" - interval '25 days' WHERE id = $1`,
      [cert.json.id],
    );
    const jobs = () =>
      cluster.instances
        .flatMap((i) =>
          i.lines
            .filter((l) => l.msg === "job" && l.job === "scheduler")
            .map((l) => ({ instance: i.name, at: Date.parse(String(l.startedAt)) })),
        )
        .sort((x, y) => x.at - y.at);
    const mailsFor = () => mails.filter((m) => m.includes("expiring.instances.test"));
    await until("the notice", async () => mailsFor().length > 0, 120);
    // Three more periods after the notice went out, on whichever instance claims them.
    const seen = jobs().length;
    await until("three more scheduler runs", async () => jobs().length >= seen + 3, 120);
    expect(mailsFor()).toHaveLength(1);
    const deliveries = await cluster.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM "NotificationDelivery" WHERE "channelId" = $1 AND kind = 'expiry'`,
      [channel.json.id],
    );
    expect(deliveries[0]!.n).toBe(1);
    // CADESK_SCHEDULER_SECONDS=5: no two runs (of either instance) within 90% of a period.
    const runs = jobs();
    const gaps = runs.slice(1).map((r, i) => r.at - runs[i]!.at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(4500);
  });
});

// ---- ACME ------------------------------------------------------------------------------------------

describe("ACME nonces", () => {
  it("a nonce from A is accepted once by B, and its replay on A is refused", async () => {
    expect((await apiOf(a)("POST", "/acme/endpoints", { name: "pair", caId, challenges: ["http-01"] })).status).toBe(201);
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const url = `${cluster.publicUrl}/acme/pair/new-account`;
    const nonce = (await fetch(`${a.url}/acme/pair/new-nonce`, { method: "HEAD" })).headers.get("replay-nonce")!;
    expect(nonce).toBeTruthy();
    const p = Buffer.from(JSON.stringify({ alg: "ES256", nonce, url, jwk: publicJwk(publicKey) })).toString("base64url");
    const body = Buffer.from(JSON.stringify({ termsOfServiceAgreed: true })).toString("base64url");
    const signature = sign("sha256", Buffer.from(`${p}.${body}`), { key: privateKey, dsaEncoding: "ieee-p1363" }).toString("base64url");
    const jws = JSON.stringify({ protected: p, payload: body, signature });
    const post = (instance: Instance) =>
      fetch(`${instance.url}/acme/pair/new-account`, { method: "POST", headers: { "Content-Type": "application/jose+json" }, body: jws });
    const created = await post(b);
    expect(created.status).toBe(201);
    const replayed = await post(a);
    expect(replayed.status).toBe(400);
    expect(await replayed.json()).toMatchObject({ type: "urn:ietf:params:acme:error:badNonce" });
  });
});

// ---- nginx in front, with the shipped configuration ------------------------------------------------

describe("behind nginx (deploy/nginx/cadesk.conf)", () => {
  let nginx: ChildProcess;
  const base = () => `https://localhost:${proxyTlsPort}`;
  const curl = (args: string[]) =>
    spawnSync("curl", ["-sS", "--cacert", path.join(work, "ca.pem"), "--max-time", "60", ...args], { encoding: "utf8" });

  beforeAll(async () => {
    const dir = path.join(work, "nginx");
    mkdirSync(path.join(dir, "temp"), { recursive: true });
    chmodSync(work, 0o755);
    chmodSync(dir, 0o755);
    chmodSync(path.join(dir, "temp"), 0o777);
    const proxyCert = await issue(a, "localhost", { sans: { dns: ["localhost"], ip: ["127.0.0.1"] } });
    const fullchain = await fetch(`${a.url}/api/v1/certificates/${proxyCert.json.id}/download?format=fullchain`, {
      headers: { Authorization: `Bearer ${cluster.token}` },
    });
    writeFileSync(path.join(dir, "fullchain.pem"), await fullchain.text());
    writeFileSync(path.join(dir, "key.pem"), proxyCert.json.privateKeyPem!);
    chmodSync(path.join(dir, "key.pem"), 0o644);
    const shipped = readFileSync(path.join(root, "deploy/nginx/cadesk.conf"), "utf8");
    const site = shipped
      .replace(/^(\s*)server 10\.0\.0\.11:3000 (.*)$/m, `$1server 127.0.0.1:${a.port} $2`)
      .replace(/^(\s*)server 10\.0\.0\.12:3000 (.*)$/m, `$1server 127.0.0.1:${b.port} $2`)
      .replace(/listen 80;/, `listen 127.0.0.1:${proxyHttpPort};`)
      .replace(/listen 443 ssl;/, `listen 127.0.0.1:${proxyTlsPort} ssl;`)
      .replace("/etc/nginx/cadesk/fullchain.pem", path.join(dir, "fullchain.pem"))
      .replace("/etc/nginx/cadesk/key.pem", path.join(dir, "key.pem"));
    const directives = site.replace(/#.*$/gm, "");
    expect(directives).not.toMatch(/10\.0\.0\.|listen 80;|listen 443|\/etc\/nginx/);
    writeFileSync(path.join(dir, "site.conf"), site);
    const temp = (name: string) => `${name}_temp_path ${path.join(dir, "temp", name)};`;
    writeFileSync(
      path.join(dir, "nginx.conf"),
      [
        "daemon off;",
        "worker_processes 1;",
        `pid ${path.join(dir, "nginx.pid")};`,
        `error_log ${path.join(dir, "error.log")} info;`,
        "events { worker_connections 256; }",
        "http {",
        `  access_log ${path.join(dir, "access.log")};`,
        ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((n) => `  ${temp(n)}`),
        `  include ${path.join(dir, "site.conf")};`,
        "}",
      ].join("\n"),
    );
    nginx = spawn("nginx", ["-p", dir, "-c", path.join(dir, "nginx.conf"), "-e", path.join(dir, "error.log")], { stdio: "inherit" });
    await until("nginx to listen", async () => curl(["-o", "/dev/null", "-w", "%{http_code}", `${base()}/healthz`]).stdout === "200", 60);
  }, 120_000);

  afterAll(() => {
    nginx?.kill("SIGTERM");
  });

  it("signs in over HTTPS (a Secure cookie), and the session works on the next request", () => {
    const page = curl([`${base()}/sign-in`]).stdout;
    const fields = actionFields(page).flatMap(([k, v]) => ["-F", `${k}=${v}`]);
    const cookies = path.join(work, "proxy-cookies.txt");
    const signedIn = curl([
      "-c",
      cookies,
      "-D",
      "-",
      "-o",
      "/dev/null",
      "-H",
      `Origin: ${base()}`,
      // A client's own X-Forwarded-For is replaced by the proxy: the audit log records the real address.
      "-H",
      "X-Forwarded-For: 203.0.113.9",
      ...fields,
      "-F",
      `email=${cluster.admin.email}`,
      "-F",
      `password=${cluster.admin.password}`,
      `${base()}/sign-in`,
    ]).stdout;
    expect(signedIn).toMatch(/^HTTP\/1\.1 303/m);
    expect(signedIn).toMatch(/^set-cookie: cadesk_session=[^\n]*; Secure/im);
    const list = curl(["-b", cookies, "-o", "/dev/null", "-w", "%{http_code}", `${base()}/certificates`]);
    expect(list.stdout).toBe("200");
  });

  it("records the proxy's address for the client, not the one the client claimed", async () => {
    const [event] = await cluster.sql<{ ip: string | null }>(
      `SELECT ip FROM "AuditEvent" WHERE action = 'auth.sign_in' AND outcome = 'success' ORDER BY id DESC LIMIT 1`,
    );
    expect(event!.ip).toBe("127.0.0.1");
  });

  it("issues through the API, answers OCSP and CRLs over plain HTTP, and names the public URL in the ACME directory", async () => {
    const issued = curl([
      "-H",
      `Authorization: Bearer ${cluster.token}`,
      "-H",
      "Content-Type: application/json",
      "-d",
      JSON.stringify({ caId, commonName: "via-proxy.instances.test", sans: { dns: ["via-proxy.instances.test"] } }),
      "-w",
      "\n%{http_code}",
      `${base()}/api/v1/certificates`,
    ]).stdout;
    expect(issued.split("\n").at(-1)).toBe("201");
    const cert = JSON.parse(issued.split("\n").slice(0, -1).join("\n")) as IssuedJson;
    const leaf = path.join(work, "proxy-leaf.pem");
    writeFileSync(leaf, cert.certificatePem);
    const ocsp = opensslOcsp(leaf, `http://127.0.0.1:${proxyHttpPort}/ocsp/${caId}`);
    expect(ocsp.stdout).toContain(`${leaf}: good`);
    const crl = spawnSync(
      "curl",
      ["-sS", "-o", "/dev/null", "-w", "%{http_code} %{content_type}", `http://127.0.0.1:${proxyHttpPort}/crl/${caId}`],
      {
        encoding: "utf8",
      },
    );
    expect(crl.stdout).toMatch(/^200 application\/pkix-crl/);
    // Anything else on plain HTTP moves to HTTPS.
    const redirect = spawnSync("curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", `http://127.0.0.1:${proxyHttpPort}/certificates`], {
      encoding: "utf8",
    });
    expect(redirect.stdout).toBe("308");
    // The directory names the public URL, whatever Host or X-Forwarded-Host a client sends.
    const directory = JSON.parse(curl(["-H", "X-Forwarded-Host: evil.example", `${base()}/acme/pair/directory`]).stdout) as Record<
      string,
      string
    >;
    expect(directory.newNonce).toBe(`${base()}/acme/pair/new-nonce`);
    expect(directory.newOrder).toBe(`${base()}/acme/pair/new-order`);
  });
});

// ---- An instance dies mid-burst --------------------------------------------------------------------

describe("SIGKILL of one instance during a burst", () => {
  it("every certificate a client received is stored, nothing is half-written, and B keeps serving", async () => {
    const received: IssuedJson[] = [];
    const failedOnB: number[] = [];
    let aSucceeded = 0;
    const worker = async (instance: Instance, count: number) => {
      for (let i = 0; i < count; i++) {
        try {
          const result = await issue(instance, `kill-${instance.name}-${i}.instances.test`);
          if (result.status === 201) received.push(result.json);
          else if (instance === b) failedOnB.push(result.status);
          if (instance === a && result.status === 201 && ++aSucceeded === 3) a.process.kill("SIGKILL");
        } catch (error) {
          // A's connections die with it; B must not fail.
          if (instance === b) throw error;
        }
      }
    };
    await Promise.all([worker(a, 10), worker(a, 10), worker(b, 8), worker(b, 8)]);
    await a.exited;
    expect(a.process.signalCode).toBe("SIGKILL");
    expect(failedOnB).toEqual([]);
    expect(received.length).toBeGreaterThanOrEqual(3 + 16);
    const stored = await cluster.sql<{ id: string }>(`SELECT id FROM "Certificate" WHERE id = ANY($1)`, [received.map((r) => r.id)]);
    expect(stored).toHaveLength(received.length);
    // Stored certificates of the burst (a response lost with A may have been stored) each have their audit row.
    const orphans = await cluster.sql<{ id: string }>(
      `SELECT c.id FROM "Certificate" c WHERE c."commonName" LIKE 'kill-%' AND NOT EXISTS (SELECT 1 FROM "AuditEvent" e WHERE e."objectId" = c.id AND e.action = 'certificate.issue')`,
    );
    expect(orphans).toEqual([]);
    expect((await fetch(`${b.url}/readyz`)).status).toBe(200);
    expect((await issue(b, "after-kill.instances.test")).status).toBe(201);
  });
});
