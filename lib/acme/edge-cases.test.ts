/**
 * ACME protocol edge cases with a scripted client (Debian's python3-acme, certbot's library; see
 * testing/edge-cases.py), run against cadesk and, with the same flows, against Debian's Pebble,
 * Let's Encrypt's reference server: where both agree, a failure is cadesk's, not the script's.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db";
import { certificateHistory } from "../data/certificate-history";
import { createEabKey, createEndpoint, freePort, run, setEnv, startAcmeSite, type AcmeTestSite } from "../testing/acme";
import { startKnot, type KnotServer } from "../testing/knot";

const SCRIPT = path.join(import.meta.dirname, "testing", "edge-cases.py");
type Outcome = { status: number; type: string; detail: string; [key: string]: unknown };
type Results = Record<string, Outcome>;

let site: AcmeTestSite;
let dns: KnotServer;
let httpPort: number;
let cadesk: Results;
let pebble: Results;
let pebbleEab: Results;
const pebbles: ChildProcess[] = [];

const names = ["edge.acme.test", "other.acme.test"];

async function script(config: Record<string, unknown>): Promise<Results> {
  const file = path.join(site.dir, `edge-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ httpPort, names, outsideName: "www.example.com", deadName: "dead.acme.test", ...config }));
  const result = await run("/usr/bin/python3", [SCRIPT, file], { timeoutMs: 150_000 });
  const line = result.stdout.trim().split("\n").at(-1) ?? "";
  try {
    const parsed = JSON.parse(line) as Results;
    writeFileSync(file.replace(/\.json$/, ".out.json"), JSON.stringify(parsed, null, 2));
    return parsed;
  } catch {
    throw new Error(`edge-cases.py failed: ${result.output}`);
  }
}

/** Pebble with a listener certificate made here by openssl; EAB required when keys are given. */
async function startPebble(eab?: { kid: string; hmac: string }): Promise<{ directory: string; caBundle: string }> {
  const port = await freePort();
  const dir = site.dir;
  const tag = eab ? "pebble-eab" : "pebble";
  const [cert, key] = [path.join(dir, `${tag}.crt`), path.join(dir, `${tag}.key`)];
  execFileSync(
    "openssl",
    ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", "/CN=pebble"].concat([
      "-addext",
      "subjectAltName=IP:127.0.0.1",
      "-keyout",
      key,
      "-out",
      cert,
    ]),
    { stdio: "pipe" },
  );
  const config = {
    pebble: {
      listenAddress: `127.0.0.1:${port}`,
      managementListenAddress: `127.0.0.1:${await freePort()}`,
      certificate: cert,
      privateKey: key,
      httpPort,
      tlsPort: await freePort(),
      ocspResponderURL: "",
      externalAccountBindingRequired: !!eab,
      ...(eab ? { externalAccountMACKeys: { [eab.kid]: eab.hmac } } : {}),
    },
  };
  writeFileSync(path.join(dir, `${tag}.json`), JSON.stringify(config));
  const child = spawn("pebble", ["-config", path.join(dir, `${tag}.json`), "-dnsserver", dns.address], {
    env: { ...process.env, PEBBLE_VA_NOSLEEP: "1", PEBBLE_WFE_NONCEREJECT: "0", PEBBLE_AUTHZREUSE: "0" },
    stdio: "ignore",
  });
  pebbles.push(child);
  for (let i = 0; i < 100; i++) {
    const probe = await run("curl", ["-sk", `https://127.0.0.1:${port}/dir`]);
    if (probe.stdout.includes("newNonce")) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { directory: `https://127.0.0.1:${port}/dir`, caBundle: cert };
}

beforeAll(async () => {
  site = await startAcmeSite("Edge");
  dns = await startKnot("acme.test", ["edge A 127.0.0.1", "other A 127.0.0.1", "dead A 127.0.0.2"]);
  httpPort = await freePort();
  setEnv({ CADESK_ACME_DNS_SERVER: dns.address, CADESK_ACME_HTTP_PORT: String(httpPort) });
  await createEndpoint({ name: "edge", caId: site.caId, allowedIdentifiers: [".acme.test"], profiles: ["tlsserver", "shortlived"] });
  const eabEndpoint = await createEndpoint({ name: "edge-eab", caId: site.caId, requireEab: true, allowedIdentifiers: [".acme.test"] });
  const eab = await createEabKey(eabEndpoint.id);
  cadesk = await script({
    directory: site.directoryUrl("edge"),
    eabDirectory: site.directoryUrl("edge-eab"),
    eab: { kid: eab.keyId, hmac: eab.hmacKey },
  });

  const plain = await startPebble();
  const pebbleCases = [
    "onlyReturnExisting",
    "replayedNonce",
    "wrongUrl",
    "badSignatureAlgorithm",
    "algorithms",
    "issue",
    "csrMismatch",
  ].concat(["revokeByCertificateKey", "keyRollover", "deactivate", "authzDeactivate"]);
  pebble = await script({ directory: plain.directory, caBundle: plain.caBundle, cases: pebbleCases });
  const pebbleKey = { kid: "edge-kid", hmac: Buffer.from("0123456789abcdef0123456789abcdef").toString("base64url") };
  const withEab = await startPebble(pebbleKey);
  pebbleEab = await script({
    directory: withEab.directory,
    eabDirectory: withEab.directory,
    caBundle: withEab.caBundle,
    mainWithEab: true,
    eab: pebbleKey,
    cases: ["eabMissing", "eabWrong", "eabRight"],
  });
}, 280_000);

afterAll(async () => {
  pebbles.forEach((p) => p.kill());
  await dns?.stop();
  await site?.close();
});

const ERR = (type: string) => `urn:ietf:params:acme:error:${type}`;

describe("ACME edge cases, cadesk and Pebble side by side", () => {
  it("onlyReturnExisting for an unknown key: accountDoesNotExist", () => {
    for (const r of [cadesk, pebble]) expect(r.onlyReturnExisting).toMatchObject({ type: ERR("accountDoesNotExist") });
    expect(cadesk.onlyReturnExisting!.detail).toContain("No account exists for this key");
  });

  it("a replayed nonce: badNonce, with a fresh Replay-Nonce to retry with", () => {
    for (const r of [cadesk, pebble])
      expect(r.replayedNonce).toMatchObject({ first: 200, status: 400, type: ERR("badNonce"), replayNonce: true });
  });

  it("a url header that is not the request's URL: unauthorized (RFC 8555 6.4)", () => {
    expect(cadesk.wrongUrl).toMatchObject({ status: 403, type: ERR("unauthorized") });
    expect(cadesk.wrongUrl!.detail).toContain("does not match the URL this request was sent to");
    // Pebble refuses it too (as malformed: it predates the RFC's "unauthorized").
    expect(pebble.wrongUrl!.status).toBeGreaterThanOrEqual(400);
  });

  it("an algorithm that does not fit the key: badSignatureAlgorithm", () => {
    expect(cadesk.badSignatureAlgorithm).toMatchObject({ status: 400, type: ERR("badSignatureAlgorithm") });
    expect(pebble.badSignatureAlgorithm!.status).toBeGreaterThanOrEqual(400);
  });

  it("accounts with ES384 and RS256 keys", () => {
    for (const r of [cadesk, pebble]) expect(r.algorithms).toMatchObject({ ES384: "valid", RS256: "valid" });
  });

  it("issues a certificate to the scripted client", () => {
    for (const r of [cadesk, pebble]) expect(String(r.issue!.pem)).toContain("BEGIN CERTIFICATE");
  });

  it("a CSR with names not in the order: badCSR naming them", () => {
    expect(cadesk.csrMismatch).toMatchObject({ type: ERR("badCSR") });
    expect(cadesk.csrMismatch!.detail).toContain("not in the order: DNS:other.acme.test");
    // Pebble 2.4 refuses it too, typed unauthorized; RFC 8555 7.4 names badCSR for a CSR the server will not sign.
    expect(pebble.csrMismatch!.type).toMatch(/^urn:ietf:params:acme:error:/);
  });

  it("an identifier outside the endpoint's policy: rejectedIdentifier naming the rule (cadesk only: Pebble has no policy)", () => {
    expect(cadesk.outsidePolicy).toMatchObject({ type: ERR("rejectedIdentifier") });
    expect(cadesk.outsidePolicy!.detail).toContain(
      '"www.example.com" is outside the policy of the endpoint "edge", whose allowed names and suffixes are .acme.test',
    );
  });

  it("revocation signed by the certificate's own key; a second time alreadyRevoked; another key unauthorized", async () => {
    for (const r of [cadesk, pebble]) {
      expect(r.revokeByCertificateKey).toMatchObject({ first: 200, type: ERR("alreadyRevoked") });
      expect((r.revokeByCertificateKey!.stranger as Outcome).status).toBeGreaterThanOrEqual(400);
    }
    expect((cadesk.revokeByCertificateKey!.stranger as Outcome).type).toBe(ERR("unauthorized"));
    const revoked = await getDb().auditEvent.findFirst({
      where: { action: "certificate.revoke", detail: { contains: "certificate key" } },
    });
    expect(revoked).not.toBeNull();
  });

  it("key rollover: the new key signs for the account, the old one no longer does", () => {
    for (const r of [cadesk, pebble]) {
      expect(r.keyRollover!.change).toMatchObject({ status: 200 });
      expect(r.keyRollover!.withNew).toMatchObject({ status: 200 });
      expect((r.keyRollover!.withOld as Outcome).status).toBeGreaterThanOrEqual(400);
    }
  });

  it("account deactivation: the account can no longer order (unauthorized)", () => {
    for (const r of [cadesk, pebble])
      expect(r.deactivate).toMatchObject({ deactivate: 200, accountStatus: "deactivated", type: ERR("unauthorized") });
  });

  it("EAB: missing is externalAccountRequired, a wrong HMAC is refused, the right one registers", () => {
    for (const r of [cadesk, pebbleEab]) {
      expect(r.eabMissing).toMatchObject({ required: true, type: ERR("externalAccountRequired") });
      expect(r.eabWrong!.status).toBeGreaterThanOrEqual(400);
      expect(r.eabRight).toMatchObject({ status: 201, detail: "valid" });
    }
    expect(cadesk.eabWrong).toMatchObject({ type: ERR("unauthorized") });
    expect(cadesk.eabWrong!.detail).toContain("the HMAC key is wrong");
  });

  it("a challenge nobody answers fails with the reason in plain words, after three attempts", async () => {
    expect(cadesk.failedChallenge).toMatchObject({ authz: "invalid", type: ERR("connection") });
    expect(cadesk.failedChallenge!.detail).toMatch(/connection refused by 127\.0\.0\.2:\d+: is port \d+ open on the host/);
    const challenge = await getDb().acmeChallenge.findFirstOrThrow({
      where: { status: "invalid", authorization: { identifierValue: "dead.acme.test" } },
    });
    expect(challenge.attempts).toBe(3);
    expect(JSON.parse(challenge.transcript)).toHaveLength(3);
  });

  it("ARI: renewalInfo suggests the last third of the lifetime; replaces links the renewal, once (cadesk only: Pebble 2.4 has no ARI)", () => {
    const ari = cadesk.ari!;
    expect(ari.info).toBe(200);
    expect(ari.retryAfter).toBe("21600");
    const window = ari.window as { start: string; end: string };
    const nb = new Date(ari.notBefore as string).getTime();
    const na = new Date(ari.notAfter as string).getTime();
    expect(Math.abs(new Date(window.start).getTime() - (nb + ((na - nb) * 2) / 3))).toBeLessThan(1000);
    expect(new Date(window.end).getTime()).toBe(na);
    expect(ari.replaces).toMatchObject({ status: 201, body: { replaces: ari.certId } });
    expect(ari.again).toMatchObject({ type: ERR("alreadyReplaced") });
  });

  it("ARI: the replacing order's certificate is the renewal of the one it replaces, in the certificate history", async () => {
    const order = await getDb().acmeOrder.findFirstOrThrow({
      where: { replaces: cadesk.ari!.certId as string },
      include: { certificate: true },
    });
    expect(order.status).toBe("valid");
    expect(order.certificate?.renewedFromId).toBe(order.replacesCertificateId);
    // The certificate pages link old and new: the old one was replaced over ACME, the new one replaces it.
    const old = (await certificateHistory(order.replacesCertificateId!))!;
    expect(old.replacedBy).toEqual([expect.objectContaining({ orderId: order.id, certificateId: order.certificateId })]);
    expect(old.events.find((e) => e.kind === "renewed")).toMatchObject({
      label: "Replaced over ACME (RFC 9773 replaces)",
      link: { href: `/certificates/${order.certificateId}` },
    });
    const renewal = (await certificateHistory(order.certificateId!))!;
    expect(renewal.replaces?.id).toBe(order.replacesCertificateId);
    expect(renewal.events[0]).toMatchObject({ kind: "issued", link: { href: `/certificates/${order.replacesCertificateId}` } });
    expect(renewal.events[0]!.label).toMatch(/^Issued over ACME by /);
    expect(renewal.events[0]!.link!.text).toMatch(/^replaces serial /);
  });

  it("profiles: meta.profiles lists what the endpoint offers; newOrder selects one or gets invalidProfile", () => {
    const p = cadesk.profiles!;
    expect(Object.keys(p.profiles as object)).toEqual(["tlsserver", "shortlived"]);
    expect(p.chosen).toBe("shortlived");
    expect(p.unknown).toMatchObject({ type: ERR("invalidProfile") });
    expect((p.unknown as Outcome).detail).toContain("choose one of tlsserver, shortlived");
  });

  it("an EAB key registers one account: another account key with it is unauthorized", () => {
    expect(cadesk.eabReuse).toMatchObject({ status: 403, type: ERR("unauthorized") });
    expect(cadesk.eabReuse!.detail).toContain("already bound to another account");
  });

  it("authorization deactivation: the authorization is deactivated and its order invalid", () => {
    for (const r of [cadesk, pebble]) expect(r.authzDeactivate).toMatchObject({ status: 200, authz: "deactivated" });
    // RFC 8555 7.1.6: an order whose authorization is deactivated is invalid (Pebble 2.4 says "deactivated").
    expect(cadesk.authzDeactivate!.order).toBe("invalid");
  });

  it("the account's orders list", () => {
    expect(cadesk.ordersList).toMatchObject({ status: 200 });
    expect(cadesk.ordersList!.count as number).toBeGreaterThan(3);
  });

  it("certificate download: a PEM chain, and the chain with the root as Link rel=alternate", () => {
    expect(cadesk.alternateChain).toMatchObject({
      status: 200,
      contentType: "application/pem-certificate-chain",
      certs: 2,
      alternateCerts: 3,
    });
  });

  it("ARI after revocation: the suggested window has begun (renew now)", () => {
    const r = cadesk.ariRevoked!;
    expect(r.status).toBe(200);
    const window = r.window as { start: string; end: string };
    expect(new Date(window.end).getTime()).toBeLessThanOrEqual(new Date(r.now as string).getTime() + 5000);
  });

  it("the shortlived profile issues for 7 days (plus the 5-minute backdate)", () => {
    expect(cadesk.shortlived!.hours).toBeCloseTo(7 * 24 + 5 / 60, 1);
  });

  it("ran every case against cadesk without a client-side error", () => {
    const crashed = Object.entries(cadesk).filter(([, r]) => r.status === -1);
    expect(crashed, JSON.stringify(crashed)).toEqual([]);
    expect(readFileSync(SCRIPT, "utf8")).toContain("python3-acme");
  });
});
