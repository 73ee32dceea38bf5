import { X509Certificate } from "node:crypto";
import net from "node:net";
import { describe, expect } from "vitest";
import { afterAll, beforeAll, it } from "../testing/system";
import { getDb } from "../db";
import { createAuthority } from "../services/create-authority";
import { revokeCertificate } from "../services/revoke-certificate";
import { revocationState } from "../services/revocation-state";
import { testConnection } from "../services/test-connection";
import { exportCertificate } from "../services/export-certificate";
import { issueCertificate } from "../services/issue-certificate";
import { buildTestHierarchy } from "../testing/hierarchy";
import { diagnose, type DoctorInput } from "./connection-doctor";
import { EchoServer } from "./echo-server";

interface Files {
  full: string;
  key: string;
  leaf: string;
}
let echo: EchoServer;
let rootPem: string;
let strangerRootPem: string;
let issuingSubject: string;
let issuingPem: string;
let issuingId: string;
let server: Files;
let client: Files;
let stranger: Files;
let serverProfileAsClient: Files;
let clientProfileAsServer: Files;

async function files(
  caId: string,
  profile: "server" | "client",
  commonName: string,
  sans?: { ip?: string[]; dns?: string[]; uri?: string[] },
): Promise<Files> {
  // A client is known by its SAN: a SPIFFE-style URI unless the test gives names.
  const names = sans ?? (profile === "client" ? { uri: [`spiffe://example.org/${commonName}`] } : undefined);
  const issued = await issueCertificate({ caId, profile, commonName, sans: names });
  const text = async (format: string) => String((await exportCertificate(issued.certificate.id, format)).body);
  return { full: await text("fullchain"), key: await text("key"), leaf: issued.certificate.certificatePem };
}

const base = (over: Partial<DoctorInput> = {}): DoctorInput => ({
  host: "127.0.0.1",
  port: echo.port!,
  serverName: "localhost",
  trust: { pems: [rootPem], label: 'cadesk CA "Doctor Root"', file: "Doctor_Root.crt" },
  client: { certificatePem: client.full, keyPem: client.key, file: "billing.fullchain.pem" },
  timeoutMs: 2000,
  ...over,
});

async function withEcho<T>(
  certificatePem: string,
  keyPem: string,
  run: () => Promise<T>,
  clientAuth: "require" | "none" = "require",
): Promise<T> {
  echo.update({ certificatePem, keyPem, clientCaPems: [rootPem], clientAuth });
  try {
    return await run();
  } finally {
    echo.update({ certificatePem: server.full, keyPem: server.key, clientCaPems: [rootPem], clientAuth: "require" });
  }
}

beforeAll(async () => {
  const root = await createAuthority({ commonName: "Doctor Root" });
  const issuing = await createAuthority({ commonName: "Doctor Issuing", parentId: root.authority.id });
  const other = await createAuthority({ commonName: "Doctor Stranger Root" });
  rootPem = root.authority.certificatePem;
  strangerRootPem = other.authority.certificatePem;
  issuingSubject = "CN=Doctor Issuing";
  issuingPem = issuing.authority.certificatePem;
  issuingId = issuing.authority.id;
  server = await files(issuing.authority.id, "server", "localhost", { ip: ["127.0.0.1"] });
  client = await files(issuing.authority.id, "client", "billing");
  stranger = await files(other.authority.id, "client", "intruder");
  serverProfileAsClient = await files(issuing.authority.id, "server", "not-a-client.example.com");
  clientProfileAsServer = await files(issuing.authority.id, "client", "localhost", { dns: ["localhost"] });
  echo = new EchoServer();
  await echo.start({ certificatePem: server.full, keyPem: server.key, clientCaPems: [rootPem], clientAuth: "require" }, 0, "127.0.0.1");
});

afterAll(() => echo.stop());

describe("diagnose", () => {
  it("succeeds with a trusted client certificate and shows every step and the echo reply", async () => {
    const r = await diagnose(base());
    expect(r).toMatchObject({ ok: true });
    expect(r.steps.map((s) => s.title)).toEqual([
      "TCP connect",
      "TLS handshake",
      "Server's certificate chain",
      "Chain verification and host name",
      "Client certificate",
      "Echo server's verdict",
      "Reply",
    ]);
    expect(r.steps.every((s) => s.ok)).toBe(true);
    expect(JSON.parse(r.reply!).clientCertificate.subject).toBe("CN=billing");
    expect(r.serverChain[0]!.text).toContain("DNS:localhost, IP Address:127.0.0.1");
    expect(r.commands.curl).toBe(
      "curl -v --cacert Doctor_Root.crt --cert billing.fullchain.pem --key billing.key.pem --resolve localhost:" +
        echo.port +
        ":127.0.0.1 https://localhost:" +
        echo.port +
        "/",
    );
    expect(r.commands.openssl).toContain("-servername localhost -CAfile Doctor_Root.crt -cert billing.fullchain.pem -key billing.key.pem");
  });

  it.each([
    ["without a client certificate", () => base({ client: undefined }), "CLIENT_CERT_REQUIRED", /requires a client certificate/],
    [
      "with a client certificate from another CA",
      () => base({ client: { certificatePem: stranger.full, keyPem: stranger.key, file: "intruder.fullchain.pem" } }),
      "CLIENT_CERT_REJECTED",
      /bad certificate/,
    ],
    [
      "with a client certificate lacking clientAuth",
      () => base({ client: { certificatePem: serverProfileAsClient.full, keyPem: serverProfileAsClient.key, file: "x.fullchain.pem" } }),
      "CLIENT_CERT_WRONG_USAGE",
      /lacks the clientAuth/,
    ],
    [
      "with a key that is not the certificate's",
      () => base({ client: { certificatePem: client.full, keyPem: stranger.key, file: "billing.fullchain.pem" } }),
      "CLIENT_KEY_MISMATCH",
      /key values mismatch/,
    ],
    [
      "to a name the certificate does not hold",
      () => base({ serverName: "wrong.example.com" }),
      "HOSTNAME_MISMATCH",
      /valid for DNS:localhost, IP Address:127.0.0.1, not for "wrong.example.com"/,
    ],
    [
      "trusting another CA",
      () => base({ trust: { pems: [strangerRootPem], label: "the stranger root", file: "s.crt" } }),
      "UNKNOWN_AUTHORITY",
      /Trusted here: the stranger root/,
    ],
  ] as const)("explains a failure %s", async (_label, input, code, message) => {
    const r = await diagnose(input());
    expect(r).toMatchObject({ ok: false, code });
    expect(r.explanation).toMatch(message);
  });

  it("names a missing intermediate when the server sends its certificate alone", async () => {
    // Without cadesk's store: the lone leaf's issuer is no trust anchor, so the intermediate is missing.
    const alone = await withEcho(server.leaf, server.key, () => diagnose(base()));
    expect(alone).toMatchObject({ ok: false, code: "MISSING_INTERMEDIATE" });
    expect(alone.explanation).toContain(`its issuer "${issuingSubject}" is not a trust anchor here`);
    expect(alone.explanation).toContain("fullchain");
    // The rule, the certificate and the section, as every refusal names them.
    expect(alone.explanation).toMatch(
      /The server sent only its own certificate "CN=[^"]+".*\(RFC 8446 4\.4\.2: a server sends its certificate followed by the CAs that certify it\)/,
    );
    // With cadesk's intermediates: the chain is completed and the one the server left out is named.
    const store = [{ der: new Uint8Array(new X509Certificate(issuingPem).raw), name: "Doctor Issuing" }];
    const completed = await withEcho(server.leaf, server.key, () => diagnose(base({ storeIntermediates: store })));
    expect(completed).toMatchObject({ ok: false, code: "MISSING_INTERMEDIATE" });
    expect(completed.explanation).toContain(`"${issuingSubject}" (found in cadesk's store (CA "Doctor Issuing"))`);
  });

  it("confirms the missing intermediate from the leaf's AIA caIssuers URL", async () => {
    const { x509 } = await import("../pki/crypto-provider");
    const { ca, ecKey, leaf } = await import("../testing/verify-cases");
    const aiaRoot = await ca("CN=AIA Root");
    const aiaIssuing = await ca("CN=AIA Issuing", aiaRoot, { ca: { pathLen: 0 } });
    let fetched = 0;
    const http = await import("node:http");
    const served = http.createServer((_req, res) => {
      fetched++;
      res.writeHead(200, { "Content-Type": "application/pkix-cert" }).end(Buffer.from(aiaIssuing.cert.rawData));
    });
    await new Promise<void>((resolve) => served.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(served.address() as net.AddressInfo).port}/issuing.cer`;
    try {
      const keys = await ecKey();
      const cert = await leaf(aiaIssuing, {
        keys,
        subject: "CN=localhost",
        san: [{ type: "dns", value: "localhost" }],
        extra: [new x509.AuthorityInfoAccessExtension({ caIssuers: new x509.GeneralName("url", url) })],
      });
      const keyPem = x509.PemConverter.encode(await crypto.subtle.exportKey("pkcs8", keys.privateKey), "PRIVATE KEY");
      const r = await withEcho(cert.toString("pem"), keyPem, () =>
        diagnose(base({ trust: { pems: [aiaRoot.cert.toString("pem")], label: "the AIA root", file: "aia.crt" }, client: undefined })),
      );
      expect(r).toMatchObject({ ok: false, code: "MISSING_INTERMEDIATE" });
      expect(r.explanation).toContain(`"CN=AIA Issuing" (found in the AIA caIssuers URL ${url})`);
      expect(fetched).toBe(1);
    } finally {
      served.close();
    }
  });

  it("verifies with private-CA rules by default and with WebPKI-strict rules when asked (API and doctor)", async () => {
    const { x509 } = await import("../pki/crypto-provider");
    const { ca, ecKey, leaf } = await import("../testing/verify-cases");
    const modeRoot = await ca("CN=Mode Root");
    const keys = await ecKey();
    // A Common Name that is none of the SANs: RFC 5280 allows it, CA/B Forum BR 7.1.4.3 does not.
    const cert = await leaf(modeRoot, { keys, subject: "CN=example.com", san: [{ type: "dns", value: "localhost" }] });
    const keyPem = x509.PemConverter.encode(await crypto.subtle.exportKey("pkcs8", keys.privateKey), "PRIVATE KEY");
    const rootPemText = modeRoot.cert.toString("pem");
    const trust = { pems: [rootPemText], label: "the mode root", file: "mode.crt" };
    await withEcho(
      cert.toString("pem"),
      keyPem,
      async () => {
        const privateRun = await diagnose(base({ trust, client: undefined }));
        expect(privateRun).toMatchObject({ ok: true, mode: "private" });
        expect(privateRun.steps.find((s) => s.title === "Chain verification and host name")!.detail).toContain(
          "the Common Name, if present, must repeat a SAN entry exactly",
        );
        const strict = await diagnose(base({ trust, client: undefined, mode: "webpki" }));
        expect(strict).toMatchObject({ ok: false, code: "WEBPKI_RULE", mode: "webpki" });
        expect(strict.explanation).toContain("CA/B Forum BR 7.1.4.3");
        // Through the API's schema and service: mode is optional, "private" by default, and checked.
        const api = (mode?: string) =>
          testConnection({ host: "127.0.0.1", port: echo.port, serverName: "localhost", caPem: rootPemText, ...(mode ? { mode } : {}) });
        expect(await api()).toMatchObject({ ok: true, mode: "private" });
        expect(await api("webpki")).toMatchObject({ ok: false, code: "WEBPKI_RULE", mode: "webpki" });
        await expect(api("lenient")).rejects.toThrow('mode must be "private" or "webpki".');
      },
      "none",
    );
  });

  it("says when cadesk has revoked the server's certificate, with the date and reason", async () => {
    const revokedServer = await files(issuingId, "server", "localhost", { ip: ["127.0.0.1"] });
    const row = await getDb().certificate.findFirstOrThrow({ where: { certificatePem: revokedServer.leaf } });
    await revokeCertificate(row.id, { reason: "keyCompromise" }, new Date("2026-11-30T12:00:00Z"));
    const r = await withEcho(revokedServer.full, revokedServer.key, () => diagnose(base({ revocationFor: revocationState })));
    expect(r).toMatchObject({ ok: false, code: "REVOKED" });
    expect(r.explanation).toContain("was revoked on 2026-11-30 for keyCompromise (cadesk's CRL and OCSP state)");
    // The same chain without cadesk's state verifies: the doctor does not fetch CRLs.
    expect(await withEcho(revokedServer.full, revokedServer.key, () => diagnose(base()))).toMatchObject({ ok: true });
  });

  it("says when the server's certificate is for clients only", async () => {
    const r = await withEcho(clientProfileAsServer.full, clientProfileAsServer.key, () => diagnose(base()));
    expect(r).toMatchObject({ ok: false, code: "SERVER_CERT_WRONG_USAGE" });
  });

  it("says when the server's certificate has expired", async () => {
    const old = await buildTestHierarchy("ecdsa-p256", new Date("2019-01-01T00:00:00Z"));
    const { privateKeyPem } = await import("../pki/keys");
    const r = await withEcho(old.leafPem + old.intermediatePem, privateKeyPem(old.leafKey), () =>
      diagnose(
        base({ serverName: "api.example.com", trust: { pems: [old.rootPem], label: "old root", file: "old.crt" }, client: undefined }),
      ),
    );
    expect(r).toMatchObject({ ok: false, code: "CERT_EXPIRED" });
    expect(r.explanation).toContain("expired on 2019-04-01");
  });

  it("explains connection refused, a port that does not speak TLS, and silence", async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const closedPort = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await diagnose(base({ port: closedPort }))).toMatchObject({ code: "CONNECTION_REFUSED" });

    const plain = net.createServer((s) => s.end("HTTP/1.1 400 Bad Request\r\n\r\n"));
    const silent = net.createServer(() => undefined);
    for (const s of [plain, silent]) await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
    const plainResult = await diagnose(base({ port: (plain.address() as net.AddressInfo).port }));
    expect(plainResult).toMatchObject({ code: "PROTOCOL_MISMATCH" });
    expect(plainResult.explanation).toMatch(/not speak TLS/);
    expect(await diagnose(base({ port: (silent.address() as net.AddressInfo).port, timeoutMs: 500 }))).toMatchObject({ code: "TIMEOUT" });
    for (const s of [plain, silent]) s.close();
  });
});
