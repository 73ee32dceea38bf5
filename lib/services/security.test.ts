import { describe, expect } from "vitest";
import { it } from "../testing/system";
import { runAs, type Actor } from "../auth/actor";
import { decoyHash, hashPassword, verifyPassword } from "../auth/password";
import { findSession } from "../auth/sessions";
import { getDb } from "../db";
import { parseConfig } from "../config";
import { apiActor } from "../api/auth";
import { createApiToken, revokeApiToken } from "./api-tokens";
import { audit } from "./audit";
import { setAuthorityOperators } from "./authority-operators";
import { createAuthority } from "./create-authority";
import { exportCertificate } from "./export-certificate";
import { issueCertificate } from "./issue-certificate";
import { revokeCertificate } from "./revoke-certificate";
import { changeOwnPassword, changeRole, createUser, signIn } from "./users";
import { refusal } from "../testing/refusal";

const meta = { ip: "203.0.113.7", userAgent: "vitest" };
let counter = 0;
const email = (name: string) => `${name}-${Date.now()}-${counter++}@example.test`;
const PASSWORD = "correct horse battery staple";

async function userActor(role: "admin" | "operator" | "viewer", authenticatedAt = new Date()): Promise<Actor> {
  const user = await runAs(admin(), () => createUser({ email: email(role), role, password: PASSWORD }));
  return { type: "user", id: user.id, label: user.email, role, userId: user.id, ip: meta.ip, authenticatedAt, sessionId: "test" };
}
function admin(): Actor {
  return {
    type: "user",
    id: "bootstrap",
    label: "bootstrap@example.test",
    role: "admin",
    userId: "bootstrap",
    ip: null,
    authenticatedAt: new Date(),
  };
}
describe("passwords", () => {
  it("hashes with scrypt and a salt, and verifies only the right password", async () => {
    const a = await hashPassword(PASSWORD);
    const b = await hashPassword(PASSWORD);
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword(PASSWORD, a)).toBe(true);
    expect(await verifyPassword(PASSWORD + "!", a)).toBe(false);
    expect(await verifyPassword(PASSWORD, await decoyHash())).toBe(false);
  });

  it("refuses short and trivial passwords with the reason", async () => {
    expect((await refusal(runAs(admin(), () => createUser({ email: email("short"), role: "viewer", password: "short" })))).message).toMatch(
      /at least 12 characters/,
    );
    expect(
      (await refusal(runAs(admin(), () => createUser({ email: email("rep"), role: "viewer", password: "aaaaaaaaaaaaaaa" })))).message,
    ).toMatch(/repeats too few/);
  });
});

describe("sign-in", () => {
  it("says the same for an unknown e-mail and a wrong password, and starts a server-side session", async () => {
    const viewer = await userActor("viewer");
    const unknown = await refusal(signIn({ email: email("nobody"), password: PASSWORD }, meta));
    const wrong = await refusal(signIn({ email: viewer.label, password: "not the password at all" }, meta));
    expect(unknown.message).toBe(wrong.message);
    expect(unknown.status).toBe(401);
    const { token, user } = await signIn({ email: viewer.label.toUpperCase(), password: PASSWORD }, meta);
    expect(user.id).toBe(viewer.userId);
    expect((await findSession(token))?.user.email).toBe(viewer.label);
    const stored = await getDb().session.findMany({ where: { userId: user.id } });
    expect(stored.map((s) => s.id)).not.toContain(token); // only the hash is kept
  });

  it("makes repeated failures wait, longer each time, without telling whether the account exists", async () => {
    const target = email("victim");
    const ip = { ...meta, ip: `198.51.100.${counter++}` };
    for (let i = 0; i < 5; i++) expect((await refusal(signIn({ email: target, password: `guess number ${i}` }, ip))).status).toBe(401);
    const sixth = await refusal(signIn({ email: target, password: "guess number 6" }, ip));
    expect(sixth.status).toBe(401);
    const blocked = await refusal(signIn({ email: target, password: "guess number 7" }, ip));
    expect(blocked.status).toBe(429);
    expect(blocked.message).toMatch(/Wait \d+ seconds? and try again/);
    const events = await getDb().auditEvent.findMany({ where: { action: "auth.sign_in", actorLabel: target } });
    expect(events).toHaveLength(7);
    expect(events.every((e) => e.outcome === "failure" && e.ip === ip.ip)).toBe(true);
  });

  it("signs other sessions out when the password changes", async () => {
    const viewer = await userActor("viewer");
    const first = await signIn({ email: viewer.label, password: PASSWORD }, meta);
    const second = await signIn({ email: viewer.label, password: PASSWORD }, meta);
    const keep = (await findSession(second.token))!.session.id;
    await runAs({ ...viewer, sessionId: keep }, () =>
      changeOwnPassword({ currentPassword: PASSWORD, newPassword: "a new and longer passphrase" }),
    );
    expect(await findSession(first.token)).toBeNull();
    expect(await findSession(second.token)).not.toBeNull();
    await expect(signIn({ email: viewer.label, password: PASSWORD }, meta)).rejects.toThrow(/do not match/);
  });
});

describe("roles, enforced by the services themselves", () => {
  it("lets a viewer read but not issue, an operator issue but not create CAs or export keys", async () => {
    const ca = (await createAuthority({ commonName: `Roles CA ${counter++}` })).authority;
    const viewer = await userActor("viewer");
    const operator = await userActor("operator");
    expect((await refusal(runAs(viewer, () => issueCertificate({ caId: ca.id, commonName: "v.example.com" })))).status).toBe(403);
    const issued = await runAs(operator, () => issueCertificate({ caId: ca.id, commonName: "op.example.com" }));
    expect((await refusal(runAs(operator, () => createAuthority({ commonName: "Operator CA" })))).status).toBe(403);
    expect((await refusal(runAs(operator, () => exportCertificate(issued.certificate.id, "key")))).status).toBe(403);
    expect(String((await runAs(operator, () => exportCertificate(issued.certificate.id, "pem"))).body)).toContain("BEGIN CERTIFICATE");
    const adminActor = await userActor("admin");
    expect(String((await runAs(adminActor, () => exportCertificate(issued.certificate.id, "key"))).body)).toContain("PRIVATE KEY");
    const exports = await getDb().auditEvent.findMany({
      where: { action: "key.export", objectId: issued.certificate.id },
      orderBy: { id: "asc" },
    });
    // The operator's refused attempt is in the log too, as a failure.
    expect(exports.map((e) => [e.actorLabel, e.outcome])).toEqual([
      [operator.label, "failure"],
      [adminActor.label, "success"],
    ]);
  });

  it("asks for the password again before sensitive actions when the sign-in is old", async () => {
    const ca = (await createAuthority({ commonName: `Reauth CA ${counter++}` })).authority;
    const stale = await userActor("admin", new Date(Date.now() - 10 * 60_000));
    const error = await refusal(runAs(stale, () => createAuthority({ commonName: "Stale admin CA" })));
    expect(error.code).toBe("REAUTH_REQUIRED");
    const cert = await issueCertificate({ caId: ca.id, commonName: "stale.example.com" });
    expect((await refusal(runAs(stale, () => revokeCertificate(cert.certificate.id, { reason: "superseded" })))).code).toBe(
      "REAUTH_REQUIRED",
    );
    expect((await refusal(runAs(stale, () => exportCertificate(cert.certificate.id, "key")))).code).toBe("REAUTH_REQUIRED");
    expect((await getDb().certificate.findUniqueOrThrow({ where: { id: cert.certificate.id } })).status).toBe("active");
  });

  it("limits a CA to chosen operators", async () => {
    const ca = (await createAuthority({ commonName: `Limited CA ${counter++}` })).authority;
    const allowed = await userActor("operator");
    const other = await userActor("operator");
    await setAuthorityOperators(ca.id, { restrict: true, operatorIds: [allowed.userId] });
    await runAs(allowed, () => issueCertificate({ caId: ca.id, commonName: "allowed.example.com" }));
    const refused = await refusal(runAs(other, () => issueCertificate({ caId: ca.id, commonName: "other.example.com" })));
    expect(refused.status).toBe(403);
    expect(refused.message).toContain(`not among the operators allowed to use the CA "${ca.commonName}"`);
    // An operator API token is named on the list like a person.
    const { token } = await runAs(admin(), () => createApiToken({ name: `limited-${counter++}`, role: "operator" }));
    const tokenActor = await apiActor(new Request("http://cadesk.test/", { headers: { authorization: `Bearer ${token}` } }));
    expect((await refusal(runAs(tokenActor, () => issueCertificate({ caId: ca.id, commonName: "token.example.com" })))).status).toBe(403);
    await setAuthorityOperators(ca.id, { restrict: true, operatorIds: [allowed.userId, tokenActor.id] });
    await runAs(tokenActor, () => issueCertificate({ caId: ca.id, commonName: "token.example.com" }));
    await expect(setAuthorityOperators(ca.id, { restrict: true, operatorIds: ["not-an-operator"] })).rejects.toThrow(
      /Only existing operators/,
    );
    await setAuthorityOperators(ca.id, { restrict: false });
    await runAs(other, () => issueCertificate({ caId: ca.id, commonName: "other.example.com" }));
  });

  it("forgets expired sessions and old sign-in failures", async () => {
    const { forgetExpired } = await import("./scheduler");
    const viewer = await userActor("viewer");
    const { token } = await signIn({ email: viewer.label, password: PASSWORD }, meta);
    const later = new Date(Date.now() + 13 * 3600_000);
    await forgetExpired(later);
    expect(await getDb().session.count({ where: { userId: viewer.userId! } })).toBe(0);
    expect(await findSession(token)).toBeNull();
  });

  it("signs out everywhere else on request, keeping this session", async () => {
    const { endOtherSessions } = await import("./users");
    const viewer = await userActor("viewer");
    const here = await signIn({ email: viewer.label, password: PASSWORD }, meta);
    const elsewhere = await signIn({ email: viewer.label, password: PASSWORD }, meta);
    const hereId = (await findSession(here.token))!.session.id;
    await runAs({ ...viewer, sessionId: hereId }, () => endOtherSessions());
    expect(await findSession(here.token)).not.toBeNull();
    expect(await findSession(elsewhere.token)).toBeNull();
  });

  it("lets an admin reset someone's password, ending their sessions", async () => {
    const { resetPassword } = await import("./users");
    const viewer = await userActor("viewer");
    const session = await signIn({ email: viewer.label, password: PASSWORD }, meta);
    expect((await refusal(runAs(admin(), () => resetPassword(viewer.userId!, "short")))).message).toMatch(/at least 12/);
    await runAs(admin(), () => resetPassword(viewer.userId!, "a fresh temporary passphrase"));
    expect(await findSession(session.token)).toBeNull();
    await signIn({ email: viewer.label, password: "a fresh temporary passphrase" }, meta);
    expect((await refusal(runAs(viewer, () => resetPassword(viewer.userId!, "a fresh temporary passphrase")))).status).toBe(403);
  });

  it("keeps at least one admin", async () => {
    const only = await userActor("admin");
    await getDb().user.updateMany({ where: { role: "admin", id: { not: only.userId! } }, data: { role: "viewer" } });
    expect((await refusal(runAs(only, () => changeRole(only.userId!, "viewer")))).message).toMatch(/only admin/);
  });
});

describe("API tokens", () => {
  const request = (token: string) =>
    new Request("http://cadesk.test/api/v1/cas", { headers: { authorization: `Bearer ${token}`, "x-forwarded-for": "192.0.2.1" } });

  it("are shown once, stored hashed, carry a role, note their last use, and stop working when revoked or expired", async () => {
    const { token, record } = await runAs(admin(), () => createApiToken({ name: "ci-deploy", role: "operator", expiresInDays: 30 }));
    expect(token).toMatch(/^cdk_/);
    expect(JSON.stringify(await getDb().apiToken.findUniqueOrThrow({ where: { id: record.id } }))).not.toContain(token);
    const actor = await apiActor(request(token));
    expect(actor).toMatchObject({ type: "token", role: "operator", label: 'token "ci-deploy"', ip: "192.0.2.1" });
    expect((await getDb().apiToken.findUniqueOrThrow({ where: { id: record.id } })).lastUsedAt).not.toBeNull();
    await runAs(admin(), () => revokeApiToken(record.id));
    expect((await refusal(apiActor(request(token)))).status).toBe(401);

    const expiring = await runAs(admin(), () =>
      createApiToken({ name: "short", role: "viewer", expiresInDays: 1 }, new Date(Date.now() - 2 * 86_400_000)),
    );
    expect((await refusal(apiActor(request(expiring.token)))).status).toBe(401);
    expect((await refusal(apiActor(request("cdk_made-up")))).status).toBe(401);
  });
});

describe("audit log", () => {
  it("records who did what, and the database refuses to change or delete an event", async () => {
    const operator = await userActor("operator");
    const ca = (await createAuthority({ commonName: `Audit CA ${counter++}` })).authority;
    const issued = await runAs(operator, () => issueCertificate({ caId: ca.id, commonName: "audited.example.com" }));
    const event = await getDb().auditEvent.findFirstOrThrow({ where: { action: "certificate.issue", objectId: issued.certificate.id } });
    expect(event).toMatchObject({
      actorType: "user",
      actorLabel: operator.label,
      ip: meta.ip,
      objectLabel: "audited.example.com",
      outcome: "success",
    });
    // The triggers refuse: SQLite's RAISE(ABORT) reaches us as a constraint violation, PostgreSQL's
    // RAISE EXCEPTION with its message.
    await expect(getDb().auditEvent.update({ where: { id: event.id }, data: { actorLabel: "someone else" } })).rejects.toThrow(
      /constraint|append-only/,
    );
    await expect(getDb().auditEvent.deleteMany({ where: { id: event.id } })).rejects.toThrow(/constraint|append-only/);
    expect(await getDb().auditEvent.findUniqueOrThrow({ where: { id: event.id } })).toEqual(event);
    await audit({ action: "test.noop" });
    expect((await getDb().auditEvent.findFirstOrThrow({ where: { action: "test.noop" } })).actorLabel).toBe("cadesk");
  });
});

describe("first run", () => {
  it("needs the setup token, works once, and CADESK_ADMIN_EMAIL/PASSWORD does the same at start", async () => {
    const { completeSetup, bootstrapAdminFromEnv } = await import("./users");
    const { setupToken } = await import("../auth/setup");
    // Other tests already created users: setup is closed, whatever the token.
    expect((await refusal(completeSetup({ setupToken: setupToken(), email: email("late"), password: PASSWORD }, meta))).code).toBe(
      "CONFLICT",
    );
    expect(
      await bootstrapAdminFromEnv(parseConfig({ ...process.env, CADESK_ADMIN_EMAIL: email("env"), CADESK_ADMIN_PASSWORD: PASSWORD })),
    ).toBeNull();

    // With no users, as on a new install; the users other tests made are put back afterwards.
    const saved = await getDb().user.findMany();
    await getDb().user.deleteMany();
    try {
      expect((await refusal(completeSetup({ setupToken: "guess", email: email("stranger"), password: PASSWORD }, meta))).message).toContain(
        "setup token is not right",
      );
      const envAdmin = email("env");
      await expect(
        bootstrapAdminFromEnv(parseConfig({ ...process.env, CADESK_ADMIN_EMAIL: envAdmin, CADESK_ADMIN_PASSWORD: "short" })),
      ).rejects.toThrow(/CADESK_ADMIN_PASSWORD is refused/);
      const created = await bootstrapAdminFromEnv(
        parseConfig({ ...process.env, CADESK_ADMIN_EMAIL: envAdmin.toUpperCase(), CADESK_ADMIN_PASSWORD: PASSWORD }),
      );
      expect(created).toMatchObject({ email: envAdmin, role: "admin" });
      expect((await signIn({ email: envAdmin, password: PASSWORD }, meta)).user.id).toBe(created!.id);
      await getDb().user.delete({ where: { id: created!.id } });

      const { user, token } = await completeSetup({ setupToken: setupToken(), email: email("first"), password: PASSWORD }, meta);
      expect(user.role).toBe("admin");
      expect((await findSession(token))?.user.id).toBe(user.id);
      expect((await refusal(completeSetup({ setupToken: setupToken(), email: email("second"), password: PASSWORD }, meta))).code).toBe(
        "CONFLICT",
      );
      await getDb().user.delete({ where: { id: user.id } });
    } finally {
      for (const u of saved) await getDb().user.upsert({ where: { id: u.id }, create: u, update: {} });
    }
  });
});

describe("the server's own keys", () => {
  it("load for the echo server and the dashboard's HTTPS without counting as a user's key export", async () => {
    const { updateEchoSettings, echoStatus } = await import("./echo-settings");
    const ca = (await createAuthority({ commonName: `Echo roles CA ${counter++}` })).authority;
    const served = (
      await issueCertificate({ caId: ca.id, commonName: "echo-roles.example.com", sans: { dns: ["echo-roles.example.com"] } })
    ).certificate;
    const staleAdmin = await userActor("admin", new Date(Date.now() - 10 * 60_000));
    // Changing settings is not a key export: no password confirmation, no key.export event.
    await runAs(staleAdmin, () => updateEchoSettings({ certificateId: served.id, clientCaIds: [ca.id], clientAuth: "require" }));
    const operator = await userActor("operator");
    // An operator renewing the echo server's certificate: the echo server follows it.
    const { renewCertificate } = await import("./renew-certificate");
    const renewed = await runAs(operator, () => renewCertificate(served.id, {}));
    expect((await echoStatus()).certificateId).toBe(renewed.certificate.id);
    expect(await getDb().auditEvent.count({ where: { action: "key.export", objectId: { in: [served.id, renewed.certificate.id] } } })).toBe(
      0,
    );
  });
});
