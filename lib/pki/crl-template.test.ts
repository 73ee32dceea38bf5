import { webcrypto } from "node:crypto";
import { describe, expect, it } from "vitest";
import { pkcs8Signer } from "../signers/webcrypto";
import type { Signer } from "../signers/signer";
import { buildTestHierarchy } from "../testing/hierarchy";
import { openssl, opensslOk, tempDir, writeFiles } from "../testing/openssl";
import { webCryptoSigner } from "../signers/webcrypto";
import { signCrl, type CrlEntry } from "./crl";
import { crlNumberOf, signCrlStreamed } from "./crl-template";
import type { KeyType } from "./key-types";
import { REASON_CODES, type RevocationReason } from "./revocation-reasons";

/** The CA's signer with one fixed signature on both paths, so ECDSA CRLs compare byte for byte too. */
function fixedSigner(real: Signer): Signer {
  const size = { "ecdsa-p256": 64, "ecdsa-p384": 96, ed25519: 64, "rsa-2048": 256, "rsa-3072": 384, "rsa-4096": 512 }[real.keyType];
  const signature = new Uint8Array(size).map((_, i) => (i * 53 + 7) & 0xff);
  signature[0] = 0x80;
  signature[size / 2] = 0;
  const subtle = new Proxy(webcrypto.subtle, {
    get(target, prop) {
      if (prop === "sign") return async () => signature.slice().buffer;
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  const provider = { subtle, getRandomValues: webcrypto.getRandomValues.bind(webcrypto) } as unknown as Crypto;
  return { ...webCryptoSigner(real.webCrypto.privateKey, real.keyType, real.publicKey, provider), sign: async () => signature.slice() };
}

async function* pagesOf(entries: CrlEntry[], size: number) {
  for (let i = 0; i < entries.length; i += size) yield entries.slice(i, i + size);
  yield [];
}

const REASONS = Object.keys(REASON_CODES) as RevocationReason[];
const thisUpdate = new Date("2026-06-01T12:00:00Z");
const nextUpdate = new Date("2026-06-08T12:00:00Z");

describe("CRLs from the DER template equal @peculiar/x509's, byte for byte", () => {
  it.each(["ecdsa-p256", "ecdsa-p384", "rsa-2048", "ed25519"] as KeyType[])(
    "a %s CA: no entries, every reason, serial shapes, pages",
    async (keyType) => {
      const h = await buildTestHierarchy(keyType);
      const real = await pkcs8Signer(h.intermediateKey, keyType);
      const issuer = { certificate: h.intermediate, signer: fixedSigner(real) };
      const serials = ["01", "7f", "80", "00ff", "5a0c33e1d2b4f6a8091b2c3d4e5f6071", "ff" + "00".repeat(19), "abc"];
      // Serials of every shape and every reason (a CRL lists each serial once).
      const entries: CrlEntry[] = Array.from({ length: Math.max(serials.length, REASONS.length) * 2 }, (_, i) => ({
        serialHex: serials[i] ?? (0x1000 + i).toString(16),
        reason: REASONS[i % REASONS.length]!,
        revokedAt: new Date(thisUpdate.getTime() - i * 60_000),
      }));
      // GeneralizedTime from 2050 (RFC 5280 5.1.2.6), and shapes that take the general encoder.
      entries.push(
        { serialHex: "0", reason: "superseded", revokedAt: new Date("2051-02-03T04:05:06Z") },
        { serialHex: "ab".repeat(21), reason: "unspecified", revokedAt: thisUpdate },
        { serialHex: "00" + "cd".repeat(20), reason: "keyCompromise", revokedAt: thisUpdate },
      );
      for (const list of [[], entries.slice(0, 1), entries]) {
        for (const number of [1, 127, 128, 65_536]) {
          const reference = await signCrl({ issuer, number, thisUpdate, nextUpdate, entries: list });
          const streamed = await signCrlStreamed({ issuer, number, thisUpdate, nextUpdate, pages: pagesOf(list, 5) });
          expect(Buffer.from(streamed.der).toString("hex"), `${list.length} entries, number ${number}`).toBe(
            Buffer.from(reference.rawData).toString("hex"),
          );
          expect(streamed.pem).toBe(reference.toString("pem").replace(/(BEGIN|END) CRL/g, "$1 X509 CRL") + "\n");
          expect(streamed.entries).toBe(list.length);
          expect(crlNumberOf(streamed.der)).toBe(number);
        }
      }
    },
  );

  it("with the real key: openssl verifies the CRL and refuses the revoked leaf with it", async () => {
    const h = await buildTestHierarchy("ecdsa-p256");
    const issuer = { certificate: h.intermediate, signer: await pkcs8Signer(h.intermediateKey, "ecdsa-p256") };
    const now = new Date();
    const others = Array.from({ length: 3000 }, (_, i) => ({
      serialHex: (i + 0x1000).toString(16),
      revokedAt: now,
      reason: "superseded" as const,
    }));
    const crl = await signCrlStreamed({
      issuer,
      number: 9,
      thisUpdate: now,
      nextUpdate: new Date(now.getTime() + 86_400_000),
      pages: pagesOf([...others, { serialHex: h.leaf.serialNumber, revokedAt: now, reason: "keyCompromise" }], 700),
    });
    const f = writeFiles(tempDir(), { "crl.pem": crl.pem, "chain.pem": h.rootPem + h.intermediatePem, "leaf.pem": h.leafPem });
    expect(openssl(["crl", "-in", f["crl.pem"]!, "-noout", "-CAfile", f["chain.pem"]!]).stderr).toContain("verify OK");
    expect(opensslOk(["crl", "-in", f["crl.pem"]!, "-noout", "-text"]).match(/Serial Number:/g)).toHaveLength(3001);
    const verify = openssl(["verify", "-crl_check", "-CAfile", f["chain.pem"]!, "-CRLfile", f["crl.pem"]!, f["leaf.pem"]!]);
    expect(verify.stdout + verify.stderr).toContain("certificate revoked");
  });
});
