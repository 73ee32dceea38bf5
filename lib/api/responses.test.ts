/**
 * Real answers of /api/v1, over real HTTP from the route handlers against a real SQLite store,
 * checked with Ajv against the OpenAPI document's response schemas (generated from
 * lib/api/responses*.ts, every object closed): a field the code answers and the document does not
 * name, or a documented field of the wrong type, fails here. Every request body sent is checked
 * against the document's request schema too, so the examples are valid requests.
 */
import { createServer as createTlsServer, type Server as TlsServer } from "node:tls";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db";
import { routeFiles, serveRoutes, type RouteServer } from "../testing/route-server";
import { bodyErrors, responseErrors } from "../testing/openapi-validator";
import { tempDir } from "../testing/openssl";
import { opensslCsr, opensslPem, opensslSelfSigned } from "../testing/openssl-pki";
import { loadApiToken } from "./auth";

let server: RouteServer;
let token: string;
let tlsServer: TlsServer;
/** Every documented "METHOD /path status" a real answer was checked against. */
const checked = new Set<string>();

/**
 * Calls the API, checks the request body and the answer against the document, and returns the
 * answer. `template` is the documented path ("/cas/{id}"), `path` the one called.
 */
async function call(method: string, template: string, path: string, body?: unknown) {
  if (body !== undefined) expect(bodyErrors(method, template, body), `${method} ${template} request`).toEqual([]);
  const res = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = res.headers.get("content-type")?.includes("json") ? await res.json() : undefined;
  if (json !== undefined) {
    expect(
      responseErrors(method, template, res.status, json),
      `${method} ${template} ${res.status}: ${JSON.stringify(json).slice(0, 300)}`,
    ).toEqual([]);
    checked.add(`${method} ${template} ${res.status}`);
  }
  return { status: res.status, body: json };
}

const ids = { root: "", intermediate: "", certificate: "", csrCertificate: "", channel: "", acme: "", account: "", order: "" };
let issuedFull = { certificatePem: "", chainPem: "", privateKeyPem: "" };

beforeAll(async () => {
  server = await serveRoutes(routeFiles("api/v1"));
  token = loadApiToken();
});

afterAll(async () => {
  await server?.close();
  tlsServer?.close();
});

describe("real API answers match the OpenAPI document's response schemas", () => {
  it("CAs: create, list, one, policy", async () => {
    const root = await call("POST", "/cas", "/cas", { commonName: "Responses Root" });
    expect(root.status).toBe(201);
    ids.root = root.body.id;
    const intermediate = await call("POST", "/cas", "/cas", {
      commonName: "Responses Issuing",
      parentId: ids.root,
      nameConstraints: { permitted: { dns: ["example.test"] } },
    });
    expect(intermediate.status).toBe(201);
    expect(intermediate.body.nameConstraints).toMatchObject({ permitted: { dns: ["example.test"] } });
    ids.intermediate = intermediate.body.id;
    expect((await call("GET", "/cas", "/cas")).status).toBe(200);
    // A CA made by openssl, imported with its key.
    const dir = tempDir("cadesk-responses-import-");
    const outside = opensslSelfSigned(dir, "outside", {
      subject: "/CN=Responses Outside Root",
      extra: ["-days", "365", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
    });
    const imported = await call("POST", "/cas/import", "/cas/import", {
      certificatePem: opensslPem.certificate(outside.out),
      privateKeyPem: opensslPem.key(outside.key),
    });
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject({ imported: true, keyStorage: "sealed", pkcs11: null });
    expect((await call("GET", "/cas/{id}", `/cas/${ids.intermediate}`)).status).toBe(200);
    expect((await call("PUT", "/cas/{id}/policy", `/cas/${ids.root}/policy`, { maxValidityDays: 200 })).status).toBe(200);
    expect((await call("GET", "/cas/{id}/policy", `/cas/${ids.root}/policy`)).status).toBe(200);
    expect((await call("GET", "/cas/{id}", "/cas/no-such-ca")).status).toBe(404);
  });

  it("certificates: issue with a generated key and from an openssl CSR, search, one, renew, hold and release", async () => {
    const issued = await call("POST", "/certificates", "/certificates", {
      caId: ids.intermediate,
      commonName: "api.example.test",
      sans: { dns: ["api.example.test"], ip: ["127.0.0.1"] },
    });
    expect(issued.status).toBe(201);
    expect(issued.body.privateKeyPem).toContain("PRIVATE KEY");
    ids.certificate = issued.body.id;
    issuedFull = issued.body;
    const dir = tempDir("cadesk-responses-");
    const csr = opensslCsr(dir, "r", { subject: "/CN=csr.example.test" });
    const fromCsr = await call("POST", "/certificates", "/certificates", { caId: ids.intermediate, csrPem: opensslPem.csr(csr.out) });
    expect(fromCsr.status).toBe(201);
    expect(fromCsr.body.privateKeyPem).toBeUndefined();
    ids.csrCertificate = fromCsr.body.id;
    expect((await call("GET", "/certificates", "/certificates?q=example.test&pageSize=5")).body.items.length).toBeGreaterThan(0);
    expect((await call("GET", "/certificates/{id}", `/certificates/${ids.certificate}`)).status).toBe(200);
    expect((await call("POST", "/certificates/{id}/renew", `/certificates/${ids.csrCertificate}/renew`, {})).status).toBe(201);
    expect(
      (await call("POST", "/certificates/{id}/revoke", `/certificates/${ids.certificate}/revoke`, { reason: "certificateHold" })).body
        .status,
    ).toBe("revoked");
    expect((await call("DELETE", "/certificates/{id}/revoke", `/certificates/${ids.certificate}/revoke`)).status).toBe(200);
    // A refusal has the documented error shape.
    expect(
      (await call("POST", "/certificates", "/certificates", { caId: ids.intermediate, commonName: "outside.example.org" })).status,
    ).toBe(400);
  });

  it("Inspect: a verified chain, and a refused one with the failing rule", async () => {
    const roots = (await call("GET", "/cas/{id}", `/cas/${ids.root}`)).body.certificatePem;
    const ok = await call("POST", "/inspect", "/inspect", {
      pem: issuedFull.certificatePem + issuedFull.chainPem,
      rootPem: roots,
      hostname: "api.example.test",
    });
    expect(ok.body.chain).toMatchObject({ ok: true });
    const refused = await call("POST", "/inspect", "/inspect", {
      pem: issuedFull.certificatePem,
      rootPem: roots,
      hostname: "other.example.test",
      mode: "webpki",
    });
    expect(refused.body.chain.ok).toBe(false);
  });

  it("the connection doctor against a real TLS server, and the echo server's status", async () => {
    tlsServer = createTlsServer({ cert: issuedFull.certificatePem + issuedFull.chainPem, key: issuedFull.privateKeyPem }, (s) =>
      s.end("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
    );
    await new Promise<void>((resolve) => tlsServer.listen(0, "127.0.0.1", resolve));
    const port = (tlsServer.address() as AddressInfo).port;
    const r = await call("POST", "/tls/test", "/tls/test", { host: "127.0.0.1", port, serverName: "api.example.test", caIds: [ids.root] });
    expect(r.body).toMatchObject({ ok: true, mode: "private" });
    expect(r.body.serverChain.length).toBeGreaterThan(0);
    const strict = await call("POST", "/tls/test", "/tls/test", {
      host: "127.0.0.1",
      port,
      serverName: "nope.example.test",
      caIds: [ids.root],
    });
    expect(strict.body).toMatchObject({ ok: false, code: "HOSTNAME_MISMATCH" });
    expect((await call("GET", "/echo", "/echo")).status).toBe(200);
  });

  it("notifications: a channel, a rule, a test delivery and the log", async () => {
    const channel = await call("POST", "/notifications/channels", "/notifications/channels", {
      kind: "webhook",
      name: "responses hook",
      url: "https://127.0.0.1:1/hook",
    });
    expect(channel.status).toBe(201);
    ids.channel = channel.body.id;
    expect((await call("POST", "/notifications/rules", "/notifications/rules", { channelId: ids.channel, daysBefore: [10] })).status).toBe(
      201,
    );
    const renamed = await call("PUT", "/notifications/channels/{id}", `/notifications/channels/${ids.channel}`, {
      kind: "webhook",
      name: "responses hook, renamed",
      url: "https://127.0.0.1:1/hook",
    });
    expect(renamed.body.name).toBe("responses hook, renamed");
    expect((await call("GET", "/notifications/channels", "/notifications/channels")).body.items.length).toBeGreaterThan(0);
    const tested = await call("POST", "/notifications/channels/{id}/test", `/notifications/channels/${ids.channel}/test`);
    expect(tested.body.status).toBe("failed");
    const resent = await call("POST", "/notifications/deliveries/{id}/resend", `/notifications/deliveries/${tested.body.id}/resend`);
    expect(resent.body).toMatchObject({ id: tested.body.id, status: "failed", attempts: 2 });
    expect((await call("POST", "/notifications/deliveries/{id}/resend", "/notifications/deliveries/nope/resend")).status).toBe(404);
    expect((await call("GET", "/notifications/deliveries", "/notifications/deliveries")).body.items.length).toBeGreaterThan(0);
  }, 60_000);

  it("ACME admin: an endpoint, its EAB key, and an account and order as the ACME server stores them", async () => {
    const endpoint = await call("POST", "/acme/endpoints", "/acme/endpoints", {
      name: "responses",
      caId: ids.intermediate,
      requireEab: true,
    });
    expect(endpoint.status).toBe(201);
    ids.acme = endpoint.body.id;
    expect((await call("PATCH", "/acme/endpoints/{id}", `/acme/endpoints/${ids.acme}`, { validityDays: 30 })).body.validityDays).toBe(30);
    const eab = await call("POST", "/acme/endpoints/{id}/eab", `/acme/endpoints/${ids.acme}/eab`, { label: "ci" });
    expect(eab.body.hmacKey).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // What the ACME server writes for a client whose http-01 challenge could not connect.
    const db = getDb();
    const at = new Date();
    ids.account = "acct-responses";
    await db.acmeAccount.create({
      data: {
        id: ids.account,
        endpointId: ids.acme,
        jwk: "{}",
        thumbprint: "responses-thumbprint",
        contacts: '["mailto:ops@example.test"]',
      },
    });
    const problem = JSON.stringify({ type: "urn:ietf:params:acme:error:connection", detail: "127.0.0.1:5002: connection refused" });
    ids.order = "order-responses";
    await db.acmeOrder.create({
      data: {
        id: ids.order,
        endpointId: ids.acme,
        accountId: ids.account,
        status: "invalid",
        identifiers: JSON.stringify([{ type: "dns", value: "app.example.test" }]),
        profile: "tlsserver",
        expires: new Date(at.getTime() + 86_400_000),
        error: problem,
        authorizations: {
          create: {
            id: "authz-responses",
            identifierType: "dns",
            identifierValue: "app.example.test",
            status: "invalid",
            expires: new Date(at.getTime() + 86_400_000),
            challenges: {
              create: {
                id: "chall-responses",
                type: "http-01",
                token: "token-responses",
                status: "invalid",
                error: problem,
                transcript: JSON.stringify([
                  { at: at.toISOString(), target: "http://127.0.0.1:5002/", outcome: "refused", detail: "connection refused" },
                ]),
                attempts: 1,
              },
            },
          },
        },
      },
    });
    expect((await call("GET", "/acme/endpoints", "/acme/endpoints")).body.items.length).toBeGreaterThan(0);
    const detail = await call("GET", "/acme/endpoints/{id}", `/acme/endpoints/${ids.acme}`);
    expect(detail.body).toMatchObject({ accountCount: 1, orderCount: 1 });
    expect((await call("GET", "/acme/endpoints/{id}/accounts", `/acme/endpoints/${ids.acme}/accounts`)).body.items).toHaveLength(1);
    expect((await call("GET", "/acme/endpoints/{id}/orders", `/acme/endpoints/${ids.acme}/orders`)).body.items).toHaveLength(1);
    const order = await call("GET", "/acme/endpoints/{id}/orders/{orderId}", `/acme/endpoints/${ids.acme}/orders/${ids.order}`);
    expect(order.body.authorizations[0].challenges[0].transcript).toHaveLength(1);
    const deactivated = await call(
      "POST",
      "/acme/endpoints/{id}/accounts/{accountId}/deactivate",
      `/acme/endpoints/${ids.acme}/accounts/${ids.account}/deactivate`,
    );
    expect(deactivated.body.status).toBe("revoked");
  });

  it("revoking an intermediate CA answers the documented CA", async () => {
    expect((await call("POST", "/cas/{id}/revoke", `/cas/${ids.intermediate}/revoke`, { reason: "cessationOfOperation" })).status).toBe(
      200,
    );
  });

  it("checked every JSON answer the document describes with a schema", () => {
    // The answers of this file, at least one per documented JSON response that has a schema.
    console.log(`responses checked against the document: ${checked.size}`);
    expect(checked.size).toBeGreaterThanOrEqual(33);
  });
});
