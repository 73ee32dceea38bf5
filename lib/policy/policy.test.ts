/**
 * The per-CA issuance policy: its rules on their own (pure), stored and audited through the
 * service, enforced by the pipeline for issuance and renewal, and the JSON API over real HTTP:
 * name constraints on POST /cas, NAME_NOT_ALLOWED and POLICY_VIOLATION answers, GET/PUT policy.
 */
import { describe, expect } from "vitest";
import { afterAll, beforeAll, it } from "../testing/system";
import { loadApiToken } from "../api/auth";
import { getDb } from "../db";
import { createAuthority } from "../services/create-authority";
import { issueCertificate } from "../services/issue-certificate";
import { renewCertificate } from "../services/renew-certificate";
import { setAuthorityPolicy } from "../services/set-authority-policy";
import { routeFiles, serveRoutes, type RouteServer } from "../testing/route-server";
import { ZIssuancePolicy } from "../validations/policy";
import { parseInput } from "../validations/parse";
import type { San } from "../pki/names";
import { keyFamily, policyRefusal, type IssuancePolicyRules } from "./rules";
import { refusal } from "../testing/refusal";

describe("policy rules", () => {
  const rules: IssuancePolicyRules = parseInput(ZIssuancePolicy, {
    allowedNames: "*.svc.example.com\napi.example.com, *@example.com",
    allowWildcards: "false",
    allowedIps: ["10.20.0.0/16"],
    allowedUriPrefixes: ["spiffe://prod.example/ns/"],
    keyTypes: ["ecdsa-p256", "rsa"],
    minRsaBits: "3072",
    profiles: ["server"],
    maxValidityDays: 90,
  });
  const ok: { sans: San[]; keyType: string; profile: string; validityDays: number } = {
    sans: [{ type: "dns", value: "a.svc.example.com" }],
    keyType: "ecdsa-p256",
    profile: "server",
    validityDays: 90,
  };
  const refused = (change: Partial<typeof ok>) => policyRefusal(rules, { ...ok, ...change }, "CA X");

  it("reads form text and JSON alike", () => {
    expect(rules).toEqual({
      allowedNames: ["*.svc.example.com", "api.example.com", "*@example.com"],
      allowWildcards: false,
      allowedIps: ["10.20.0.0/16"],
      allowedUriPrefixes: ["spiffe://prod.example/ns/"],
      keyTypes: ["ecdsa-p256", "rsa"],
      minRsaBits: 3072,
      profiles: ["server"],
      maxValidityDays: 90,
    });
    expect(() => parseInput(ZIssuancePolicy, { allowedNames: ["ok.example.com", "bad name"] })).toThrow(
      'Allowed name "bad name" is not a DNS name',
    );
    expect(() => parseInput(ZIssuancePolicy, { keyTypes: ["dsa"] })).toThrow("Key types must be among ecdsa-p256");
  });

  it("allows what the rules allow", () => {
    expect(refused({})).toBeUndefined();
    expect(refused({ sans: [{ type: "dns", value: "api.example.com" }] })).toBeUndefined();
    expect(refused({ sans: [{ type: "email", value: "ops@example.com" }], keyType: "RSA 4096" })).toBeUndefined();
    expect(
      refused({
        sans: [
          { type: "ip", value: "10.20.3.4" },
          { type: "uri", value: "spiffe://prod.example/ns/web" },
        ],
      }),
    ).toBeUndefined();
  });

  it.each([
    [
      { sans: [{ type: "dns", value: "svc.example.com" }] },
      "NAME_NOT_ALLOWED",
      "allowedNames",
      'The DNS name "svc.example.com" is not among',
    ],
    [{ sans: [{ type: "dns", value: "*.svc.example.com" }] }, "NAME_NOT_ALLOWED", "allowWildcards", "wildcards are turned off"],
    [{ sans: [{ type: "email", value: "ops@other.org" }] }, "NAME_NOT_ALLOWED", "allowedNames", 'e-mail address "ops@other.org"'],
    [{ sans: [{ type: "ip", value: "10.21.0.1" }] }, "NAME_NOT_ALLOWED", "allowedIps", 'not in the allowed ranges "10.20.0.0/16"'],
    [{ sans: [{ type: "uri", value: "spiffe://prod.example/other" }] }, "NAME_NOT_ALLOWED", "allowedUriPrefixes", "does not start with"],
    [{ keyType: "ed25519" }, "POLICY_VIOLATION", "keyTypes", "The key type ed25519 is not allowed: use one of ecdsa-p256, rsa"],
    [{ keyType: "rsa-2048" }, "POLICY_VIOLATION", "minRsaBits", "An RSA key of 2048 bits is too small: at least 3072"],
    [{ profile: "client" }, "POLICY_VIOLATION", "profiles", 'The profile "client" is not allowed'],
    [{ validityDays: 91 }, "POLICY_VIOLATION", "maxValidityDays", "91 days is longer than the 90 days allowed"],
  ] as const)("refuses %j with %s naming rule %s", (change, code, rule, text) => {
    const r = refused(change as Partial<typeof ok>);
    expect(r).toMatchObject({ code, rule });
    expect(r!.message).toContain(text);
    expect(r!.message).toContain(`the issuance policy of the CA "CA X", rule ${rule}`);
  });

  it("names key types as the pipeline records them", () => {
    expect(keyFamily("rsa-3072")).toEqual({ family: "rsa", rsaBits: 3072 });
    expect(keyFamily("RSA 8192")).toEqual({ family: "rsa", rsaBits: 8192 });
    expect(keyFamily("ECDSA P-521")).toEqual({ family: "ecdsa-p521" });
    expect(keyFamily("ecdsa-p384")).toEqual({ family: "ecdsa-p384" });
    expect(keyFamily("Ed25519")).toEqual({ family: "ed25519" });
  });
});

describe("a stored policy", () => {
  let caId: string;
  beforeAll(async () => {
    const root = await createAuthority({ commonName: "Policy Test Root" });
    caId = (await createAuthority({ commonName: "Policy Test Issuing", parentId: root.authority.id })).authority.id;
  });

  it("is saved, audited with before and after, and enforced on issuance and renewal", async () => {
    const issued = await issueCertificate({ caId, profile: "server", commonName: "web.legacy.example.com", validityDays: 200 });
    const saved = await setAuthorityPolicy(caId, { allowedNames: ["*.apps.example.com"], maxValidityDays: 100, minRsaBits: undefined });
    expect(saved).toEqual({ allowedNames: ["*.apps.example.com"], maxValidityDays: 100 });
    const event = await getDb().auditEvent.findFirstOrThrow({ where: { action: "ca.policy", objectId: caId }, orderBy: { id: "desc" } });
    expect(JSON.parse(event.detail!)).toEqual({ before: {}, after: { allowedNames: ["*.apps.example.com"], maxValidityDays: 100 } });

    const name = await refusal(issueCertificate({ caId, profile: "server", commonName: "db.example.com", validityDays: 30 }));
    expect(name).toMatchObject({ code: "NAME_NOT_ALLOWED", field: "sans", status: 400 });
    expect(name.message).toContain(
      '"db.example.com" is not among the allowed names "*.apps.example.com" (the issuance policy of the CA "Policy Test Issuing", rule allowedNames)',
    );
    const days = await refusal(issueCertificate({ caId, profile: "server", commonName: "a.apps.example.com", validityDays: 365 }));
    expect(days).toMatchObject({ code: "POLICY_VIOLATION", field: "validityDays" });
    await issueCertificate({ caId, profile: "server", commonName: "a.apps.example.com", validityDays: 90 });

    // The certificate issued before the policy renews only within it.
    const renewal = await refusal(renewCertificate(issued.certificate.id, {}));
    expect(renewal.code).toBe("NAME_NOT_ALLOWED");
    expect(renewal.message).toContain("web.legacy.example.com");

    // PUT semantics: an empty policy lifts every rule.
    expect(await setAuthorityPolicy(caId, {})).toEqual({});
    expect((await getDb().authority.findUniqueOrThrow({ where: { id: caId } })).issuancePolicy).toBeNull();
    await renewCertificate(issued.certificate.id, {});
  });
});

describe("the JSON API", () => {
  let server: RouteServer;
  let token: string;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(server.url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return {
      status: res.status,
      body: (await res.json()) as Record<string, unknown> & { error?: { code: string; message: string; field?: string } },
    };
  };
  beforeAll(async () => {
    server = await serveRoutes(routeFiles("api/v1"));
    token = loadApiToken();
  });
  afterAll(() => server?.close());

  it("creates a constrained intermediate, refuses names outside it, and reads and sets its policy", async () => {
    const root = await call("POST", "/api/v1/cas", { commonName: "API NC Root" });
    const bad = await call("POST", "/api/v1/cas", {
      commonName: "API NC Bad",
      parentId: root.body.id,
      nameConstraints: { permitted: { dns: ["*.internal"] } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: "INVALID_INPUT", field: "nameConstraints.permitted.dns" });
    expect(bad.body.error!.message).toContain('DNS subtree "*.internal" has a wildcard');
    const typo = await call("POST", "/api/v1/cas", { commonName: "API NC Typo", nameConstraints: { permited: { dns: ["internal"] } } });
    expect(typo.body.error!.message).toContain("nameConstraints.permited: unknown field; did you mean nameConstraints.permitted?");

    const created = await call("POST", "/api/v1/cas", {
      commonName: "API NC Issuing",
      parentId: root.body.id,
      nameConstraints: { permitted: { dns: [".corp.internal"], ip: ["10.9.0.0/16"] }, excluded: { uri: ["evil.example"] } },
    });
    expect(created.status).toBe(201);
    expect(created.body.nameConstraints).toEqual({
      permitted: { dns: ["corp.internal"], ip: ["10.9.0.0/16"] },
      excluded: { uri: ["evil.example"] },
      critical: true,
    });
    const id = created.body.id as string;
    expect((await call("GET", `/api/v1/cas/${id}`)).body.nameConstraints).toEqual(created.body.nameConstraints);

    const outside = await call("POST", "/api/v1/certificates", { caId: id, commonName: "www.example.com" });
    expect(outside.status).toBe(400);
    expect(outside.body.error).toMatchObject({ code: "NAME_NOT_ALLOWED", field: "sans" });
    expect(outside.body.error!.message).toContain(
      'The DNS name "www.example.com" is not allowed: the CA "API NC Issuing" permits only "corp.internal"',
    );
    expect((await call("POST", "/api/v1/certificates", { caId: id, commonName: "app.corp.internal" })).status).toBe(201);

    expect((await call("GET", `/api/v1/cas/${id}/policy`)).body).toEqual({});
    const put = await call("PUT", `/api/v1/cas/${id}/policy`, { keyTypes: ["ecdsa-p384"], profiles: ["server"] });
    expect(put).toEqual({ status: 200, body: { keyTypes: ["ecdsa-p384"], profiles: ["server"] } });
    expect((await call("GET", `/api/v1/cas/${id}/policy`)).body).toEqual({ keyTypes: ["ecdsa-p384"], profiles: ["server"] });
    const key = await call("POST", "/api/v1/certificates", { caId: id, commonName: "b.corp.internal", keyType: "ecdsa-p256" });
    expect(key.status).toBe(400);
    expect(key.body.error).toMatchObject({ code: "POLICY_VIOLATION", field: "keyType" });
    expect(key.body.error!.message).toContain("The key type ecdsa-p256 is not allowed: use one of ecdsa-p384");
    expect((await call("POST", "/api/v1/certificates", { caId: id, commonName: "b.corp.internal", keyType: "ecdsa-p384" })).status).toBe(
      201,
    );
    const badPolicy = await call("PUT", `/api/v1/cas/${id}/policy`, { allowedIps: ["10.0.0.1/8"] });
    expect(badPolicy.body.error).toMatchObject({ code: "INVALID_INPUT", field: "allowedIps" });
    expect(badPolicy.body.error!.message).toContain("did you mean 10.0.0.0/8?");
  });
});
