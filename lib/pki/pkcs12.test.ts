import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { openssl, tempDir, writeFiles } from "../testing/openssl";
import { buildTestHierarchy } from "../testing/hierarchy";
import { buildPkcs12 } from "./pkcs12";

describe("buildPkcs12", () => {
  for (const keyType of ["ecdsa-p256", "rsa-2048", "ed25519"] as const) {
    it(`holds a ${keyType} key, its certificate and the chain, readable by openssl`, async () => {
      const h = await buildTestHierarchy(keyType);
      const p12 = buildPkcs12({
        pkcs8: h.leafKey,
        certificates: [h.leafDer, h.intermediateDer, h.rootDer],
        password: "s3cret-pass",
        friendlyName: "api.example.com",
      });
      const files = writeFiles(tempDir(), { "bundle.p12": p12 });

      const dump = openssl(["pkcs12", "-in", files["bundle.p12"]!, "-passin", "pass:s3cret-pass", "-nodes"]);
      expect(dump.status, dump.stderr).toBe(0);
      expect(dump.stdout.match(/BEGIN CERTIFICATE/g)).toHaveLength(3);
      expect(dump.stdout).toContain("BEGIN PRIVATE KEY");
      expect(dump.stdout).toContain("friendlyName: api.example.com");
      // The key inside is the leaf's own key: same public key as the certificate.
      const keyPub = openssl(["pkey", "-pubout"], dump.stdout.slice(dump.stdout.indexOf("-----BEGIN PRIVATE KEY")));
      const certPub = openssl(["x509", "-noout", "-pubkey"], h.leafPem);
      expect(keyPub.stdout).toBe(certPub.stdout);
    });
  }

  it("is refused by openssl with a wrong password", async () => {
    const h = await buildTestHierarchy("ecdsa-p256");
    const p12 = buildPkcs12({ pkcs8: h.leafKey, certificates: [h.leafDer], password: "right-pass", friendlyName: "x" });
    const files = writeFiles(tempDir(), { "bundle.p12": p12 });
    const r = openssl(["pkcs12", "-in", files["bundle.p12"]!, "-passin", "pass:wrong-pass", "-nodes"]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/mac verify (failure|error)/i);
  });

  it.each(["ecdsa-p256", "rsa-2048"] as const)("opens in Java keytool as a private key entry with its chain (%s)", async (keyType) => {
    const h = await buildTestHierarchy(keyType);
    const p12 = buildPkcs12({
      pkcs8: h.leafKey,
      certificates: [h.leafDer, h.intermediateDer, h.rootDer],
      password: "changeit",
      friendlyName: "api",
    });
    const files = writeFiles(tempDir(), { "bundle.p12": p12 });
    const out = execFileSync(
      "keytool",
      ["-list", "-v", "-storetype", "PKCS12", "-keystore", files["bundle.p12"]!, "-storepass", "changeit"],
      { encoding: "utf8" },
    );
    expect(out).toContain("Entry type: PrivateKeyEntry");
    expect(out).toContain("Certificate chain length: 3");
  });

  it("refuses a password shorter than 4 characters", async () => {
    const h = await buildTestHierarchy("ecdsa-p256");
    expect(() => buildPkcs12({ pkcs8: h.leafKey, certificates: [h.leafDer], password: "abc", friendlyName: "x" })).toThrow(/at least 4/);
  });
});
