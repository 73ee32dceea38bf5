import { readFileSync } from "node:fs";
import { describe, expect } from "vitest";
import { beforeAll, it } from "../testing/system";
import { getDb } from "../db";
import { openssl, opensslOk, tempDir, writeFiles } from "../testing/openssl";
import { EC_P256, opensslCsr } from "../testing/openssl-pki";
import { createAuthority } from "./create-authority";
import { exportCertificate, exportPkcs12 } from "./export-certificate";
import { issueCertificate } from "./issue-certificate";
import { previewCsr } from "./sign-csr";
import { searchCertificates } from "../data/certificates";

let rootId: string;
let intermediateId: string;
let rootPem: string;

beforeAll(async () => {
  const root = await createAuthority({ commonName: "Issuance Test Root", organization: "cadesk" });
  const intermediate = await createAuthority({
    commonName: "Issuance Test Issuing CA",
    parentId: root.authority.id,
    keyType: "ecdsa-p256",
  });
  rootId = root.authority.id;
  intermediateId = intermediate.authority.id;
  rootPem = root.authority.certificatePem;
});

const text = (body: Uint8Array | string) => (typeof body === "string" ? body : Buffer.from(body).toString("utf8"));

function verifyFullchain(dir: string, fullchain: string, purpose: string) {
  const [leaf, ...rest] = fullchain.split(/(?=-----BEGIN CERTIFICATE-----)/);
  const f = writeFiles(dir, { "root.pem": rootPem, "leaf.pem": leaf!, "untrusted.pem": rest.join("") });
  return openssl([
    "verify",
    "-x509_strict",
    "-purpose",
    purpose,
    "-CAfile",
    f["root.pem"]!,
    "-untrusted",
    f["untrusted.pem"]!,
    f["leaf.pem"]!,
  ]);
}

describe("issueCertificate with a generated key", () => {
  it("issues a server certificate whose fullchain and key openssl accepts, and stores it first", async () => {
    const issued = await issueCertificate({
      caId: intermediateId,
      profile: "server",
      commonName: "api.example.com",
      sans: { dns: ["api.internal"], ip: ["10.1.2.3"] },
    });
    const stored = await getDb().certificate.findUnique({ where: { id: issued.certificate.id } });
    expect(stored?.certificatePem).toBe(issued.certificate.certificatePem);

    const fullchain = text((await exportCertificate(issued.certificate.id, "fullchain")).body);
    expect(fullchain.match(/BEGIN CERTIFICATE/g)).toHaveLength(2); // leaf + intermediate, no root
    const dir = tempDir();
    const r = verifyFullchain(dir, fullchain, "sslserver");
    expect(r.status, r.stderr).toBe(0);

    const key = await exportCertificate(issued.certificate.id, "key");
    expect(key.filename).toBe("api.example.com.key.pem");
    const f = writeFiles(dir, { "k.pem": text(key.body) });
    expect(opensslOk(["pkey", "-in", f["k.pem"]!, "-pubout"])).toBe(
      opensslOk(["x509", "-noout", "-pubkey"], issued.certificate.certificatePem),
    );

    // The CN went into the SAN too: clients ignore the CN.
    const san = opensslOk(["x509", "-noout", "-ext", "subjectAltName"], issued.certificate.certificatePem);
    expect(san).toContain("DNS:api.example.com, DNS:api.internal, IP Address:10.1.2.3");
  });

  it("names every download for what it is", async () => {
    const issued = await issueCertificate({ caId: intermediateId, commonName: "*.apps.example.com" });
    const names = await Promise.all(
      ["pem", "crt", "der", "key", "chain", "fullchain"].map(async (f) => (await exportCertificate(issued.certificate.id, f)).filename),
    );
    expect(names).toEqual([
      "wildcard.apps.example.com.pem",
      "wildcard.apps.example.com.crt",
      "wildcard.apps.example.com.cer",
      "wildcard.apps.example.com.key.pem",
      "wildcard.apps.example.com.chain.pem",
      "wildcard.apps.example.com.fullchain.pem",
    ]);
    const chain = text((await exportCertificate(issued.certificate.id, "chain")).body);
    expect(chain.match(/BEGIN CERTIFICATE/g)).toHaveLength(2); // intermediate + root
    const der = (await exportCertificate(issued.certificate.id, "der")).body as Uint8Array;
    expect(opensslOk(["x509", "-inform", "DER", "-noout", "-subject"], der)).toContain("CN = *.apps.example.com");
  });

  it("exports a PKCS#12 that openssl opens with the typed password", async () => {
    const issued = await issueCertificate({
      caId: intermediateId,
      profile: "client",
      commonName: "billing-service",
      sans: { uri: ["spiffe://example.org/billing-service"] },
      keyType: "rsa-2048",
    });
    const p12 = await exportPkcs12(issued.certificate.id, { password: "correct horse" });
    const f = writeFiles(tempDir(), { "b.p12": p12.body as Uint8Array });
    const r = openssl(["pkcs12", "-in", f["b.p12"]!, "-passin", "pass:correct horse", "-nodes"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.match(/BEGIN CERTIFICATE/g)).toHaveLength(3);
  });

  it("returns but never stores the key when asked not to keep it", async () => {
    const issued = await issueCertificate({ caId: intermediateId, commonName: "once.example.com", keepPrivateKey: false });
    expect(issued.privateKeyPem).toContain("BEGIN PRIVATE KEY");
    const stored = await getDb().certificate.findUnique({ where: { id: issued.certificate.id } });
    expect(stored?.encryptedKey).toBeNull();
    await expect(exportCertificate(issued.certificate.id, "key")).rejects.toThrow(/do not keep the private key/);
  });

  it("caps the validity at the issuer's notAfter and warns above 200 days", async () => {
    const shortCa = await createAuthority({ commonName: "Short-lived CA", parentId: rootId, validityDays: 30 });
    const issued = await issueCertificate({ caId: shortCa.authority.id, commonName: "capped.example.com", validityDays: 365 });
    expect(issued.certificate.notAfter.getTime()).toBe(shortCa.authority.notAfter.getTime());
    expect(issued.warnings.join(" ")).toMatch(/shortened to end with the CA/);
    expect(issued.warnings.join(" ")).toMatch(/200-day limit/);
  });
});

describe("issueCertificate with a CSR made by openssl", () => {
  const algorithms: [string, string[]][] = [
    ["RSA 2048", ["-newkey", "rsa:2048"]],
    ["ECDSA P-256", EC_P256],
    ["Ed25519", ["-newkey", "ed25519"]],
  ];
  for (const [label, keyArgs] of algorithms) {
    it(`signs a ${label} CSR, keeping its SANs and returning no key`, async () => {
      const dir = tempDir();
      opensslCsr(dir, "r", {
        subject: "/O=Acme/CN=svc.example.com",
        newkey: keyArgs,
        extra: ["-addext", "subjectAltName=DNS:svc.example.com,IP:192.0.2.7"],
      });
      const csrPem = opensslOk(["req", "-in", `${dir}/r.csr`]);
      expect((await previewCsr(csrPem)).key).toBe(label);

      const issued = await issueCertificate({ caId: intermediateId, profile: "server-client", csrPem });
      expect(issued.privateKeyPem).toBeUndefined();
      const fullchain = text((await exportCertificate(issued.certificate.id, "fullchain")).body);
      const r = verifyFullchain(dir, fullchain, "sslclient");
      expect(r.status, r.stderr).toBe(0);
      const cert = opensslOk(["x509", "-noout", "-subject", "-ext", "subjectAltName,extendedKeyUsage"], issued.certificate.certificatePem);
      expect(cert).toContain("O = Acme, CN = svc.example.com");
      expect(cert).toContain("DNS:svc.example.com, IP Address:192.0.2.7");
      expect(cert).toContain("TLS Web Server Authentication, TLS Web Client Authentication");
      // It certifies the CSR's own key.
      expect(opensslOk(["x509", "-noout", "-pubkey"], issued.certificate.certificatePem)).toBe(
        opensslOk(["pkey", "-in", `${dir}/r.key`, "-pubout"]),
      );
      await expect(exportCertificate(issued.certificate.id, "key")).rejects.toThrow(/issued from a CSR/);
    });
  }

  it("lets the operator replace the CSR's SANs and CN", async () => {
    const dir = tempDir();
    opensslCsr(dir, "r", { subject: "/CN=old.example.com" });
    const issued = await issueCertificate({
      caId: intermediateId,
      csrPem: opensslOk(["req", "-in", `${dir}/r.csr`]),
      commonName: "new.example.com",
      sans: { dns: ["alt.example.com"] },
    });
    const cert = opensslOk(["x509", "-noout", "-subject", "-ext", "subjectAltName"], issued.certificate.certificatePem);
    expect(cert).toContain("CN = new.example.com");
    expect(cert).toContain("DNS:new.example.com, DNS:alt.example.com");
  });
});

describe("bad input is refused with a clear message and leaves the store unchanged", () => {
  async function expectRefused(input: Record<string, unknown>, message: RegExp) {
    const before = await getDb().certificate.count();
    await expect(issueCertificate(input)).rejects.toThrow(message);
    expect(await getDb().certificate.count()).toBe(before);
  }

  it("a tampered CSR (signature no longer matches)", async () => {
    const dir = tempDir();
    opensslCsr(dir, "r", { subject: "/CN=aaaa.example.com", extra: ["-outform", "DER"] });
    const der = readFileSync(`${dir}/r.csr`);
    const at = der.indexOf(Buffer.from("aaaa.example.com"));
    der.write("bbbb", at); // same length, so it still parses
    const csrPem = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString("base64")}\n-----END CERTIFICATE REQUEST-----\n`;
    await expectRefused({ caId: intermediateId, csrPem }, /signature does not verify/);
  });

  it("a weak RSA 1024 CSR", async () => {
    const dir = tempDir();
    opensslCsr(dir, "r", { subject: "/CN=weak.example.com", newkey: ["-newkey", "rsa:1024"] });
    await expectRefused({ caId: intermediateId, csrPem: opensslOk(["req", "-in", `${dir}/r.csr`]) }, /RSA keys under 2048 bits/);
  });

  it("malformed PEM, a certificate instead of a CSR, garbage, an oversized paste", async () => {
    await expectRefused(
      { caId: intermediateId, csrPem: "-----BEGIN CERTIFICATE REQUEST-----\nnot base64!!\n-----END CERTIFICATE REQUEST-----" },
      /not valid base64/,
    );
    await expectRefused({ caId: intermediateId, csrPem: rootPem }, /You pasted a certificate/);
    await expectRefused({ caId: intermediateId, csrPem: "hello world" }, /not a PEM certificate signing request/);
    await expectRefused({ caId: intermediateId, csrPem: "A".repeat(1024 * 1024 + 1) }, /larger than 1 MiB/);
  });

  it("an unknown CA id and SAN syntax errors", async () => {
    await expectRefused({ caId: "no-such-ca", commonName: "x.example.com" }, /no CA with id "no-such-ca"/);
    await expectRefused(
      { caId: intermediateId, commonName: "ok.example.com", sans: { dns: ["bad_name.example.com"] } },
      /"bad_name.example.com" is not valid/,
    );
    await expectRefused({ caId: intermediateId, commonName: "My Service" }, /not a host name/);
    await expectRefused({ caId: intermediateId, commonName: "x.example.com", keyType: "rsa-1024" }, /keyType must be one of/);
    await expectRefused({ caId: intermediateId, commonName: "x.example.com", validityDays: -5 }, /at least 1/);
  });
});

describe("inventory search", () => {
  it("treats % and _ literally", async () => {
    const ca = (await createAuthority({ commonName: `Search literal CA ${Date.now()}` })).authority;
    await issueCertificate({ caId: ca.id, commonName: "plain.example.com" });
    await issueCertificate({ caId: ca.id, commonName: "svc.example.com", sans: { uri: ["spiffe://example.org/ns/my_service"] } });
    const search = (q: string) =>
      searchCertificates({ q, caId: ca.id, status: undefined, sort: "newest", page: 1, pageSize: 25 }, new Date());
    expect((await search("%")).total).toBe(0);
    expect((await search("my_service")).rows.map((r) => r.commonName)).toEqual(["svc.example.com"]);
    expect((await search("p_ain")).total).toBe(0);
  });
});
