import { readFileSync } from "node:fs";
import { describe, expect } from "vitest";
import { it } from "../testing/system";
import { opensslOk, tempDir, writeFiles } from "../testing/openssl";
import { opensslCsr } from "../testing/openssl-pki";
import { createAuthority } from "./create-authority";
import { getDb } from "../db";
import { issueCertificate } from "./issue-certificate";
import { revokeCertificate } from "./revoke-certificate";
import { inspect } from "./inspect";
import { buildTestHierarchy } from "../testing/hierarchy";

describe("inspect", () => {
  it("reads a pasted chain, shows openssl's text, and verifies it against the store for a host name", async () => {
    const root = await createAuthority({ commonName: "Inspect Root" });
    const issuing = await createAuthority({ commonName: "Inspect Issuing", parentId: root.authority.id });
    const leaf = await issueCertificate({ caId: issuing.authority.id, commonName: "inspect.example.com" });
    const chainPem = leaf.certificate.certificatePem + issuing.authority.certificatePem;

    const result = await inspect({ input: chainPem, hostname: "inspect.example.com" });
    expect(result.objects.map((o) => o.kind)).toEqual(["certificate", "certificate"]);
    expect(result.objects[0]!.text).toBe(opensslOk(["x509", "-text", "-noout"], leaf.certificate.certificatePem));
    expect(result.objects[0]!.lints).toEqual([]);
    expect(result.chain).toMatchObject({ ok: true });
    expect(result.chain!.explanation).toContain('Verified up to cadesk CA "Inspect Root"');
    expect(result.chain!.path.map((l) => l.subject)).toEqual(["CN=inspect.example.com", "CN=Inspect Issuing", "CN=Inspect Root"]);

    const wrongName = await inspect({ input: chainPem, hostname: "other.example.com" });
    expect(wrongName.chain).toMatchObject({ ok: false, code: "HOSTNAME_MISMATCH" });
    expect(wrongName.chain!.explanation).toContain('DNS:inspect.example.com, not for "other.example.com"');

    // A lone leaf: the path is completed from cadesk's store, and the verdict names what was missing.
    const leafOnly = await inspect({ input: leaf.certificate.certificatePem, hostname: "inspect.example.com" });
    expect(leafOnly.chain).toMatchObject({ ok: false, code: "MISSING_INTERMEDIATE", missingIssuer: "CN=Inspect Issuing" });
    expect(leafOnly.chain!.explanation).toContain(
      'only with the intermediate CA "CN=Inspect Issuing", taken from cadesk\'s store (CA "Inspect Issuing")',
    );
    expect(leafOnly.chain!.path.map((l) => [l.subject, l.role])).toEqual([
      ["CN=inspect.example.com", "leaf"],
      ["CN=Inspect Issuing", "intermediate"],
      ["CN=Inspect Root", "trust anchor"],
    ]);

    const reversed = await inspect({
      input: issuing.authority.certificatePem + leaf.certificate.certificatePem,
      hostname: "inspect.example.com",
    });
    // Any order builds the same path (as Go and rustls do); the order is a warning beside the verdict.
    expect(reversed.chain).toMatchObject({ ok: true });
    expect(reversed.chain!.warnings.map((w) => w.rule)).toContain("a TLS server sends its certificate first, then each issuer in turn");
  });

  it("says a cadesk-issued certificate is revoked, with the date and reason, from cadesk's own state", async () => {
    const root = await createAuthority({ commonName: "Revoked Root" });
    const issuing = await createAuthority({ commonName: "Revoked Issuing", parentId: root.authority.id });
    const leaf = await issueCertificate({ caId: issuing.authority.id, commonName: "revoked.example.com" });
    const chainPem = leaf.certificate.certificatePem + issuing.authority.certificatePem;
    expect((await inspect({ input: chainPem, hostname: "revoked.example.com" })).chain).toMatchObject({ ok: true });
    await revokeCertificate(leaf.certificate.id, { reason: "keyCompromise" }, new Date("2026-11-20T08:00:00Z"));
    const after = await inspect({ input: chainPem, hostname: "revoked.example.com" });
    expect(after.chain).toMatchObject({
      ok: false,
      code: "REVOKED",
      revoked: { reason: "keyCompromise", revokedAt: "2026-11-20T08:00:00.000Z" },
    });
    expect(after.chain!.explanation).toContain("was revoked on 2026-11-20 for keyCompromise (cadesk's CRL and OCSP state)");
    expect(after.chain!.failure).toMatchObject({ section: "RFC 5280 6.1.3 (a)(3)", role: "leaf" });
    expect(after.objects[0]!.lints[0]).toMatchObject({ severity: "error", code: "REVOKED" });
    expect(after.objects[1]!.lints.map((l) => l.code)).not.toContain("REVOKED");
    // A lone leaf: completed from the store, and still revoked.
    expect((await inspect({ input: leaf.certificate.certificatePem, hostname: "revoked.example.com" })).chain).toMatchObject({
      code: "REVOKED",
    });
  });

  it("takes validationTime, purpose, mode and several roots, and reports them in the verdict", async () => {
    const h = await buildTestHierarchy("ecdsa-p256", new Date("2026-01-01T00:00:00Z"));
    const other = await buildTestHierarchy("ecdsa-p256");
    const input = h.leafPem + h.intermediatePem;
    const roots = other.rootPem + h.rootPem;
    const now = await inspect({ input, hostname: "api.example.com", rootPem: roots, validationTime: new Date("2026-02-01T00:00:00Z") });
    expect(now.chain).toMatchObject({ ok: true, mode: "private", purpose: "server", validationTime: "2026-02-01T00:00:00.000Z" });
    expect(now.chain!.path.map((p) => p.role)).toEqual(["leaf", "intermediate", "trust anchor"]);
    expect(now.chain!.rulesApplied.join("\n")).toContain("validity at 2026-02-01 00:00:00 UTC");
    const later = await inspect({ input, hostname: "api.example.com", rootPem: roots, validationTime: new Date("2027-01-01T00:00:00Z") });
    expect(later.chain).toMatchObject({ ok: false, code: "EXPIRED" });
    const asClient = await inspect({ input, rootPem: roots, purpose: "client", validationTime: new Date("2026-02-01T00:00:00Z") });
    expect(asClient.chain).toMatchObject({ ok: false, code: "WRONG_USAGE", purpose: "client" });
    const strict = await inspect({
      input,
      hostname: "api.example.com",
      rootPem: roots,
      mode: "webpki",
      validationTime: new Date("2026-02-01T00:00:00Z"),
    });
    expect(strict.chain).toMatchObject({ mode: "webpki" });
    expect(strict.chain!.rulesApplied.join("\n")).toContain("CA/Browser Forum rules as failures");
  });

  it("applies a pasted CRL from the issuer", async () => {
    const root = await createAuthority({ commonName: "CRL Root" });
    const issuing = await createAuthority({ commonName: "CRL Issuing", parentId: root.authority.id });
    const leaf = await issueCertificate({ caId: issuing.authority.id, commonName: "crl.example.com" });
    await revokeCertificate(leaf.certificate.id, { reason: "superseded" }, new Date(Date.now() - 3_600_000));
    const crl = await getDb().crl.findUniqueOrThrow({ where: { authorityId: issuing.authority.id } });
    // Revoked in cadesk's state and on the pasted CRL: the CRL is named, as the source a client would see.
    const r = await inspect({
      input: leaf.certificate.certificatePem + issuing.authority.certificatePem + crl.pem,
      hostname: "crl.example.com",
    });
    expect(r.chain).toMatchObject({ ok: false, code: "REVOKED", revoked: { source: "the CRL you pasted", reason: "superseded" } });
  });

  it("verifies against a pasted root instead of the store, and says when the root is not trusted", async () => {
    const h = await buildTestHierarchy("ecdsa-p256");
    const ok = await inspect({ input: h.leafPem + h.intermediatePem, hostname: "api.example.com", rootPem: h.rootPem });
    expect(ok.chain).toMatchObject({ ok: true });
    const withRoot = await inspect({ input: h.leafPem + h.intermediatePem + h.rootPem, hostname: "api.example.com" });
    expect(withRoot.chain).toMatchObject({ ok: false, code: "UNKNOWN_AUTHORITY" });
    expect(withRoot.chain!.explanation).toContain("which is not trusted here");
    const expired = await buildTestHierarchy("ecdsa-p256", new Date("2019-01-01T00:00:00Z"));
    const old = await inspect({ input: expired.leafPem + expired.intermediatePem, hostname: "api.example.com", rootPem: expired.rootPem });
    expect(old.chain).toMatchObject({ ok: false, code: "EXPIRED" });
    expect(old.chain!.explanation).toContain("The certificate expired on 2019-04-01");
    expect(old.objects[0]!.lints.map((l) => l.code)).toContain("EXPIRED");
    const caOnly = await inspect({ input: h.intermediatePem });
    expect(caOnly.chain).toBeUndefined(); // only CAs and no host name: nothing to check as a leaf
  });

  it("lints in plain words: no SAN, long validity, weak RSA, CA without keyCertSign", async () => {
    const dir = tempDir();
    const make = (name: string, args: string[]) => {
      opensslOk(["req", "-x509", "-nodes", "-keyout", `${dir}/${name}.key`, "-out", `${dir}/${name}.pem`, ...args]);
      return readFileSync(`${dir}/${name}.pem`, "utf8");
    };
    const cnOnly = make("cn", [
      "-newkey",
      "rsa:1024",
      "-sha1",
      "-subj",
      "/CN=legacy.example.com",
      "-days",
      "825",
      "-addext",
      "basicConstraints=CA:FALSE",
      "-addext",
      "extendedKeyUsage=serverAuth",
    ]);
    const codes = (await inspect({ input: cnOnly })).objects[0]!.lints.map((l) => l.code);
    expect(codes).toEqual(expect.arrayContaining(["NO_SAN", "LONG_VALIDITY", "WEAK_RSA"]));
    const badCa = make("ca", [
      "-newkey",
      "ed25519",
      "-subj",
      "/CN=Bad CA",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,digitalSignature",
    ]);
    expect((await inspect({ input: badCa })).objects[0]!.lints.map((l) => l.code)).toContain("CA_WITHOUT_KEY_CERT_SIGN");
  });

  it("reads CSRs, PKCS#7 and DER, and PKCS#12 with its password", async () => {
    const h = await buildTestHierarchy("rsa-2048");
    const f = writeFiles(tempDir(), {
      "chain.pem": h.leafPem + h.intermediatePem,
      "leaf.key": opensslOk(["pkey", "-inform", "DER"], h.leafKey),
    });
    const p7b = opensslOk(["crl2pkcs7", "-nocrl", "-certfile", f["chain.pem"]!]);
    expect((await inspect({ input: p7b })).objects.map((o) => o.source)).toEqual(["PKCS#7 certificate 1", "PKCS#7 certificate 2"]);

    const der = new Uint8Array(h.leafDer);
    expect((await inspect({ input: der })).objects[0]!.source).toBe("DER file");

    const dir = tempDir();
    opensslCsr(dir, "r", { subject: "/CN=csr.example.com" });
    const csr = await inspect({ input: readFileSync(`${dir}/r.csr`, "utf8") });
    expect(csr.objects[0]!.kind).toBe("csr");
    expect(csr.objects[0]!.lints.map((l) => l.code)).toEqual(["NO_SAN"]);

    for (const legacy of [[], ["-legacy"]]) {
      opensslOk([
        "pkcs12",
        "-export",
        "-in",
        f["chain.pem"]!,
        "-inkey",
        f["leaf.key"]!,
        "-out",
        `${dir}/b.p12`,
        "-passout",
        "pass:p12-pass",
        ...legacy,
      ]);
      const p12 = new Uint8Array(readFileSync(`${dir}/b.p12`));
      await expect(inspect({ input: p12 })).rejects.toThrow(/enter its password/);
      await expect(inspect({ input: p12, password: "wrong" })).rejects.toThrow(/password is wrong/);
      const read = await inspect({ input: p12, password: "p12-pass" });
      expect(read.objects.map((o) => o.title)).toEqual(expect.arrayContaining(["api.example.com", "Test Intermediate rsa-2048"]));
    }
  });

  it("reads a CRL and says when its next update has passed", async () => {
    const { x509 } = await import("../pki/crypto-provider");
    const { generateKeyPair } = await import("../pki/keys");
    const key = await generateKeyPair("ecdsa-p256");
    const crl = await x509.X509CrlGenerator.create({
      issuer: "CN=Stale CRL CA",
      thisUpdate: new Date("2024-01-01T00:00:00Z"),
      nextUpdate: new Date("2024-01-08T00:00:00Z"),
      entries: [{ serialNumber: "0a0b", revocationDate: new Date("2024-01-01T00:00:00Z"), reason: x509.X509CrlReason.keyCompromise }],
      signingKey: key.keys.privateKey,
      signingAlgorithm: { name: "ECDSA", hash: "SHA-256" } as EcdsaParams,
    });
    const pem = crl.toString("pem");
    const result = await inspect({ input: pem });
    expect(result.objects[0]).toMatchObject({ kind: "crl", title: "CRL of CN = Stale CRL CA" });
    expect(result.objects[0]!.summary).toContainEqual({ label: "Revoked", value: "0A0B" });
    expect(result.objects[0]!.lints.map((l) => l.code)).toEqual(["CRL_STALE"]);
    // openssl reads only the "X509 CRL" label; @peculiar/x509 writes "CRL", which cadesk accepts too.
    expect(result.objects[0]!.text).toBe(opensslOk(["crl", "-text", "-noout"], pem.replace(/(BEGIN|END) CRL/g, "$1 X509 CRL")));
  });

  it("refuses garbage, truncated DER, broken base64 and huge pastes with clear messages", async () => {
    await expect(inspect({ input: new Uint8Array([1, 2, 3, 4, 5]) })).rejects.toThrow(/not a certificate, CSR, CRL, PKCS#7 or PKCS#12/);
    const h = await buildTestHierarchy("ecdsa-p256");
    await expect(inspect({ input: h.leafDer.subarray(0, 100) })).rejects.toThrow(
      /not a certificate, CSR, CRL, PKCS#7 or PKCS#12 .* truncated/,
    );
    await expect(inspect({ input: "-----BEGIN CERTIFICATE-----\nMIIB%%%\n-----END CERTIFICATE-----" })).rejects.toThrow(/not valid base64/);
    await expect(inspect({ input: "x".repeat(10 * 1024 * 1024) })).rejects.toThrow(/limit is 1 MiB/);
    await expect(inspect({ input: "-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----" })).rejects.toThrow(
      /does not decode as one/,
    );
    const keyOnly = await inspect({ input: h.leafPem + "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n" });
    expect(keyOnly.skipped[0]).toContain("private keys are not inspected");
  });
});
