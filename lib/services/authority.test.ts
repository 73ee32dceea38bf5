import { describe, expect } from "vitest";
import { it } from "../testing/system";
import { getDb } from "../db";
import { opensslOk, tempDir } from "../testing/openssl";
import { opensslCsr, opensslSelfSigned, opensslSignCsr } from "../testing/openssl-pki";
import { createAuthority } from "./create-authority";
import { importAuthority } from "./import-authority";
import { issueCertificate } from "./issue-certificate";

function opensslCa(dir: string, name: string, extra: string[] = []) {
  opensslSelfSigned(dir, name, { subject: `/CN=${name}`, extra: ["-days", "365", ...extra] });
  return { cert: opensslOk(["x509", "-in", `${dir}/${name}.pem`]), key: opensslOk(["pkey", "-in", `${dir}/${name}.key`]) };
}

describe("CA hierarchy", () => {
  it("refuses a second CA with the same name", async () => {
    await createAuthority({ commonName: "Duplicate Root" });
    const before = await getDb().authority.count();
    await expect(createAuthority({ commonName: "Duplicate Root" })).rejects.toThrow(/already exists/);
    expect(await getDb().authority.count()).toBe(before);
  });

  it("derives pathLen from the parent and refuses CAs under a pathLen 0 CA", async () => {
    const root = await createAuthority({ commonName: "PathLen Root", pathLen: 1 });
    const mid = await createAuthority({ commonName: "PathLen Mid", parentId: root.authority.id });
    expect(mid.authority.pathLength).toBe(0);
    await expect(createAuthority({ commonName: "PathLen Leaf CA", parentId: mid.authority.id })).rejects.toThrow(/path length 0/);
  });

  it("caps an intermediate's validity at its parent's", async () => {
    const root = await createAuthority({ commonName: "Short Root", validityDays: 100 });
    const mid = await createAuthority({ commonName: "Long Mid", parentId: root.authority.id, validityDays: 1000 });
    expect(mid.authority.notAfter.getTime()).toBe(root.authority.notAfter.getTime());
    expect(mid.warnings[0]).toMatch(/shortened/);
  });

  it("stores the CA key encrypted, never in plaintext", async () => {
    const { authority } = await createAuthority({ commonName: "Sealed Root" });
    expect(authority.encryptedKey).toMatch(/^v1:/);
    expect(authority.encryptedKey).not.toContain("PRIVATE KEY");
  });
});

describe("importAuthority", () => {
  it("imports an openssl-made CA and issues from it", async () => {
    const { cert, key } = opensslCa(tempDir(), "Imported Root");
    const { authority } = await importAuthority({ certificatePem: cert, privateKeyPem: key });
    expect(authority.imported).toBe(true);
    expect(authority.keyType).toBe("ecdsa-p256");
    const issued = await issueCertificate({ caId: authority.id, commonName: "from-import.example.com" });
    expect(issued.certificate.authorityId).toBe(authority.id);
  });

  it("refuses a key that does not match the certificate", async () => {
    const dir = tempDir();
    const a = opensslCa(dir, "Mismatch A");
    const b = opensslCa(dir, "Mismatch B");
    await expect(importAuthority({ certificatePem: a.cert, privateKeyPem: b.key })).rejects.toThrow(/does not belong to this certificate/);
  });

  it("reads an encrypted key with its passphrase and says when the passphrase is wrong", async () => {
    const dir = tempDir();
    const { cert } = opensslCa(dir, "Encrypted Root");
    const encrypted = opensslOk(["pkey", "-in", `${dir}/Encrypted Root.key`, "-aes256", "-passout", "pass:hunter22"]);
    await expect(importAuthority({ certificatePem: cert, privateKeyPem: encrypted })).rejects.toThrow(/encrypted: enter its passphrase/);
    await expect(importAuthority({ certificatePem: cert, privateKeyPem: encrypted, keyPassphrase: "wrong" })).rejects.toThrow(
      /passphrase is wrong/,
    );
    const { authority } = await importAuthority({ certificatePem: cert, privateKeyPem: encrypted, keyPassphrase: "hunter22" });
    expect(authority.commonName).toBe("Encrypted Root");
  });

  it("refuses a certificate that is not a CA", async () => {
    const dir = tempDir();
    const leaf = opensslCa(dir, "leaf.example.com", ["-addext", "basicConstraints=critical,CA:FALSE"]);
    await expect(importAuthority({ certificatePem: leaf.cert, privateKeyPem: leaf.key })).rejects.toThrow(/not a CA certificate/);
  });

  it("links an imported intermediate under its issuer when that CA is in the store", async () => {
    const root = await createAuthority({ commonName: "Parent For Import" });
    const dir = tempDir();
    // Sign an intermediate outside cadesk with a root we also import.
    const r = opensslCa(dir, "Outside Root");
    opensslCsr(dir, "int", { subject: "/CN=Outside Intermediate" });
    opensslSignCsr(dir, "int", {
      csr: `${dir}/int.csr`,
      ca: { key: `${dir}/Outside Root.key`, out: `${dir}/Outside Root.pem` },
      extensions: "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n",
      days: 100,
      extra: ["-CAcreateserial"],
    });
    const importedRoot = await importAuthority({ certificatePem: r.cert, privateKeyPem: r.key });
    const int = await importAuthority({
      certificatePem: opensslOk(["x509", "-in", `${dir}/int.pem`]),
      privateKeyPem: opensslOk(["pkey", "-in", `${dir}/int.key`]),
    });
    expect(int.authority.parentId).toBe(importedRoot.authority.id);
    expect(root.authority.id).not.toBe(int.authority.parentId);
  });
});
