import { describe, expect } from "vitest";
import { beforeAll, it } from "../testing/system";
import { getDb } from "../db";
import { openssl, opensslOk, tempDir, writeFiles } from "../testing/openssl";
import { opensslCsr } from "../testing/openssl-pki";
import { createAuthority } from "./create-authority";
import { currentCrl, publishCrl } from "./crl";
import { exportCertificate } from "./export-certificate";
import { exportInventory } from "./export-inventory";
import { issueCertificate } from "./issue-certificate";
import { renewCertificate } from "./renew-certificate";
import { liftHold, revokeCertificate } from "./revoke-certificate";

let caId: string;
let chainPem: string;

beforeAll(async () => {
  const root = await createAuthority({ commonName: "Lifecycle Root" });
  const issuing = await createAuthority({ commonName: "Lifecycle Issuing", parentId: root.authority.id });
  caId = issuing.authority.id;
  chainPem = root.authority.certificatePem + issuing.authority.certificatePem;
});

function verifyWithCrl(certificatePem: string, crlPem: string) {
  const f = writeFiles(tempDir(), { "chain.pem": chainPem, "crl.pem": crlPem, "leaf.pem": certificatePem });
  return openssl(["verify", "-crl_check", "-CAfile", f["chain.pem"]!, "-CRLfile", f["crl.pem"]!, f["leaf.pem"]!]);
}

describe("revocation and CRLs", () => {
  it("puts the CRL URL and CA issuer URL in issued certificates", async () => {
    const { certificate } = await issueCertificate({ caId, commonName: "urls.example.com" });
    const ext = opensslOk(["x509", "-noout", "-ext", "crlDistributionPoints,authorityInfoAccess"], certificate.certificatePem);
    expect(ext).toContain(`URI:http://localhost:3000/crl/${caId}`);
    expect(ext).toContain(`CA Issuers - URI:http://localhost:3000/ca/${caId}`);
  });

  it("revokes with a reason: openssl -crl_check rejects the revoked certificate and accepts a good one", async () => {
    const good = await issueCertificate({ caId, commonName: "good.example.com" });
    const bad = await issueCertificate({ caId, commonName: "bad.example.com" });
    expect(verifyWithCrl(good.certificate.certificatePem, await currentCrl(caId)).status).toBe(0);

    const revoked = await revokeCertificate(bad.certificate.id, { reason: "keyCompromise" });
    expect(revoked).toMatchObject({ status: "revoked", revocationReason: "keyCompromise" });
    const crl = await currentCrl(caId);
    const text = opensslOk(["crl", "-noout", "-text"], crl);
    expect(text).toContain(`Serial Number: ${bad.certificate.serialHex.toUpperCase()}`);
    expect(text).toContain("Key Compromise");
    const result = verifyWithCrl(bad.certificate.certificatePem, crl);
    expect(result.status).not.toBe(0);
    expect(result.stdout + result.stderr).toContain("certificate revoked");
    expect(verifyWithCrl(good.certificate.certificatePem, crl).status).toBe(0);
    await expect(revokeCertificate(bad.certificate.id, { reason: "superseded" })).rejects.toThrow(/already revoked/);
  });

  it("numbers each CRL and lifts a hold", async () => {
    const held = await issueCertificate({ caId, commonName: "held.example.com" });
    await revokeCertificate(held.certificate.id, { reason: "certificateHold" });
    const before = (await getDb().crl.findUnique({ where: { authorityId: caId } }))!.number;
    expect(opensslOk(["crl", "-noout", "-text"], await currentCrl(caId))).toContain("Certificate Hold");
    await liftHold(held.certificate.id);
    const after = await getDb().crl.findUnique({ where: { authorityId: caId } });
    expect(after!.number).toBe(before + 1);
    expect(after!.pem).not.toContain(held.certificate.serialHex.toUpperCase());
    expect(verifyWithCrl(held.certificate.certificatePem, after!.pem).status).toBe(0);
    await expect(liftHold(held.certificate.id)).rejects.toThrow(/Only a certificate on hold/);
  });

  it("gives racing CRL signers distinct, increasing numbers and keeps the newest as the current CRL", async () => {
    const crlNumber = (pem: string) => Number(/X509v3 CRL Number:\s*\n\s*(\d+)/.exec(opensslOk(["crl", "-noout", "-text"], pem))![1]);
    const start = (await getDb().crl.findUnique({ where: { authorityId: caId } }))?.number ?? 0;
    // As several instances (or requests) would: ten signatures of the same CA's CRL at once.
    const pems = await Promise.all(Array.from({ length: 10 }, () => publishCrl(caId)));
    const stored = (await getDb().crl.findUniqueOrThrow({ where: { authorityId: caId } }))!;
    expect(stored.number).toBe(start + 10);
    expect(crlNumber(stored.pem)).toBe(start + 10);
    // Every answer is a real signed CRL, none older than the number its signer claimed.
    expect(pems.every((pem) => crlNumber(pem) > start)).toBe(true);
  });
});

describe("renewal", () => {
  it("renews a generated certificate with a new key and serial, same names, and revokes the old as superseded", async () => {
    const old = await issueCertificate({ caId, commonName: "renew.example.com", sans: { dns: ["alt.example.com"] }, validityDays: 30 });
    const renewed = await renewCertificate(old.certificate.id, { revokeOld: true });
    expect(renewed.certificate.renewedFromId).toBe(old.certificate.id);
    expect(renewed.certificate.serialHex).not.toBe(old.certificate.serialHex);
    expect(renewed.certificate.sans).toBe(old.certificate.sans);
    expect(renewed.privateKeyPem).toContain("BEGIN PRIVATE KEY");
    const pub = (pem: string) => opensslOk(["x509", "-noout", "-pubkey"], pem);
    expect(pub(renewed.certificate.certificatePem)).not.toBe(pub(old.certificate.certificatePem));
    expect(renewed.certificate.notAfter.getTime() - renewed.certificate.notBefore.getTime()).toBe(
      old.certificate.notAfter.getTime() - old.certificate.notBefore.getTime(),
    );
    const oldNow = await getDb().certificate.findUnique({ where: { id: old.certificate.id } });
    expect(oldNow).toMatchObject({ status: "revoked", revocationReason: "superseded" });
    // The renewed key is kept like the old one: downloadable.
    expect(String((await exportCertificate(renewed.certificate.id, "key")).body)).toBe(renewed.privateKeyPem);
  });

  it("re-signs the same public key for a CSR-issued certificate", async () => {
    const dir = tempDir();
    opensslCsr(dir, "r", { subject: "/CN=csr-renew.example.com" });
    const old = await issueCertificate({ caId, csrPem: opensslOk(["req", "-in", `${dir}/r.csr`]) });
    const renewed = await renewCertificate(old.certificate.id, {});
    expect(renewed.privateKeyPem).toBeUndefined();
    expect(opensslOk(["x509", "-noout", "-pubkey"], renewed.certificate.certificatePem)).toBe(
      opensslOk(["pkey", "-in", `${dir}/r.key`, "-pubout"]),
    );
  });
});

describe("inventory export", () => {
  it("exports the filtered inventory as CSV and JSON", async () => {
    const { certificate } = await issueCertificate({ caId, commonName: "export.example.com" });
    const csv = await exportInventory({ format: "csv", q: "export.example.com" });
    const lines = String(csv.body).trim().split("\r\n");
    expect(lines[0]).toBe(
      "id,commonName,sans,issuer,profile,keyType,source,serialNumber,notBefore,notAfter,status,revokedAt,revocationReason,fingerprintSha256,createdAt",
    );
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`"${certificate.id}","export.example.com","DNS:export.example.com","Lifecycle Issuing","server"`);
    expect(csv.filename).toMatch(/^cadesk-inventory-\d{4}-\d{2}-\d{2}\.csv$/);
    const json = JSON.parse(String((await exportInventory({ format: "json", caId })).body));
    expect(json.length).toBeGreaterThan(3);
    expect(json.every((r: { issuer: string }) => r.issuer === "Lifecycle Issuing")).toBe(true);
  });

  it("neutralises values a spreadsheet would run as formulas", async () => {
    await issueCertificate({ caId, profile: "client", commonName: "=HYPERLINK(1)", sans: { email: ["formula@example.com"] } });
    const csv = String((await exportInventory({ format: "csv", q: "formula@example.com" })).body);
    expect(csv).toContain(`"'=HYPERLINK(1)"`);
  });
});

describe("revoking a CA", () => {
  it("lists a revoked intermediate in its parent's CRL, stops it issuing, and refuses roots", async () => {
    const { revokeAuthority } = await import("./revoke-authority");
    const { beneathAuthority } = await import("../data/authorities");
    const root = await createAuthority({ commonName: "CA Revocation Root" });
    const mid = await createAuthority({ commonName: "CA Revocation Mid", parentId: root.authority.id });
    const leaf = await issueCertificate({ caId: mid.authority.id, commonName: "under.example.com" });
    expect(await beneathAuthority(mid.authority.id)).toEqual({ authorities: 0, certificates: 1 });
    expect(await beneathAuthority(root.authority.id)).toEqual({ authorities: 1, certificates: 1 });

    const midCrl = await currentCrl(mid.authority.id);
    await revokeAuthority(mid.authority.id, { reason: "cACompromise" });
    // The revoked CA can sign no new CRL, but its last one is still served.
    expect(await currentCrl(mid.authority.id)).toBe(midCrl);
    const f = writeFiles(tempDir(), {
      "chain.pem": root.authority.certificatePem + mid.authority.certificatePem,
      "crls.pem": (await currentCrl(root.authority.id)) + midCrl,
      "leaf.pem": leaf.certificate.certificatePem,
    });
    const rootCrl = opensslOk(["crl", "-noout", "-text"], await currentCrl(root.authority.id));
    expect(rootCrl).toContain(`Serial Number: ${mid.authority.serialHex.toUpperCase()}`);
    expect(rootCrl).toContain("CA Compromise");
    const verify = openssl(["verify", "-crl_check_all", "-CAfile", f["chain.pem"]!, "-CRLfile", f["crls.pem"]!, f["leaf.pem"]!]);
    expect(verify.status).not.toBe(0);
    expect(verify.stdout + verify.stderr).toContain("certificate revoked");

    await expect(issueCertificate({ caId: mid.authority.id, commonName: "more.example.com" })).rejects.toThrow(
      /was revoked .* can no longer sign/,
    );
    await expect(revokeAuthority(root.authority.id, {})).rejects.toThrow(/root CA: no CRL above it/);
  });
});
