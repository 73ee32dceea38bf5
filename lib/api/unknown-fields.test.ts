/**
 * Every JSON endpoint of /api/v1 refuses fields it does not know (400, each named, with the
 * likely intended field), over real HTTP against the route handlers, and does nothing else.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db";
import { routeFiles, serveRoutes, type RouteServer } from "../testing/route-server";
import { loadApiToken } from "./auth";

let server: RouteServer;
let token: string;
const ids = { ca: "", intermediate: "", certificate: "", channel: "", acme: "" };

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(server.url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, text };
}

beforeAll(async () => {
  server = await serveRoutes(routeFiles("api/v1"));
  token = loadApiToken();
  ids.ca = (await call("POST", "/api/v1/cas", { commonName: "Unknown Fields Root" })).body.id;
  ids.intermediate = (await call("POST", "/api/v1/cas", { commonName: "Unknown Fields Intermediate", parentId: ids.ca })).body.id;
  ids.certificate = (await call("POST", "/api/v1/certificates", { caId: ids.ca, commonName: "uf.example.test" })).body.id;
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
  body: Record<string, unknown>;
  message: string;
  field: string;
}

/** One request per JSON endpoint, each with fields the endpoint does not know. */
const CASES: Record<string, Case> = {
  "POST /api/v1/acme/endpoints": {
    method: "POST",
    path: () => "/api/v1/acme/endpoints",
    body: { name: "typo", caId: "", requireEAB: true },
    message: "requireEAB: unknown field; did you mean requireEab?",
    field: "requireEAB",
  },
  "PATCH /api/v1/acme/endpoints/[id]": {
    method: "PATCH",
    path: () => `/api/v1/acme/endpoints/${ids.acme}`,
    body: { validityDay: 30 },
    message: "validityDay: unknown field; did you mean validityDays?",
    field: "validityDay",
  },
  "POST /api/v1/acme/endpoints/[id]/eab": {
    method: "POST",
    path: () => `/api/v1/acme/endpoints/${ids.acme}/eab`,
    body: { lable: "ci runner" },
    message: "lable: unknown field; did you mean label?",
    field: "lable",
  },
  "POST /api/v1/cas": {
    method: "POST",
    path: () => "/api/v1/cas",
    body: { commonName: "Typo Root", keyTypo: "rsa-2048" },
    message: "keyTypo: unknown field; did you mean keyType?",
    field: "keyTypo",
  },
  "POST /api/v1/cas/[id]/revoke": {
    method: "POST",
    path: () => `/api/v1/cas/${ids.intermediate}/revoke`,
    body: { reason: "keyCompromise", cascade: true },
    message: "cascade: unknown field. Accepted: reason.",
    field: "cascade",
  },
  "POST /api/v1/certificates": {
    method: "POST",
    path: () => "/api/v1/certificates",
    body: { caId: "", commonName: "typo.example.test", key_type: "rsa-2048", sans: { dnss: ["typo.example.test"] }, nameConstraints: {} },
    message:
      "key_type: unknown field; did you mean keyType? sans.dnss: unknown field; did you mean sans.dns? nameConstraints: unknown field. " +
      "Accepted: caId, profile, commonName, organization, organizationalUnit, sans, keyType, validityDays, keepPrivateKey, csrPem.",
    field: "key_type",
  },
  "POST /api/v1/certificates/[id]/pkcs12": {
    method: "POST",
    path: () => `/api/v1/certificates/${ids.certificate}/pkcs12`,
    body: { password: "export-me", pasword: "export-me" },
    message: "pasword: unknown field; did you mean password?",
    field: "pasword",
  },
  "POST /api/v1/certificates/[id]/renew": {
    method: "POST",
    path: () => `/api/v1/certificates/${ids.certificate}/renew`,
    body: { revoke_old: true },
    message: "revoke_old: unknown field; did you mean revokeOld?",
    field: "revoke_old",
  },
  "POST /api/v1/certificates/[id]/revoke": {
    method: "POST",
    path: () => `/api/v1/certificates/${ids.certificate}/revoke`,
    body: { reason: "superseded", Reason: "keyCompromise", comment: "rotating" },
    message: "Reason: unknown field; did you mean reason? comment: unknown field. Accepted: reason.",
    field: "Reason",
  },
  "PUT /api/v1/echo": {
    method: "PUT",
    path: () => "/api/v1/echo",
    body: { certificateId: "", clientCaId: [], clientAuth: "none" },
    message: "clientCaId: unknown field; did you mean clientCaIds?",
    field: "clientCaId",
  },
  "POST /api/v1/inspect": {
    method: "POST",
    path: () => "/api/v1/inspect",
    body: { pem: "x", hostnme: "a.example.test" },
    message: "hostnme: unknown field; did you mean hostname?",
    field: "hostnme",
  },
  "POST /api/v1/notifications/channels": {
    method: "POST",
    path: () => "/api/v1/notifications/channels",
    body: { kind: "email", name: "typo mail", host: "smtp.example.test", from: "ca@example.test", to: ["ops@example.test"], pasword: "x" },
    message: "pasword: unknown field; did you mean password?",
    field: "pasword",
  },
  "POST /api/v1/notifications/rules": {
    method: "POST",
    path: () => "/api/v1/notifications/rules",
    body: { channelId: "", days: [7] },
    message: "days: unknown field. Accepted: channelId, caId, daysBefore.",
    field: "days",
  },
  "POST /api/v1/tls/test": {
    method: "POST",
    path: () => "/api/v1/tls/test",
    body: { host: "echo", prot: 8443 },
    message: "prot: unknown field; did you mean port?",
    field: "prot",
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
    it(`${name} answers 400 naming each unknown field`, async () => {
      const before = await snapshot();
      const res = await call(c.method, c.path(), c.body);
      expect(res.status, res.text).toBe(400);
      expect(res.body).toEqual({ error: { code: "INVALID_INPUT", message: c.message, field: c.field } });
      // Refused before anything happened.
      expect(await snapshot()).toEqual(before);
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

  it("still accepts known fields in every case once the unknown ones are gone (nested and discriminated)", async () => {
    const issued = await call("POST", "/api/v1/certificates", {
      caId: ids.ca,
      commonName: "ok.example.test",
      sans: { dns: ["ok.example.test"] },
    });
    expect(issued.status, issued.text).toBe(201);
    const mail = await call("POST", "/api/v1/notifications/channels", {
      kind: "email",
      name: "ok mail",
      host: "smtp.example.test",
      from: "ca@example.test",
      to: ["ops@example.test"],
      password: "x",
    });
    expect(mail.status, mail.text).toBe(201);
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
