import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect } from "vitest";
import { runAs, type Actor } from "../auth/actor";
import { getDb } from "../db";
import { AppError } from "../errors";
import { beforeAll, it } from "../testing/system";
import { createAuthority } from "./create-authority";
import { exportCertificates, renewCertificates, revokeCertificates } from "./bulk-certificates";
import { issueCertificate } from "./issue-certificate";

const person = (role: "admin" | "operator" | "viewer", authenticatedAt = new Date()): Actor => ({
  type: "user",
  id: `bulk-${role}`,
  label: `bulk-${role}@example.test`,
  role,
  userId: `bulk-${role}`,
  ip: null,
  authenticatedAt,
  sessionId: "test",
});

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("bulk actions call the one-by-one services per certificate", () => {
  let caId = "";
  let n = 0;
  const issue = async (keepPrivateKey = true) =>
    (await issueCertificate({ caId, profile: "server", commonName: `bulk${n++}.example.test`, keepPrivateKey })).certificate;

  beforeAll(async () => {
    caId = (await createAuthority({ commonName: "Bulk CA" })).authority.id;
  });

  it("revokes each with the reason, reports the one already revoked, and audits each as one by one", async () => {
    const [a, b, c] = [await issue(), await issue(), await issue()];
    await runAs(person("operator"), () => revokeCertificates({ ids: [b.id], reason: "superseded" }));
    const results = await runAs(person("operator"), () => revokeCertificates({ ids: [a.id, b.id, c.id], reason: "keyCompromise" }));
    expect(results.map((r) => [r.name, r.ok])).toEqual([
      [a.commonName, true],
      [b.commonName, false],
      [c.commonName, true],
    ]);
    expect(results[1]!.message).toMatch(/already revoked on \d{4}-\d\d-\d\d \(superseded\)/);
    const rows = await getDb().certificate.findMany({ where: { id: { in: [a.id, c.id] } } });
    expect(rows.map((r) => [r.status, r.revocationReason])).toEqual([
      ["revoked", "keyCompromise"],
      ["revoked", "keyCompromise"],
    ]);
    const audited = await getDb().auditEvent.findMany({ where: { action: "certificate.revoke", objectId: { in: [a.id, c.id] } } });
    expect(audited.map((e) => [e.actorLabel, e.outcome])).toEqual([
      ["bulk-operator@example.test", "success"],
      ["bulk-operator@example.test", "success"],
    ]);
  });

  it("with an old password entry refuses the whole selection before anything changes, so the page can ask and repeat", async () => {
    const [a, b] = [await issue(), await issue()];
    const stale = person("admin", new Date(Date.now() - 24 * 3_600_000));
    const error = await refusal(runAs(stale, () => revokeCertificates({ ids: [a.id, b.id], reason: "superseded" })));
    expect(error.code).toBe("REAUTH_REQUIRED");
    const rows = await getDb().certificate.findMany({ where: { id: { in: [a.id, b.id] } } });
    expect(rows.map((r) => r.status)).toEqual(["active", "active"]);
    // The refused attempt is logged as revocations are one by one.
    expect(await getDb().auditEvent.count({ where: { action: "certificate.revoke", objectId: a.id, outcome: "failure" } })).toBe(1);
    // Renewing needs no fresh password (as on the certificate page) unless the old ones are revoked too.
    expect((await runAs(stale, () => renewCertificates({ ids: [a.id] })))[0]!.ok).toBe(true);
    expect((await refusal(runAs(stale, () => renewCertificates({ ids: [b.id], revokeOld: true })))).code).toBe("REAUTH_REQUIRED");
  });

  it("renews each through the issuance pipeline, linking new to old, and leaves a not-kept key to its own page", async () => {
    const [a, b, oneTime] = [await issue(), await issue(), await issue(false)];
    const results = await runAs(person("admin"), () => renewCertificates({ ids: [a.id, oneTime.id, b.id], revokeOld: true }));
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(results[1]!.message).toContain("renew it on its own page");
    const renewed = await getDb().certificate.findMany({ where: { renewedFromId: { in: [a.id, b.id, oneTime.id] } } });
    expect(renewed.map((r) => r.renewedFromId).sort()).toEqual([a.id, b.id].sort());
    expect(
      results
        .map((r) => r.newId)
        .filter(Boolean)
        .sort(),
    ).toEqual(renewed.map((r) => r.id).sort());
    const old = await getDb().certificate.findMany({ where: { id: { in: [a.id, b.id, oneTime.id] } }, orderBy: { commonName: "asc" } });
    expect(old.map((r) => r.revocationReason)).toEqual(["superseded", "superseded", null]);
    expect(await getDb().auditEvent.count({ where: { action: "certificate.renew", objectId: { in: renewed.map((r) => r.id) } } })).toBe(2);
  });

  it("an operator, who gets a renewed key once on the page, is sent there for generated keys; CSR-issued ones renew here", async () => {
    const kept = await issue();
    const csrIssued = (
      await issueCertificate({
        caId,
        profile: "server",
        csrPem: execFileSync(
          "sh",
          [
            "-c",
            "openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null -subj /CN=csr.bulk.example.test 2>/dev/null",
          ],
          { encoding: "utf8" },
        ),
      })
    ).certificate;
    const results = await runAs(person("operator"), () => renewCertificates({ ids: [kept.id, csrIssued.id] }));
    expect(results.map((r) => r.ok)).toEqual([false, true]);
    expect(results[0]!.message).toContain("renew it on its own page");
    expect(await getDb().certificate.count({ where: { renewedFromId: kept.id } })).toBe(0);
  });

  it("a viewer's renew and revoke fail on each row with the one-by-one message, changing nothing", async () => {
    const a = await issue();
    const results = await runAs(person("viewer"), () => revokeCertificates({ ids: [a.id], reason: "superseded" }));
    expect(results[0]).toMatchObject({ ok: false });
    expect(results[0]!.message).toMatch(/revoke certificates/);
    expect((await runAs(person("viewer"), () => renewCertificates({ ids: [a.id] })))[0]!.ok).toBe(false);
    expect((await getDb().certificate.findUniqueOrThrow({ where: { id: a.id } })).status).toBe("active");
  });

  it("exports the selection as a PEM bundle and a ZIP that openssl and unzip read, certificates only", async () => {
    const [a, b] = [await issue(), await issue()];
    const dir = mkdtempSync(path.join(tmpdir(), "cadesk-bulk-"));
    const viewer = person("viewer");
    const bundle = await runAs(viewer, () => exportCertificates({ ids: [a.id, b.id], format: "pem" }));
    expect(bundle.filename).toMatch(/^cadesk-certificates-\d{4}-\d\d-\d\d\.pem$/);
    expect(String(bundle.body)).not.toContain("PRIVATE KEY");
    writeFileSync(path.join(dir, "bundle.pem"), bundle.body);
    const printed = execFileSync("sh", ["-c", `openssl crl2pkcs7 -nocrl -certfile bundle.pem | openssl pkcs7 -print_certs -noout`], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(printed.match(/^subject=/gm)).toHaveLength(2);
    expect(printed).toContain(a.commonName);
    expect(printed).toContain(b.commonName);

    const zip = await runAs(viewer, () => exportCertificates({ ids: [a.id, b.id], format: "zip" }));
    expect(zip.contentType).toBe("application/zip");
    writeFileSync(path.join(dir, "certs.zip"), zip.body);
    expect(execFileSync("unzip", ["-t", "certs.zip"], { cwd: dir, encoding: "utf8" })).toContain("No errors detected");
    const listing = execFileSync("unzip", ["-Z1", "certs.zip"], { cwd: dir, encoding: "utf8" }).trim().split("\n");
    expect(listing).toEqual([
      `${a.commonName}.pem`,
      `${a.commonName}.fullchain.pem`,
      `${b.commonName}.pem`,
      `${b.commonName}.fullchain.pem`,
    ]);
    execFileSync("unzip", ["-q", "certs.zip", "-d", "out"], { cwd: dir });
    expect(readFileSync(path.join(dir, "out", `${a.commonName}.pem`), "utf8")).toBe(a.certificatePem);
    const chain = readFileSync(path.join(dir, "out", `${b.commonName}.fullchain.pem`), "utf8");
    expect(chain.startsWith(b.certificatePem)).toBe(true);
  });

  it("refuses an empty or oversized selection with a message saying what to do", async () => {
    expect((await refusal(revokeCertificates({ ids: [], reason: "superseded" }))).message).toContain("Select at least one");
    const many = Array.from({ length: 201 }, (_, i) => `id-${i}`);
    expect((await refusal(exportCertificates({ ids: many }))).message).toContain("at most 200");
  });
});
