import { describe, expect, it } from "vitest";
import { buildTestHierarchy } from "../testing/hierarchy";
import { openssl, opensslOk, tempDir, writeFiles } from "../testing/openssl";
import { pkcs8Signer as openTestSigner } from "../signers/webcrypto";
import { signCrl } from "./crl";
import type { RevocationReason } from "./revocation-reasons";

describe("signCrl", () => {
  it.each(["ecdsa-p256", "rsa-2048", "ed25519"] as const)(
    "makes a %s CRL that openssl verifies and uses to reject the revoked leaf",
    async (keyType) => {
      const h = await buildTestHierarchy(keyType);
      const issuer = { certificate: h.intermediate, signer: await openTestSigner(h.intermediateKey, keyType) };
      const now = new Date();
      const crl = await signCrl({
        issuer,
        number: 7,
        thisUpdate: now,
        nextUpdate: new Date(now.getTime() + 7 * 86_400_000),
        entries: [{ serialHex: h.leaf.serialNumber, revokedAt: now, reason: "keyCompromise" }],
      });
      const f = writeFiles(tempDir(), {
        "crl.pem": crl.toString("pem").replace(/(BEGIN|END) CRL/g, "$1 X509 CRL"),
        "int.pem": h.intermediatePem,
        "root.pem": h.rootPem,
        "leaf.pem": h.leafPem,
        "chain.pem": h.rootPem + h.intermediatePem,
      });
      const text = opensslOk(["crl", "-in", f["crl.pem"]!, "-noout", "-text", "-CAfile", f["int.pem"]!]);
      expect(text).toMatch(/X509v3 CRL Number: \s*\n\s+7/);
      expect(text).toContain("Key Compromise");
      expect(openssl(["crl", "-in", f["crl.pem"]!, "-noout", "-CAfile", f["chain.pem"]!]).stderr).toContain("verify OK");
      const verify = openssl(["verify", "-crl_check", "-CAfile", f["chain.pem"]!, "-CRLfile", f["crl.pem"]!, f["leaf.pem"]!]);
      expect(verify.status).not.toBe(0);
      expect(verify.stdout + verify.stderr).toContain("certificate revoked");
    },
  );

  it("writes each reason under its RFC 5280 code, as openssl names it", async () => {
    const h = await buildTestHierarchy("ecdsa-p256");
    const issuer = {
      certificate: h.intermediate,
      signer: await openTestSigner(h.intermediateKey, "ecdsa-p256"),
    };
    const names: [RevocationReason, string][] = [
      ["keyCompromise", "Key Compromise"],
      ["cACompromise", "CA Compromise"],
      ["affiliationChanged", "Affiliation Changed"],
      ["superseded", "Superseded"],
      ["cessationOfOperation", "Cessation Of Operation"],
      ["certificateHold", "Certificate Hold"],
      ["removeFromCRL", "Remove From CRL"],
      ["privilegeWithdrawn", "Privilege Withdrawn"],
      ["aACompromise", "AA Compromise"],
    ];
    const now = new Date();
    const crl = await signCrl({
      issuer,
      number: 1,
      thisUpdate: now,
      nextUpdate: new Date(now.getTime() + 86_400_000),
      entries: names.map(([reason], i) => ({ serialHex: (i + 16).toString(16), revokedAt: now, reason })),
    });
    const text = opensslOk(["crl", "-noout", "-text"], crl.toString("pem").replace(/(BEGIN|END) CRL/g, "$1 X509 CRL"));
    expect([...text.matchAll(/Reason Code: \s*\n\s+(.+)/g)].map((m) => m[1])).toEqual(names.map(([, name]) => name));
  });
});
