import { describe, expect, it } from "vitest";
import { buildTestHierarchy } from "../testing/hierarchy";
import { openssl, tempDir, writeFiles } from "../testing/openssl";
import { KEY_TYPES } from "./key-types";

describe("signCaCertificate + signLeafCertificate", () => {
  for (const keyType of KEY_TYPES) {
    it(`builds a ${keyType} root -> intermediate -> server chain that openssl verifies strictly`, async () => {
      const h = await buildTestHierarchy(keyType);
      const f = writeFiles(tempDir(), { "root.pem": h.rootPem, "int.pem": h.intermediatePem, "leaf.pem": h.leafPem });
      const r = openssl([
        "verify",
        "-x509_strict",
        "-purpose",
        "sslserver",
        "-CAfile",
        f["root.pem"]!,
        "-untrusted",
        f["int.pem"]!,
        f["leaf.pem"]!,
      ]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain(": OK");
    });
  }

  it("writes the extensions and serial a strict client expects", async () => {
    const h = await buildTestHierarchy("ecdsa-p384");
    const text = openssl(["x509", "-noout", "-text"], h.leafPem).stdout;
    expect(text).toMatch(/Version: 3/);
    expect(text).toMatch(/Basic Constraints: critical\s+CA:FALSE/);
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature/);
    expect(text).toMatch(/Extended Key Usage: \s*\n\s+TLS Web Server Authentication/);
    expect(text).toMatch(/Subject Alternative Name: \s*\n\s+DNS:api.example.com/);
    expect(text).toContain("Subject Key Identifier");
    expect(text).toContain("Authority Key Identifier");
    expect(text).toMatch(/Signature Algorithm: ecdsa-with-SHA384/); // P-384 issuer signs with SHA-384
    const serial = openssl(["x509", "-noout", "-serial"], h.leafPem).stdout.trim().split("=")[1]!;
    expect(serial.length).toBe(32); // 16 octets, top bit clear: positive and >= 64 random bits
    expect(parseInt(serial[0]!, 16)).toBeLessThan(8);

    const ca = openssl(["x509", "-noout", "-text"], h.intermediatePem).stdout;
    expect(ca).toMatch(/Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
    expect(ca).toMatch(/Key Usage: critical\s+Digital Signature, Certificate Sign, CRL Sign/);
  });

  it("gives RSA server keys keyEncipherment too, for TLS 1.2 RSA key exchange", async () => {
    const h = await buildTestHierarchy("rsa-2048");
    expect(openssl(["x509", "-noout", "-text"], h.leafPem).stdout).toMatch(/Key Usage: critical\s+Digital Signature, Key Encipherment/);
  });
});
