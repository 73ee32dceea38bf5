/**
 * lego (Debian's 4.9.1) against cadesk's ACME server: tls-alpn-01, dns-01 through a real DNS
 * server (Knot, RFC 2136 updates from lego's rfc2136 provider) including a wildcard, and an IP
 * address identifier (RFC 8738). cadesk resolves every name through that server
 * (CADESK_ACME_DNS_SERVER) and connects to the clients' loopback listeners.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db";
import { createEndpoint, freePort, run, setEnv, startAcmeSite, type AcmeTestSite } from "../testing/acme";
import { startKnot, type KnotServer } from "../testing/knot";
import { openssl } from "../testing/openssl";

let site: AcmeTestSite;
let dns: KnotServer;
let directory: string;
let tlsPort: number;
let httpPort: number;

beforeAll(async () => {
  site = await startAcmeSite("Lego");
  dns = await startKnot("acme.test", ["alpn A 127.0.0.1", "wild A 127.0.0.1"]);
  await createEndpoint({ name: "lego", caId: site.caId, allowedIdentifiers: [".acme.test", "127.0.0.0/8", "::1/128"] });
  directory = site.directoryUrl("lego");
  tlsPort = await freePort();
  httpPort = await freePort();
  setEnv({ CADESK_ACME_DNS_SERVER: dns.address, CADESK_ACME_TLS_PORT: String(tlsPort), CADESK_ACME_HTTP_PORT: String(httpPort) });
});

afterAll(async () => {
  await dns?.stop();
  await site?.close();
});

function lego(args: string[], env: Record<string, string> = {}) {
  return run(
    "lego",
    ["--server", directory, "--accept-tos", "--email", "lego@example.com", "--path", path.join(site.dir, "lego"), ...args],
    {
      env,
    },
  );
}

function certificateFile(name: string, ext = "crt") {
  return path.join(site.dir, "lego", "certificates", `${name.replace("*", "_")}.${ext}`);
}

function verify(name: string) {
  const result = openssl(["verify", "-CAfile", site.rootFile, "-untrusted", certificateFile(name, "issuer.crt"), certificateFile(name)]);
  return result.stdout + result.stderr;
}

function sans(name: string) {
  return openssl(["x509", "-noout", "-ext", "subjectAltName", "-in", certificateFile(name)]).stdout;
}

describe("lego", () => {
  it("obtains a certificate with tls-alpn-01", async () => {
    const result = await lego(["--tls", "--tls.port", `127.0.0.1:${tlsPort}`, "--domains", "alpn.acme.test", "run"]);
    expect(result.status, result.output).toBe(0);
    expect(verify("alpn.acme.test")).toContain(": OK");
    expect(sans("alpn.acme.test")).toContain("DNS:alpn.acme.test");
    const challenge = await getDb().acmeChallenge.findFirstOrThrow({ where: { type: "tls-alpn-01", status: "valid" } });
    expect(JSON.parse(challenge.transcript).at(-1).detail).toContain("acme-tls/1 negotiated");
  });

  it("obtains a wildcard and its base name with dns-01 through RFC 2136 updates to a real DNS server", async () => {
    const result = await lego(
      [
        "--dns",
        "rfc2136",
        "--dns.resolvers",
        dns.address,
        "--dns.disable-cp",
        "--domains",
        "*.wild.acme.test",
        "--domains",
        "wild.acme.test",
        "run",
      ],
      {
        RFC2136_NAMESERVER: dns.address,
        RFC2136_TSIG_KEY: dns.tsig.name,
        RFC2136_TSIG_SECRET: dns.tsig.secret,
        RFC2136_TSIG_ALGORITHM: `${dns.tsig.algorithm}.`,
        RFC2136_PROPAGATION_TIMEOUT: "20",
        RFC2136_POLLING_INTERVAL: "1",
        RFC2136_TTL: "5",
        // lego waits this long between the two challenges that share one TXT name (default 60 s).
        RFC2136_SEQUENCE_INTERVAL: "1",
      },
    );
    expect(result.status, result.output).toBe(0);
    expect(verify("*.wild.acme.test")).toContain(": OK");
    const names = sans("*.wild.acme.test");
    expect(names).toContain("DNS:*.wild.acme.test");
    expect(names).toContain("DNS:wild.acme.test");
    const wildcard = await getDb().acmeAuthorization.findFirstOrThrow({
      where: { identifierValue: "wild.acme.test", wildcard: true },
      include: { challenges: true },
    });
    expect(wildcard.challenges.map((c) => c.type)).toEqual(["dns-01"]);
    expect(wildcard.status).toBe("valid");
  });

  it("obtains a certificate for an IP address (RFC 8738) with http-01", async () => {
    const result = await lego(["--http", "--http.port", `127.0.0.1:${httpPort}`, "--domains", "127.0.0.1", "run"]);
    expect(result.status, result.output).toBe(0);
    expect(verify("127.0.0.1")).toContain(": OK");
    expect(sans("127.0.0.1")).toContain("IP Address:127.0.0.1");
    expect(readFileSync(certificateFile("127.0.0.1"), "utf8")).toContain("BEGIN CERTIFICATE");
  });

  it("refuses a name outside the endpoint's policy, naming the rule", async () => {
    const result = await lego(["--http", "--http.port", `127.0.0.1:${httpPort}`, "--domains", "www.example.com", "run"]);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain("rejectedIdentifier");
    expect(result.output).toContain(
      '"www.example.com" is outside the policy of the endpoint "lego", whose allowed names and suffixes are .acme.test',
    );
  });
});
