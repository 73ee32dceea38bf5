import { createPrivateKey, createPublicKey, sign, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateKeyDer } from "./keys";
import type { KeyType } from "./key-types";

/** What OpenSSL's own encoders write for the same key: the PKCS#8 read back and written again, and the public key derived from it. */
function opensslDer(pkcs8: Uint8Array) {
  const privateKey = createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" });
  return {
    privateKey,
    pkcs8: new Uint8Array(privateKey.export({ format: "der", type: "pkcs8" })),
    spki: new Uint8Array(createPublicKey(privateKey).export({ format: "der", type: "spki" })),
  };
}

describe("generateKeyDer", () => {
  // A scalar with a leading zero byte (1 key in 256) is where a framing that did not pad would go wrong:
  // keep generating until several were seen, so every run covers them.
  it.each([
    ["ecdsa-p256", 2000, 32],
    ["ed25519", 2000, 32],
    ["ecdsa-p384", 300, 48],
  ] as [KeyType, number, number][])(
    "%s keys are byte for byte what OpenSSL encodes",
    async (keyType, atLeast, scalarSize) => {
      let leadingZero = 0;
      let keys = 0;
      while (keys < atLeast || (leadingZero < 2 && keys < 50 * atLeast)) {
        const { pkcs8, spki } = await generateKeyDer(keyType);
        const openssl = opensslDer(pkcs8);
        expect(pkcs8).toEqual(openssl.pkcs8);
        expect(spki).toEqual(openssl.spki);
        const scalar = keyType === "ed25519" ? pkcs8.subarray(pkcs8.length - 32) : scalarOf(pkcs8, scalarSize);
        if (scalar[0] === 0) leadingZero += 1;
        keys += 1;
      }
      expect(leadingZero).toBeGreaterThanOrEqual(2);
    },
    120_000,
  );

  it("the public key is the private key's: a signature made with one verifies with the other", async () => {
    for (const keyType of ["ecdsa-p256", "ecdsa-p384", "ed25519"] as KeyType[]) {
      const { pkcs8, spki } = await generateKeyDer(keyType);
      const hash = keyType === "ed25519" ? null : "sha256";
      const signature = sign(hash, Buffer.from("cadesk"), createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" }));
      const publicKey = createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
      expect(verify(hash, Buffer.from("cadesk"), publicKey, signature), keyType).toBe(true);
    }
  });

  it("RSA keys keep OpenSSL's own encoding", async () => {
    const { pkcs8, spki } = await generateKeyDer("rsa-2048");
    const openssl = opensslDer(pkcs8);
    expect(pkcs8).toEqual(openssl.pkcs8);
    expect(spki).toEqual(openssl.spki);
    expect(openssl.privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
  });
});

/** The ECPrivateKey's privateKey OCTET STRING (RFC 5915 3): after the 0x04 tag and its length, `size` bytes. */
function scalarOf(pkcs8: Uint8Array, size: number): Uint8Array {
  const at = Buffer.from(pkcs8).indexOf(Buffer.from([0x02, 0x01, 0x01, 0x04, size]));
  return pkcs8.subarray(at + 5, at + 5 + size);
}
