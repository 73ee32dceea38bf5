import { describe, expect } from "vitest";
import { it } from "../testing/system";
import { runAs, type Actor } from "../auth/actor";
import { getDb } from "../db";
import { AppError } from "../errors";
import { createApiToken } from "./api-tokens";
import { setAuthorityOperators } from "./authority-operators";
import { createAuthority } from "./create-authority";
import { updateEchoSettings } from "./echo-settings";
import { importAuthority } from "./import-authority";
import { issueCertificate } from "./issue-certificate";
import { createChannel, createRule } from "./notification-channels";
import { renewCertificate } from "./renew-certificate";
import { revokeCertificate } from "./revoke-certificate";
import { testConnection } from "./test-connection";
import { createUser, signIn } from "./users";

/** Values no form or API client should send, each a different way of being wrong. */
const JUNK: unknown[] = [
  undefined,
  null,
  0,
  -1,
  1e309,
  NaN,
  true,
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\u202e\u0007",
  "x".repeat(100_000),
  [],
  [null],
  ["x".repeat(5000)],
  {},
  { __proto__: { polluted: true } },
  { toString: 1 },
  JSON.parse('{"a":'.repeat(50) + "1" + "}".repeat(50)),
  "../../etc/passwd",
  "' OR '1'='1",
  "<script>alert(1)</script>",
  "*.*.example.com",
];

/** Ids arrive as path segments: always text. */
const asId = (v: unknown) => (typeof v === "string" ? v : (JSON.stringify(v) ?? "undefined"));

const admin: Actor = {
  type: "user",
  id: "fuzz-admin",
  label: "fuzz@example.test",
  role: "admin",
  userId: "fuzz-admin",
  ip: null,
  authenticatedAt: new Date(),
};

async function rowCounts() {
  const db = getDb();
  const [authorities, certificates, users, tokens, channels, rules] = await Promise.all([
    db.authority.count(),
    db.certificate.count(),
    db.user.count(),
    db.apiToken.count(),
    db.notificationChannel.count(),
    db.notificationRule.count(),
  ]);
  return { authorities, certificates, users, tokens, channels, rules };
}

describe("hostile input at every service boundary", () => {
  it("is refused with an AppError (a 4xx with a message) or accepted as plain text, never a crash", async () => {
    const ca = (await createAuthority({ commonName: `Fuzz CA ${Date.now()}` })).authority;
    const cert = (await issueCertificate({ caId: ca.id, commonName: "fuzz.example.com" })).certificate;
    const before = await rowCounts();
    let accepted = 0;
    const surfaces: [string, (v: unknown) => Promise<unknown>][] = [
      ["createAuthority", (v) => createAuthority(v)],
      ["createAuthority.commonName", (v) => createAuthority({ commonName: v })],
      ["createAuthority.validityDays", (v) => createAuthority({ commonName: "Fuzz", validityDays: v, parentId: "nope" })],
      ["importAuthority", (v) => importAuthority({ certificatePem: v, privateKeyPem: v })],
      ["issueCertificate", (v) => issueCertificate(v)],
      ["issueCertificate.sans", (v) => issueCertificate({ caId: ca.id, commonName: "ok.example.com", sans: { dns: [v] } })],
      ["issueCertificate.commonName", (v) => issueCertificate({ caId: ca.id, commonName: v, sans: { ip: ["not-an-ip"] } })],
      ["issueCertificate.csrPem", (v) => issueCertificate({ caId: ca.id, csrPem: v })],
      ["revokeCertificate.reason", (v) => revokeCertificate(cert.id, { reason: v === undefined ? "bogus" : v })],
      ["revokeCertificate.id", (v) => revokeCertificate(asId(v), { reason: "superseded" })],
      ["renewCertificate.id", (v) => renewCertificate(asId(v), {})],
      ["updateEchoSettings", (v) => updateEchoSettings({ certificateId: v, clientCaIds: v, clientAuth: v })],
      ["testConnection.host", (v) => testConnection({ host: v === undefined ? "" : v, port: 0 })],
      ["createChannel", (v) => createChannel({ kind: "webhook", name: v, url: v })],
      ["createChannel.email", (v) => createChannel({ kind: "email", name: "m", host: v, from: v, to: v })],
      ["createRule", (v) => createRule({ channelId: v, daysBefore: v })],
      ["createUser", (v) => createUser({ email: v, role: v, password: v })],
      ["createApiToken", (v) => createApiToken({ name: v, role: v, expiresInDays: v === undefined ? -1 : v })],
      ["setAuthorityOperators", (v) => setAuthorityOperators(ca.id, { restrict: v, operatorIds: v })],
      ["signIn", (v) => signIn({ email: v, password: v }, { ip: null, userAgent: null })],
    ];
    for (const [name, call] of surfaces) {
      for (const [i, value] of JUNK.entries()) {
        const error = await runAs(admin, () => call(value)).then(
          () => null,
          (e: unknown) => e,
        );
        const label = `${name} with junk #${i}`;
        // Some junk is merely odd text ("<script>" is a legal CA name): it may be stored as text.
        if (error === null) {
          accepted++;
          continue;
        }
        expect(error, label).toBeInstanceOf(AppError);
        expect((error as AppError).status, label).toBeGreaterThanOrEqual(400);
        expect((error as AppError).status, label).toBeLessThan(500);
        expect((error as AppError).message.length, label).toBeGreaterThan(5);
      }
    }
    const after = await rowCounts();
    expect(
      after.certificates - before.certificates + after.authorities - before.authorities + after.channels - before.channels,
    ).toBeLessThanOrEqual(accepted);
    expect(accepted).toBeLessThan(20);
    // Nothing stored carries a control or invisible character.
    const names = [
      ...(await getDb().authority.findMany({ select: { commonName: true } })).map((a) => a.commonName),
      ...(await getDb().certificate.findMany({ select: { commonName: true } })).map((c) => c.commonName),
      ...(await getDb().notificationChannel.findMany({ select: { name: true } })).map((c) => c.name),
    ];
    expect(names.filter((n) => /[\u0000-\u001f\u007f\u202a-\u202e]/.test(n))).toEqual([]);
    expect((await getDb().certificate.findUniqueOrThrow({ where: { id: cert.id } })).status).toBe("active");
  }, 120_000);
});
