/**
 * Issue #12 item 5: whoever issues with a generated key gets it in that same response, unless
 * cadesk keeps it and their role may download it later; the audit event says which happened.
 */
import { describe, expect } from "vitest";
import { beforeAll, it } from "../testing/system";
import { runAs, type Actor } from "../auth/actor";
import { getDb } from "../db";
import { opensslOk } from "../testing/openssl";
import { createAuthority } from "./create-authority";
import { exportCertificate } from "./export-certificate";
import { issueCertificate } from "./issue-certificate";
import { renewCertificate } from "./renew-certificate";

const person = (role: "admin" | "operator"): Actor => ({
  type: "user",
  id: `${role}-key-delivery`,
  label: `${role}@key-delivery.test`,
  role,
  userId: `${role}-key-delivery`,
  ip: "127.0.0.1",
  authenticatedAt: new Date(),
});

let caId: string;
beforeAll(async () => {
  caId = (await createAuthority({ commonName: "Key Delivery Root" })).authority.id;
});

async function issuanceDetail(certificateId: string, action = "certificate.issue") {
  const event = await getDb().auditEvent.findFirst({ where: { objectId: certificateId, action } });
  return JSON.parse(event!.detail!) as Record<string, unknown>;
}

/** The returned key is the certificate's: openssl derives the same public key from both. */
function keyMatches(certificatePem: string, privateKeyPem: string) {
  expect(opensslOk(["pkey", "-pubout"], privateKeyPem)).toBe(opensslOk(["x509", "-noout", "-pubkey"], certificatePem));
}

describe("the generated key goes to whoever issued it", () => {
  it("an operator on the form gets the key it cannot download later, and cadesk keeps its copy", async () => {
    const issued = await runAs(person("operator"), () =>
      issueCertificate({ caId, commonName: "operator.key.test", keepPrivateKey: true }, new Date(), "form"),
    );
    expect(issued.certificate.encryptedKey).not.toBeNull();
    keyMatches(issued.certificate.certificatePem, issued.privateKeyPem!);
    expect(await issuanceDetail(issued.certificate.id)).toMatchObject({ keyReturned: true, keptKey: true, entryPoint: "form" });
    // The role still cannot fetch the stored copy later: that is why it came back now.
    await expect(runAs(person("operator"), () => exportCertificate(issued.certificate.id, "key"))).rejects.toThrow(/may not/);
  });

  it("an admin on the form who keeps the key downloads it from the page later: the response carries none", async () => {
    const issued = await runAs(person("admin"), () =>
      issueCertificate({ caId, commonName: "admin.key.test", keepPrivateKey: true }, new Date(), "form"),
    );
    expect(issued.privateKeyPem).toBeUndefined();
    expect(await issuanceDetail(issued.certificate.id)).toMatchObject({ keyReturned: false, keptKey: true });
  });

  it("a key cadesk does not keep is returned once, to anyone", async () => {
    const issued = await runAs(person("admin"), () =>
      issueCertificate({ caId, commonName: "discard.key.test", keepPrivateKey: false }, new Date(), "form"),
    );
    expect(issued.certificate.encryptedKey).toBeNull();
    keyMatches(issued.certificate.certificatePem, issued.privateKeyPem!);
    expect(await issuanceDetail(issued.certificate.id)).toMatchObject({ keyReturned: true, keptKey: false });
  });

  it("the JSON API always returns a generated key to its caller", async () => {
    const issued = await runAs({ ...person("operator"), type: "token" }, () => issueCertificate({ caId, commonName: "api.key.test" }));
    keyMatches(issued.certificate.certificatePem, issued.privateKeyPem!);
    expect(await issuanceDetail(issued.certificate.id)).toMatchObject({ keyReturned: true, entryPoint: "api" });
  });

  it("renewing on the form follows the same rule: the operator gets the new key once", async () => {
    const { certificate } = await issueCertificate({ caId, commonName: "renew.key.test" });
    const renewed = await runAs(person("operator"), () => renewCertificate(certificate.id, {}, new Date(), "form"));
    keyMatches(renewed.certificate.certificatePem, renewed.privateKeyPem!);
    expect(await issuanceDetail(renewed.certificate.id, "certificate.renew")).toMatchObject({ keyReturned: true });
    const byAdmin = await runAs(person("admin"), () => renewCertificate(renewed.certificate.id, {}, new Date(), "form"));
    expect(byAdmin.privateKeyPem).toBeUndefined();
    expect(await issuanceDetail(byAdmin.certificate.id, "certificate.renew")).toMatchObject({ keyReturned: false });
  });
});
