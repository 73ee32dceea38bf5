/**
 * The validation authority against real listeners on loopback: what it follows, what it refuses,
 * and that each failure reads as a person would explain it. Certificates for tls-alpn-01 are made
 * by openssl here; DNS answers come from a real Knot server.
 */
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import http from "node:http";
import path from "node:path";
import tls from "node:tls";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, setEnv } from "../testing/acme";
import { startKnot, type KnotServer } from "../testing/knot";
import { tempDir } from "../testing/openssl";
import type { AcmeIdentifier } from "./problem";
import { dns01Digest, reverseName, validate } from "./va";

const KEY_AUTH = "tok.thumb";
let dns: KnotServer;
let httpPort: number;
let tlsPort: number;
const closers: (() => void)[] = [];

function serveHttp(port: number, handler: http.RequestListener): Promise<void> {
  const server = http.createServer(handler);
  closers.push(() => server.close());
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve()));
}

function selfSigned(extra: string[] = []): { key: Buffer; cert: Buffer } {
  const dir = tempDir("cadesk-va-");
  const [key, cert] = [path.join(dir, "k.pem"), path.join(dir, "c.pem")];
  execFileSync(
    "openssl",
    ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/CN=va"].concat([
      "-addext",
      "subjectAltName=DNS:alpn.va.test",
      ...extra.flatMap((e) => ["-addext", e]),
      "-keyout",
      key,
      "-out",
      cert,
    ]),
    { stdio: "pipe" },
  );
  return { key: readFileSync(key), cert: readFileSync(cert) };
}

async function serveTls(options: tls.TlsOptions): Promise<number> {
  const server = tls.createServer(options, (socket) => socket.end());
  closers.push(() => server.close());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  dns = await startKnot("va.test", [
    "web A 127.0.0.1",
    "alpn A 127.0.0.1",
    '_acme-challenge.stale TXT "old-token-value"',
    "stale A 127.0.0.1",
  ]);
  httpPort = await freePort();
  tlsPort = await freePort();
  setEnv({ CADESK_ACME_DNS_SERVER: dns.address, CADESK_ACME_HTTP_PORT: String(httpPort), CADESK_ACME_TLS_PORT: String(tlsPort) });
  await serveHttp(httpPort, (req, res) => {
    if (req.url === "/.well-known/acme-challenge/redirect") {
      res.writeHead(302, { Location: "http://web.va.test/.well-known/acme-challenge/tok" }).end();
    } else if (req.url === "/.well-known/acme-challenge/far") {
      res.writeHead(301, { Location: "http://web.va.test:8080/elsewhere" }).end();
    } else if (req.url === "/.well-known/acme-challenge/tok") {
      res.end(KEY_AUTH + "\n");
    } else if (req.url === "/.well-known/acme-challenge/wrong") {
      res.end("something else");
    } else res.writeHead(404).end();
  });
});

afterAll(async () => {
  closers.forEach((c) => c());
  await dns?.stop();
});

const web = { type: "dns" as const, value: "web.va.test" };
const http01 = (token: string, identifier: AcmeIdentifier = web) =>
  validate({ type: "http-01", identifier, token, keyAuthorization: KEY_AUTH });

describe("http-01", () => {
  it("follows a redirect to port 80 (the knob's port) and accepts the key authorization", async () => {
    const result = await http01("redirect");
    expect(result.ok, JSON.stringify(result)).toBe(true);
    expect(result.attempts.map((a) => a.detail)).toEqual([
      "HTTP 302: redirected to http://web.va.test/.well-known/acme-challenge/tok",
      "HTTP 200 with the expected key authorization",
    ]);
  });

  it("refuses a redirect to another port, a 404, a wrong body and a refused connection, in words", async () => {
    expect((await http01("far")).problem?.detail).toContain("redirected to port 8080; redirects are followed only to ports 80 and 443");
    const missing = await http01("nothing");
    expect(missing.problem?.type).toBe("unauthorized");
    expect(missing.problem?.detail).toContain("answered HTTP 404 Not Found");
    const wrong = await http01("wrong");
    expect(wrong.problem?.type).toBe("incorrectResponse");
    expect(wrong.problem?.detail).toContain('answered "something else" but the key authorization "tok.thumb" was expected');
    const refused = await http01("tok", { type: "ip", value: "127.0.0.2" });
    expect(refused.problem?.type).toBe("connection");
    expect(refused.problem?.detail).toBe(
      `connection refused by 127.0.0.2:${httpPort}: is port ${httpPort} open on the host, and is the ACME client's HTTP server listening?`,
    );
    const unknown = await http01("tok", { type: "dns", value: "missing.va.test" });
    expect(unknown.problem?.type).toBe("dns");
    expect(unknown.problem?.detail).toContain(`missing.va.test does not exist in DNS (NXDOMAIN from the resolver ${dns.address})`);
  });
});

describe("dns-01", () => {
  it("accepts the digest and explains a stale record and a missing one", async () => {
    await dns.update([`_acme-challenge.web.va.test. 5 TXT "${dns01Digest(KEY_AUTH)}"`]);
    const ok = await validate({ type: "dns-01", identifier: web, token: "t", keyAuthorization: KEY_AUTH });
    expect(ok.ok, JSON.stringify(ok)).toBe(true);
    const stale = await validate({
      type: "dns-01",
      identifier: { type: "dns", value: "stale.va.test" },
      token: "t",
      keyAuthorization: KEY_AUTH,
    });
    expect(stale.problem?.detail).toContain(
      'TXT record found at _acme-challenge.stale.va.test but it holds a different token ("old-token-value")',
    );
    const none = await validate({
      type: "dns-01",
      identifier: { type: "dns", value: "alpn.va.test" },
      token: "t",
      keyAuthorization: KEY_AUTH,
    });
    expect(none.problem?.detail).toContain("No TXT record for _acme-challenge.alpn.va.test");
  });
});

describe("tls-alpn-01", () => {
  const alpn = { type: "dns" as const, value: "alpn.va.test" };
  const digest = createHash("sha256").update(KEY_AUTH).digest("hex");

  async function tryWith(options: tls.TlsOptions) {
    const port = await serveTls(options);
    setEnv({ CADESK_ACME_TLS_PORT: String(port) });
    return validate({ type: "tls-alpn-01", identifier: alpn, token: "t", keyAuthorization: KEY_AUTH });
  }

  it("accepts a certificate with the critical acmeIdentifier over acme-tls/1", async () => {
    const result = await tryWith({ ...selfSigned([`1.3.6.1.5.5.7.1.31=critical,DER:0420${digest}`]), ALPNProtocols: ["acme-tls/1"] });
    expect(result.ok, JSON.stringify(result)).toBe(true);
  });

  it("explains a server without acme-tls/1, a missing extension, and a wrong digest", async () => {
    const plain = await tryWith({ ...selfSigned(), ALPNProtocols: ["http/1.1"] });
    expect(plain.problem?.detail).toContain("did not negotiate the acme-tls/1 protocol");
    const bare = await tryWith({ ...selfSigned(), ALPNProtocols: ["acme-tls/1"] });
    expect(bare.problem?.detail).toContain("lacks the acmeIdentifier extension (1.3.6.1.5.5.7.1.31)");
    const other = createHash("sha256").update("other").digest("hex");
    const wrong = await tryWith({ ...selfSigned([`1.3.6.1.5.5.7.1.31=critical,DER:0420${other}`]), ALPNProtocols: ["acme-tls/1"] });
    expect(wrong.problem?.type).toBe("incorrectResponse");
  });

  it("uses the reverse-mapping name as SNI for IP addresses (RFC 8738 6)", () => {
    expect(reverseName("10.0.0.5")).toBe("5.0.0.10.in-addr.arpa");
    expect(reverseName("2001:db8::1")).toBe("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
  });
});
