/**
 * The admin side of ACME: changing and deleting endpoints, revoking EAB keys, ending accounts,
 * and the reads the pages show (a failed order's transcript, the overview counts). Accounts and
 * orders are written the way the protocol server stores them (lib/acme owns that path).
 */
import { randomUUID } from "node:crypto";
import { describe, expect } from "vitest";
import { beforeAll, it } from "../testing/system";
import { runAs, type Actor } from "../auth/actor";
import { certificateAcme, getAcmeEndpoint, getAcmeOrder, getAcmeOverview, listAcmeEndpoints } from "../data/acme";
import { getDb } from "../db";
import { createAcmeEabKey } from "./acme-create-eab-key";
import { createAcmeEndpoint } from "./acme-create-endpoint";
import { deactivateAcmeAccount } from "./acme-deactivate-account";
import { deleteAcmeEndpoint } from "./acme-delete-endpoint";
import { revokeAcmeEabKey } from "./acme-revoke-eab-key";
import { updateAcmeEndpoint } from "./acme-update-endpoint";
import { createAuthority } from "./create-authority";
import { issueCertificate } from "./issue-certificate";

let caId: string;
let rootId: string;

beforeAll(async () => {
  const root = await createAuthority({ commonName: "ACME Admin Root" });
  const issuing = await createAuthority({ commonName: "ACME Admin Issuing", parentId: root.authority.id });
  rootId = root.authority.id;
  caId = issuing.authority.id;
});

async function auditOf(action: string, objectId: string) {
  return getDb().auditEvent.findMany({ where: { action, objectId } });
}

/** An account and an order as lib/acme stores them after newAccount and newOrder. */
async function seedAccountAndOrder(endpointId: string, opts: { eabKeyId?: string; failed?: boolean; certificateId?: string } = {}) {
  const db = getDb();
  const account = await db.acmeAccount.create({
    data: {
      id: randomUUID(),
      endpointId,
      jwk: JSON.stringify({ kty: "EC", crv: "P-256", x: "x", y: "y" }),
      thumbprint: randomUUID().replace(/-/g, ""),
      contacts: JSON.stringify(["mailto:ops@example.internal"]),
      eabKeyId: opts.eabKeyId ?? null,
    },
  });
  const order = await db.acmeOrder.create({
    data: {
      id: randomUUID(),
      endpointId,
      accountId: account.id,
      status: opts.failed ? "invalid" : "valid",
      identifiers: JSON.stringify([{ type: "dns", value: "web.internal" }]),
      profile: "tlsserver",
      expires: new Date(Date.now() + 86_400_000),
      certificateId: opts.certificateId ?? null,
      error: opts.failed
        ? JSON.stringify({
            type: "urn:ietf:params:acme:error:connection",
            detail: "connection refused by 127.0.0.1:80: is port 80 open on the host?",
          })
        : null,
      authorizations: {
        create: {
          id: randomUUID(),
          identifierType: "dns",
          identifierValue: "web.internal",
          status: opts.failed ? "invalid" : "valid",
          expires: new Date(Date.now() + 86_400_000),
          challenges: {
            create: {
              id: randomUUID(),
              type: "http-01",
              token: "tok",
              status: opts.failed ? "invalid" : "valid",
              attempts: opts.failed ? 2 : 1,
              error: opts.failed
                ? JSON.stringify({
                    type: "urn:ietf:params:acme:error:connection",
                    detail: "connection refused by 127.0.0.1:80: is port 80 open on the host?",
                  })
                : null,
              transcript: JSON.stringify([
                {
                  at: "2026-12-01T08:00:00.000Z",
                  target: "http://web.internal/.well-known/acme-challenge/tok",
                  outcome: "failed",
                  detail: "connection refused by 127.0.0.1:80",
                },
              ]),
            },
          },
        },
      },
    },
  });
  return { account, order };
}

describe("changing an endpoint", () => {
  it("PATCH keeps what is left out, checks the result as a whole, refuses a new name and unknown fields, and audits the change", async () => {
    const endpoint = await createAcmeEndpoint({ name: "patch-me", caId, profiles: ["tlsserver", "shortlived"], requireEab: true });
    const updated = await updateAcmeEndpoint(endpoint.id, { allowedIdentifiers: [".internal", "10.0.0.0/8"], validityDays: 30 });
    expect(updated).toMatchObject({ validityDays: 30, requireEab: true, defaultProfile: "tlsserver", maxValidityDays: 397 });
    expect(JSON.parse(updated.allowedIdentifiers)).toEqual([".internal", "10.0.0.0/8"]);

    // Dropping the default profile moves the default to the first one still offered.
    const narrowed = await updateAcmeEndpoint(endpoint.id, { profiles: ["shortlived"] });
    expect(narrowed.defaultProfile).toBe("shortlived");

    await expect(updateAcmeEndpoint(endpoint.id, { validityDays: 500, maxValidityDays: 100 })).rejects.toThrow(/longer than the maximum/);
    await expect(updateAcmeEndpoint(endpoint.id, { name: "renamed" })).rejects.toThrow(/cannot change: create a new endpoint/);
    await expect(updateAcmeEndpoint(endpoint.id, { requireEAB: false })).rejects.toThrow(
      /Unknown field "requireEAB": the fields are name, caId/,
    );
    await expect(updateAcmeEndpoint(endpoint.id, { allowedIdentifiers: ["10.1.0.0/8"] })).rejects.toThrow(/did you mean 10.0.0.0\/8/);
    await expect(updateAcmeEndpoint("nope", {})).rejects.toThrow(/no ACME endpoint with id "nope"/);

    const [event] = await auditOf("acme.endpoint.update", endpoint.id);
    expect(JSON.parse(event!.detail!)).toEqual({
      changed: { validityDays: 30, allowedIdentifiers: [".internal", "10.0.0.0/8"] },
      before: { validityDays: 90, allowedIdentifiers: [] },
    });
  });

  it("creation refuses unknown fields too", async () => {
    await expect(createAcmeEndpoint({ name: "typo", caId, challenge: ["http-01"] })).rejects.toThrow(/Unknown field "challenge"/);
  });

  it("an operator may not change endpoints, and a stale browser session must confirm its password", async () => {
    const endpoint = await createAcmeEndpoint({ name: "roles", caId });
    const operator: Actor = { type: "token", id: "t", label: "token op", role: "operator", userId: null, ip: null };
    await expect(runAs(operator, () => updateAcmeEndpoint(endpoint.id, { validityDays: 10 }))).rejects.toThrow(
      /may not change ACME endpoints/,
    );
    const stale: Actor = {
      type: "user",
      id: "u",
      label: "admin@x",
      role: "admin",
      userId: "u",
      ip: null,
      authenticatedAt: new Date(Date.now() - 3_600_000),
    };
    await expect(runAs(stale, () => updateAcmeEndpoint(endpoint.id, { validityDays: 10 }))).rejects.toThrow(/needs your password again/);
  });
});

describe("EAB keys and accounts", () => {
  it("revokes an EAB key once (audited), refuses another endpoint's key, and shows which account a key is bound to", async () => {
    const a = await createAcmeEndpoint({ name: "eab-a", caId, requireEab: true });
    const b = await createAcmeEndpoint({ name: "eab-b", caId, requireEab: true });
    const key = await createAcmeEabKey(a.id, { label: "web servers" });
    const bound = await createAcmeEabKey(a.id);
    await getDb().acmeEabKey.update({ where: { id: bound.id }, data: { boundAt: new Date() } });
    const { account } = await seedAccountAndOrder(a.id, { eabKeyId: bound.id });

    await expect(revokeAcmeEabKey(b.id, key.keyId)).rejects.toThrow(/has no EAB key/);
    const revoked = await revokeAcmeEabKey(a.id, key.keyId);
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    await revokeAcmeEabKey(a.id, key.keyId);
    expect(await auditOf("acme.eab_key.revoke", key.id)).toHaveLength(1);

    const detail = (await getAcmeEndpoint(a.id))!;
    expect(detail.eabKeys.map((k) => [k.keyId, k.state, k.account?.id ?? null])).toEqual([
      [bound.keyId, "bound", account.id],
      [key.keyId, "revoked", null],
    ]);
    expect(detail.accounts).toMatchObject([
      { id: account.id, contacts: ["ops@example.internal"], eabKeyId: bound.keyId, orderCount: 1, status: "valid" },
    ]);
  });

  it("an admin ends an account: status revoked (RFC 8555 7.1.6), audited once", async () => {
    const endpoint = await createAcmeEndpoint({ name: "accounts", caId });
    const { account } = await seedAccountAndOrder(endpoint.id);
    const ended = await deactivateAcmeAccount(endpoint.id, account.id);
    expect(ended).toMatchObject({ status: "revoked" });
    expect(ended.deactivatedAt).toBeInstanceOf(Date);
    await deactivateAcmeAccount(endpoint.id, account.id);
    expect(await auditOf("acme.account.deactivate", account.id)).toHaveLength(1);
    await expect(deactivateAcmeAccount(endpoint.id, "nope")).rejects.toThrow(/no ACME account "nope"/);
  });
});

describe("what the pages read", () => {
  it("a failed order explains itself in words; the overview counts ACME certificates and failures of the last 24 h", async () => {
    const endpoint = await createAcmeEndpoint({ name: "reads", caId });
    const before = await getAcmeOverview();
    const { certificate } = await issueCertificate({ caId, commonName: "web.internal" });
    const ok = await seedAccountAndOrder(endpoint.id, { certificateId: certificate.id });
    const failed = await seedAccountAndOrder(endpoint.id, { failed: true });

    const order = (await getAcmeOrder(endpoint.id, failed.order.id))!;
    expect(order.summary).toBe("Failed: web.internal (http-01): connection refused by 127.0.0.1:80: is port 80 open on the host?");
    expect(order.authorizations[0]!.challenges[0]).toMatchObject({
      type: "http-01",
      status: "invalid",
      error: { title: "cadesk could not connect to the server" },
      transcript: [
        { target: "http://web.internal/.well-known/acme-challenge/tok", outcome: "failed", detail: "connection refused by 127.0.0.1:80" },
      ],
    });
    expect(await getAcmeOrder("other-endpoint", failed.order.id)).toBeNull();

    const after = await getAcmeOverview();
    expect(after.managedCertificates - before.managedCertificates).toBe(1);
    expect(after.failedOrders.map((o) => o.id)).toContain(failed.order.id);

    const row = (await listAcmeEndpoints()).find((e) => e.id === endpoint.id)!;
    expect(row).toMatchObject({ accountCount: 2, orderCount: 2, failed24h: 1, caName: "ACME Admin Issuing" });

    const link = (await certificateAcme(certificate.id))!;
    expect(link).toMatchObject({
      endpoint: { id: endpoint.id, name: "reads" },
      account: { id: ok.account.id, label: "ops@example.internal" },
      order: { id: ok.order.id },
    });

    const detail = (await getAcmeEndpoint(endpoint.id))!;
    expect(detail.issuingRoot).toMatchObject({ id: rootId, name: "ACME Admin Root", downloadUrl: `http://localhost:3000/ca/${rootId}` });
    expect(detail.transport).toEqual({ scheme: "http", servedBy: "plain", serverCa: null });
  });

  it("deleting an endpoint removes its accounts and orders but keeps the certificates, and says so in the audit log", async () => {
    const endpoint = await createAcmeEndpoint({ name: "delete-me", caId });
    const { certificate } = await issueCertificate({ caId, commonName: "kept.internal" });
    await seedAccountAndOrder(endpoint.id, { certificateId: certificate.id });
    await deleteAcmeEndpoint(endpoint.id);
    expect(await getDb().acmeEndpoint.findUnique({ where: { id: endpoint.id } })).toBeNull();
    expect(await getDb().certificate.findUnique({ where: { id: certificate.id } })).not.toBeNull();
    expect(await certificateAcme(certificate.id)).toBeNull();
    const [event] = await auditOf("acme.endpoint.delete", endpoint.id);
    expect(JSON.parse(event!.detail!)).toMatchObject({ accounts: 1, orders: 1, certificatesKept: 1 });
  });
});
