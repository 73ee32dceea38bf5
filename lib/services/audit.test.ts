import { describe, expect, it } from "vitest";
import { runAs, SYSTEM_ACTOR, type Actor } from "../auth/actor";
import { searchAudit } from "../data/audit";
import { getDb } from "../db";
import { audit } from "./audit";
import { createAuthority } from "./create-authority";
import { applyEchoSettings, updateEchoSettings } from "./echo-settings";
import { exportCertificate } from "./export-certificate";
import { issueCertificate } from "./issue-certificate";
import { revokeCertificate } from "./revoke-certificate";
import { testConnection } from "./test-connection";
import { createUser } from "./users";

let counter = 0;
async function person(role: "admin" | "operator" | "viewer", authenticatedAt = new Date()): Promise<Actor> {
  const email = `audit-${role}-${Date.now()}-${counter++}@example.test`;
  const user = await runAs(SYSTEM_ACTOR, () => createUser({ email, role, password: "correct horse battery staple" }));
  return { type: "user", id: user.id, label: email, role, userId: user.id, ip: "203.0.113.9", authenticatedAt, sessionId: "test" };
}
const rows = (action: string, objectId: string) => getDb().auditEvent.findMany({ where: { action, objectId }, orderBy: { id: "asc" } });

async function fixture() {
  const root = await runAs(SYSTEM_ACTOR, () => createAuthority({ commonName: `Audit Root ${counter++}` }));
  const issuing = await runAs(SYSTEM_ACTOR, () =>
    createAuthority({ commonName: `Audit Issuing ${counter++}`, parentId: root.authority.id }),
  );
  const server = await runAs(SYSTEM_ACTOR, () =>
    issueCertificate({ caId: issuing.authority.id, profile: "server", commonName: "localhost", sans: { ip: ["127.0.0.1"] } }),
  );
  const client = await runAs(SYSTEM_ACTOR, () =>
    issueCertificate({
      caId: issuing.authority.id,
      profile: "client",
      commonName: "audit-client",
      sans: { uri: ["spiffe://example.org/audit-client"] },
    }),
  );
  return { root, issuing, server: server.certificate, client: client.certificate };
}

describe("audit: what happened, as what it was", () => {
  it("a doctor run with a stored client key is a tls.test, not a key.export; the echo settings row names its objects", async () => {
    const { issuing, server, client } = await fixture();
    const admin = await person("admin");
    await runAs(admin, () => updateEchoSettings({ certificateId: server.id, clientCaIds: [issuing.authority.id], clientAuth: "require" }));
    const result = await runAs(admin, () =>
      testConnection({ host: "echo", caIds: [issuing.authority.id], clientCertificateId: client.id }),
    );
    expect(result.code).toBeUndefined();

    expect(await rows("key.export", client.id)).toEqual([]);
    const [test] = await rows("tls.test", client.id);
    expect(test).toMatchObject({ outcome: "success", objectLabel: "audit-client", actorLabel: admin.label });
    expect(JSON.parse(test!.detail!)).toEqual({ target: "echo server", usedStoredKey: true });

    const [echo] = await rows("settings.echo", server.id);
    expect(echo!.objectLabel).toBe("localhost");
    expect(JSON.parse(echo!.detail!)).toEqual({ clientAuth: "require", clientCas: [issuing.authority.commonName] });
    await runAs(SYSTEM_ACTOR, () => applyEchoSettings({ certificateId: server.id, clientCaIds: [], clientAuth: "none" }));
  });

  it("refused sensitive attempts are logged as failures of that action, with why", async () => {
    const { client } = await fixture();
    const viewer = await person("viewer");
    await expect(runAs(viewer, () => exportCertificate(client.id, "key"))).rejects.toMatchObject({ code: "FORBIDDEN" });
    const stale = await person("admin", new Date(Date.now() - 3_600_000));
    await expect(runAs(stale, () => exportCertificate(client.id, "key"))).rejects.toMatchObject({ code: "REAUTH_REQUIRED" });
    await expect(runAs(viewer, () => revokeCertificate(client.id, { reason: "keyCompromise" }))).rejects.toMatchObject({
      code: "FORBIDDEN",
    });

    const exports = await rows("key.export", client.id);
    expect(exports.map((e) => [e.actorLabel, e.outcome, JSON.parse(e.detail!).refused])).toEqual([
      [viewer.label, "failure", "role"],
      [stale.label, "failure", "password not entered recently"],
    ]);
    expect(exports[0]!.objectLabel).toBe("audit-client");
    const [revoke] = await rows("certificate.revoke", client.id);
    expect(revoke).toMatchObject({ outcome: "failure", actorLabel: viewer.label });
    // The certificate is untouched.
    expect((await getDb().certificate.findUniqueOrThrow({ where: { id: client.id } })).status).toBe("active");

    // The page shows the object's name where the row had none (the revoke refusal came before the lookup).
    const page = await searchAudit({ group: "certificate", actor: viewer.label, outcome: "failure", page: 1 });
    expect(page.events.map((e) => e.objectLabel)).toEqual(["audit-client"]);
  });

  it("an unlabelled row of an older version reads with its object's name", async () => {
    const { issuing } = await fixture();
    await runAs(SYSTEM_ACTOR, () =>
      audit({ action: "ca.revoke", objectType: "authority", objectId: issuing.authority.id, actor: SYSTEM_ACTOR }),
    );
    const page = await searchAudit({ group: "ca", actor: "cadesk", page: 1 });
    expect(page.events.find((e) => e.objectId === issuing.authority.id)?.objectLabel).toBe(issuing.authority.commonName);
  });
});
