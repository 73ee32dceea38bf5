/**
 * Every JSON endpoint of /api/v1 refuses fields it does not know (400, each named, with the
 * likely intended field), over real HTTP against the route handlers, and does nothing else.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db";
import { routeFiles, serveRoutes, type RouteServer } from "../testing/route-server";
import { bodyErrors, queryErrors, undeclared } from "../testing/openapi-validator";
import { tempDir } from "../testing/openssl";
import { opensslSelfSigned } from "../testing/openssl-pki";
import { loadApiToken } from "./auth";

let server: RouteServer;
let token: string;
const ids = { ca: "", caPem: "", intermediate: "", certificate: "", certificate2: "", echo: "", channel: "", acme: "" };

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(server.url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const isJson = res.headers.get("content-type")?.includes("json");
  return { status: res.status, body: text && isJson ? JSON.parse(text) : null, text };
}

/** A CA made by openssl, for the import endpoint. */
let importable: { certificatePem: string; privateKeyPem: string };

beforeAll(async () => {
  const dir = tempDir();
  const ca = opensslSelfSigned(dir, "import", {
    subject: "/CN=Unknown Fields Import",
    extra: ["-days", "30", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
  });
  importable = { certificatePem: readFileSync(ca.out, "utf8"), privateKeyPem: readFileSync(ca.key, "utf8") };
  server = await serveRoutes(routeFiles("api/v1"));
  token = loadApiToken();
  const root = (await call("POST", "/api/v1/cas", { commonName: "Unknown Fields Root" })).body;
  ids.ca = root.id;
  ids.caPem = root.certificatePem;
  ids.intermediate = (await call("POST", "/api/v1/cas", { commonName: "Unknown Fields Intermediate", parentId: ids.ca })).body.id;
  ids.certificate = (await call("POST", "/api/v1/certificates", { caId: ids.ca, commonName: "uf.example.test" })).body.id;
  ids.certificate2 = (await call("POST", "/api/v1/certificates", { caId: ids.ca, commonName: "uf2.example.test" })).body.id;
  ids.echo = (await call("POST", "/api/v1/certificates", { caId: ids.ca, commonName: "localhost", sans: { dns: ["localhost"] } })).body.id;
  ids.channel = (
    await call("POST", "/api/v1/notifications/channels", { kind: "webhook", name: "uf hook", url: "https://hooks.example.test/x" })
  ).body.id;
  ids.acme = (await call("POST", "/api/v1/acme/endpoints", { name: "unknown-fields", caId: ids.ca })).body.id;
  expect(Object.values(ids).every(Boolean)).toBe(true);
});

afterAll(() => server?.close());

interface Case {
  method: string;
  path: () => string;
  /** With fields the endpoint does not know. */
  body: Record<string, unknown>;
  message: string;
  field: string;
  /** The request as it should have been: accepted by the document and the route. */
  valid: () => Record<string, unknown>;
}

/** One request per JSON endpoint, each with fields the endpoint does not know. */
const CASES: Record<string, Case> = {
  "POST /api/v1/acme/endpoints": {
    method: "POST",
    path: () => "/api/v1/acme/endpoints",
    body: { name: "typo", caId: "", requireEAB: true },
    message: "requireEAB: unknown field; did you mean requireEab?",
    field: "requireEAB",
    valid: () => ({ name: "valid-endpoint", caId: ids.ca, requireEab: true }),
  },
  "PATCH /api/v1/acme/endpoints/[id]": {
    method: "PATCH",
    path: () => `/api/v1/acme/endpoints/${ids.acme}`,
    body: { validityDay: 30 },
    message: "validityDay: unknown field; did you mean validityDays?",
    field: "validityDay",
    valid: () => ({ validityDays: 30 }),
  },
  "POST /api/v1/acme/endpoints/[id]/eab": {
    method: "POST",
    path: () => `/api/v1/acme/endpoints/${ids.acme}/eab`,
    body: { lable: "ci runner" },
    message: "lable: unknown field; did you mean label?",
    field: "lable",
    valid: () => ({ label: "ci runner" }),
  },
  "POST /api/v1/cas": {
    method: "POST",
    path: () => "/api/v1/cas",
    body: { commonName: "Typo Root", keyTypo: "rsa-2048" },
    message: "keyTypo: unknown field; did you mean keyType?",
    field: "keyTypo",
    valid: () => ({ commonName: "Valid Root", keyType: "rsa-2048" }),
  },
  "PUT /api/v1/cas/[id]/policy": {
    method: "PUT",
    path: () => `/api/v1/cas/${ids.intermediate}/policy`,
    body: { allowedName: ["*.example.test"] },
    message: "allowedName: unknown field; did you mean allowedNames?",
    field: "allowedName",
    valid: () => ({ allowedNames: ["*.example.test"] }),
  },
  "POST /api/v1/cas/import": {
    method: "POST",
    path: () => "/api/v1/cas/import",
    body: { certificatePem: "x", privateKeyPem: "y", keyPasphrase: "" },
    message: "keyPasphrase: unknown field; did you mean keyPassphrase?",
    field: "keyPasphrase",
    valid: () => importable,
  },
  "POST /api/v1/cas/[id]/revoke": {
    method: "POST",
    path: () => `/api/v1/cas/${ids.intermediate}/revoke`,
    body: { reason: "keyCompromise", cascade: true },
    message: "cascade: unknown field. Accepted: reason.",
    field: "cascade",
    valid: () => ({ reason: "keyCompromise" }),
  },
  "POST /api/v1/certificates": {
    method: "POST",
    path: () => "/api/v1/certificates",
    body: { caId: "", commonName: "typo.example.test", key_type: "rsa-2048", sans: { dnss: ["typo.example.test"] }, nameConstraints: {} },
    message:
      "key_type: unknown field; did you mean keyType? sans.dnss: unknown field; did you mean sans.dns? nameConstraints: unknown field. " +
      "Accepted: caId, profile, commonName, organization, organizationalUnit, sans, keyType, validityDays, keepPrivateKey, csrPem.",
    field: "key_type",
    valid: () => ({ caId: ids.ca, commonName: "typo.example.test", keyType: "rsa-2048", sans: { dns: ["typo.example.test"] } }),
  },
  "POST /api/v1/certificates/[id]/pkcs12": {
    method: "POST",
    path: () => `/api/v1/certificates/${ids.certificate}/pkcs12`,
    body: { password: "export-me", pasword: "export-me" },
    message: "pasword: unknown field; did you mean password?",
    field: "pasword",
    valid: () => ({ password: "export-me" }),
  },
  "POST /api/v1/certificates/[id]/renew": {
    method: "POST",
    path: () => `/api/v1/certificates/${ids.certificate}/renew`,
    body: { revoke_old: true },
    message: "revoke_old: unknown field; did you mean revokeOld?",
    field: "revoke_old",
    valid: () => ({ revokeOld: true }),
  },
  "POST /api/v1/certificates/[id]/revoke": {
    method: "POST",
    path: () => `/api/v1/certificates/${ids.certificate2}/revoke`,
    body: { reason: "superseded", Reason: "keyCompromise", comment: "rotating" },
    message: "Reason: unknown field; did you mean reason? comment: unknown field. Accepted: reason.",
    field: "Reason",
    valid: () => ({ reason: "superseded" }),
  },
  "PUT /api/v1/echo": {
    method: "PUT",
    path: () => "/api/v1/echo",
    body: { certificateId: "", clientCaId: [], clientAuth: "none" },
    message: "clientCaId: unknown field; did you mean clientCaIds?",
    field: "clientCaId",
    valid: () => ({ certificateId: ids.echo, clientCaIds: [], clientAuth: "none" }),
  },
  "POST /api/v1/inspect": {
    method: "POST",
    path: () => "/api/v1/inspect",
    body: { pem: "x", hostnme: "a.example.test" },
    message: "hostnme: unknown field; did you mean hostname?",
    field: "hostnme",
    valid: () => ({ pem: ids.caPem, hostname: "a.example.test" }),
  },
  "POST /api/v1/notifications/channels": {
    method: "POST",
    path: () => "/api/v1/notifications/channels",
    body: { kind: "email", name: "typo mail", host: "smtp.example.test", from: "ca@example.test", to: ["ops@example.test"], pasword: "x" },
    message: "pasword: unknown field; did you mean password?",
    field: "pasword",
    valid: () => ({
      kind: "email",
      name: "ok mail",
      host: "smtp.example.test",
      from: "ca@example.test",
      to: ["ops@example.test"],
      password: "x",
    }),
  },
  "PUT /api/v1/notifications/channels/[id]": {
    method: "PUT",
    path: () => `/api/v1/notifications/channels/${ids.channel}`,
    body: { kind: "webhook", name: "uf hook", url: "https://hooks.example.test/x", secrt: "x" },
    message: "secrt: unknown field; did you mean secret?",
    field: "secrt",
    valid: () => ({ kind: "webhook", name: "uf hook", url: "https://hooks.example.test/x" }),
  },
  "POST /api/v1/notifications/rules": {
    method: "POST",
    path: () => "/api/v1/notifications/rules",
    body: { channelId: "", days: [7] },
    message: "days: unknown field. Accepted: channelId, caId, daysBefore.",
    field: "days",
    valid: () => ({ channelId: ids.channel, daysBefore: [7] }),
  },
  "POST /api/v1/tls/test": {
    method: "POST",
    path: () => "/api/v1/tls/test",
    body: { host: "echo", prot: 8443 },
    message: "prot: unknown field; did you mean port?",
    field: "prot",
    valid: () => ({ host: "echo" }),
  },
};

describe("unknown fields at the JSON API", () => {
  it("covers every endpoint that reads a JSON body", () => {
    const reading = routeFiles("api/v1").flatMap((r) =>
      readFileSync(r.file, "utf8")
        .split(/^export /m)
        .filter((part) => part.includes("readJson("))
        .map((part) => `${/^(?:const|async function) (\w+)/.exec(part)![1]} ${r.route}`),
    );
    expect(reading.sort()).toEqual(Object.keys(CASES).sort());
  });

  for (const [name, c] of Object.entries(CASES)) {
    it(`${name} answers 400 naming each unknown field, as the OpenAPI document does, and accepts the request without them`, async () => {
      const docPath = name
        .split(" ")[1]!
        .replace(/^\/api\/v1/, "")
        .replace(/\[(\w+)\]/g, "{$1}");
      const before = await snapshot();
      const res = await call(c.method, c.path(), c.body);
      expect(res.status, res.text).toBe(400);
      expect(res.body).toEqual({ error: { code: "INVALID_INPUT", message: c.message, field: c.field } });
      // Refused before anything happened.
      expect(await snapshot()).toEqual(before);
      // The document (checked by Ajv, not zod) refuses the same fields...
      const named = [...c.message.matchAll(/(?:^|[?.] )([\w.]+): unknown field/g)].map((m) => m[1]);
      expect(new Set(undeclared(bodyErrors(c.method, docPath, c.body)))).toEqual(new Set(named));
      // ...and both accept the request as it should have been.
      expect(bodyErrors(c.method, docPath, c.valid())).toEqual([]);
      const ok = await call(c.method, c.path(), c.valid());
      expect(ok.status, ok.text).toBeLessThan(300);
    });
  }

  it("creates the root the bug report asked for only without the typo, and with the key type asked for", async () => {
    const refused = await call("POST", "/api/v1/cas", { commonName: "Typo Root", keyTypo: "rsa-2048" });
    expect(refused.status).toBe(400);
    expect(await getDb().authority.count({ where: { commonName: "Typo Root" } })).toBe(0);
    const created = await call("POST", "/api/v1/cas", { commonName: "Typo Root", keyType: "rsa-2048" });
    expect(created.status).toBe(201);
    expect(created.body.keyType).toBe("rsa-2048");
  });

  it("judges a discriminated union by the variant its kind picks", async () => {
    // The webhook variant does not know the e-mail fields.
    const hook = await call("POST", "/api/v1/notifications/channels", {
      kind: "webhook",
      name: "h",
      url: "https://h.example.test",
      host: "x",
    });
    expect(hook.body.error.message).toBe("host: unknown field. Accepted: name, trustCaId, kind, url, secret.");
  });

  it("names odd field names safely and lists at most twenty", async () => {
    const many = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`extra${i}`, i]));
    const res = await call("POST", "/api/v1/tls/test", { host: "echo", ...many, "a\nb": 1 });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain("extra19: unknown field.");
    expect(res.body.error.message).not.toContain("extra20:");
    expect(res.body.error.message).toContain("(and 6 more unknown fields)");
  });
});

/** GET endpoints: unknown query parameters are refused the same way. */
const QUERY_CASES: { route: string; path: () => string; query: Record<string, string>; message: string; valid: Record<string, string> }[] =
  [
    {
      route: "GET /api/v1/certificates",
      path: () => "/api/v1/certificates",
      query: { stauts: "revoked" },
      message: "stauts: unknown query parameter; did you mean status?",
      valid: { status: "revoked", pageSize: "5" },
    },
    {
      route: "GET /api/v1/certificates/export",
      path: () => "/api/v1/certificates/export",
      query: { fromat: "json" },
      message: "fromat: unknown query parameter; did you mean format?",
      valid: { format: "json", caId: "x" },
    },
    {
      route: "GET /api/v1/audit",
      path: () => "/api/v1/audit",
      query: { group: "auth", actr: "someone" },
      message: "actr: unknown query parameter; did you mean actor?",
      valid: { group: "auth", actor: "someone" },
    },
    {
      route: "GET /api/v1/certificates/[id]/download",
      path: () => `/api/v1/certificates/${ids.certificate}/download`,
      query: { fmt: "der" },
      message: "fmt: unknown query parameter. Accepted: format.",
      valid: { format: "der" },
    },
    {
      route: "GET /api/v1/notifications/deliveries",
      path: () => "/api/v1/notifications/deliveries",
      query: { limt: "5" },
      message: "limt: unknown query parameter; did you mean limit?",
      valid: { limit: "5", status: "failed" },
    },
  ];

describe("unknown query parameters at the JSON API", () => {
  it("covers every endpoint that reads its query string", () => {
    const reading = routeFiles("api/v1").flatMap((r) =>
      readFileSync(r.file, "utf8")
        .split(/^export /m)
        .filter((part) => part.includes("readQuery("))
        .map((part) => `${/^(?:const|async function) (\w+)/.exec(part)![1]} ${r.route}`),
    );
    // POST /inspect reads ?hostname= with a file as the body; its own test is in inspect's suite.
    expect(reading.sort()).toEqual([...QUERY_CASES.map((c) => c.route), "POST /api/v1/inspect"].sort());
  });

  for (const c of QUERY_CASES) {
    it(`${c.route} refuses ${Object.keys(c.query).join(", ")}, as the document does`, async () => {
      const docPath = c.route
        .split(" ")[1]!
        .replace(/^\/api\/v1/, "")
        .replace(/\[(\w+)\]/g, "{$1}");
      const res = await call("GET", `${c.path()}?${new URLSearchParams(c.query)}`);
      expect(res.status, res.text).toBe(400);
      expect(res.body.error.message).toBe(c.message);
      expect(undeclared(queryErrors("GET", docPath, c.query))).toEqual(Object.keys(c.query).filter((k) => !(k in c.valid)));
      expect(queryErrors("GET", docPath, c.valid)).toEqual([]);
      expect((await call("GET", `${c.path()}?${new URLSearchParams(c.valid)}`)).status).toBe(200);
    });
  }

  it("refuses an unknown parameter to the file upload of POST /inspect", async () => {
    const res = await fetch(`${server.url}/api/v1/inspect?hostnme=a.example.test`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/x-pem-file" },
      body: ids.caPem,
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toBe("hostnme: unknown query parameter; did you mean hostname?");
  });
});

async function snapshot() {
  const db = getDb();
  const [authorities, certificates, revoked, channels, rules, echo, acme, eab] = await Promise.all([
    db.authority.count(),
    db.certificate.count(),
    db.certificate.count({ where: { status: "revoked" } }),
    db.notificationChannel.count(),
    db.notificationRule.count(),
    db.echoSettings.findMany(),
    db.acmeEndpoint.findMany(),
    db.acmeEabKey.count(),
  ]);
  return { authorities, certificates, revoked, channels, rules, echo, acme, eab };
}
