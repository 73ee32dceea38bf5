import { createPublicKey, randomBytes, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { decryptKey, encryptKey } from "../pki/key-encryption";
import { KEY_TYPES, type KeyType } from "../pki/key-types";
import { ecdsaSigValue } from "../pki/der-build";
import { generateKeyPair } from "../pki/keys";
import { toPem } from "../pki/pem";
import { openssl, tempDir, writeFiles } from "../testing/openssl";
import { cachedSigner, cachedSignerCount } from "./cache";
import { openKey, openSealedSigner, sealKey } from "./sealed-key";
import { keyPairSigner, pkcs8Signer, spkiOfPkcs8 } from "./webcrypto";

/** Node's verify() parameters for what each signer produces (ECDSA as IEEE P1363, as WebCrypto signs). */
function nodeVerify(keyType: KeyType, spki: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean {
  const key = createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
  if (keyType === "ed25519") return verify(null, data, key, signature);
  const hash = keyType === "ecdsa-p384" ? "sha384" : "sha256";
  return verify(hash, data, keyType.startsWith("ecdsa") ? { key, dsaEncoding: "ieee-p1363" } : key, signature);
}

describe("key sealing (AES-256-GCM, the row as associated data)", () => {
  const master = new Uint8Array(32).fill(7);
  const pkcs8 = new Uint8Array(randomBytes(48));

  it("opens what it sealed, with a fresh IV each time", () => {
    const a = encryptKey(pkcs8, master, "authority:1");
    const b = encryptKey(pkcs8, master, "authority:1");
    expect(a).toMatch(/^v1:[A-Za-z0-9+/]+=*$/);
    expect(a).not.toBe(b);
    expect(decryptKey(a, master, "authority:1")).toEqual(pkcs8);
  });

  it("refuses a key moved to another row (wrong associated data), another master key, or altered bytes", () => {
    const sealed = encryptKey(pkcs8, master, "authority:1");
    expect(() => decryptKey(sealed, master, "authority:2")).toThrow();
    expect(() => decryptKey(sealed, new Uint8Array(32).fill(8), "authority:1")).toThrow();
    const raw = Buffer.from(sealed.slice(3), "base64");
    raw[raw.length - 1]! ^= 1;
    expect(() => decryptKey(`v1:${raw.toString("base64")}`, master, "authority:1")).toThrow();
    expect(() => decryptKey(sealed.replace("v1:", "v9:"), master, "authority:1")).toThrow(/unknown key encryption format/);
  });

  it("through the store's master key: a wrong context is an AppError that names the master key", () => {
    const sealed = sealKey(pkcs8, "certificate:a");
    expect(openKey(sealed, "certificate:a")).toEqual(pkcs8);
    const error = (() => {
      try {
        openKey(sealed, "certificate:b");
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toMatch(/master key/);
  });
});

describe("signers", () => {
  it.each(KEY_TYPES.filter((k) => k !== "rsa-4096" && k !== "rsa-3072"))(
    "a %s signer signs what its public key verifies, sealed or not",
    async (keyType) => {
      const key = await generateKeyPair(keyType);
      const data = new TextEncoder().encode("to be signed");
      const fresh = await keyPairSigner(key.keys, keyType);
      const sealed = await openSealedSigner({ sealed: sealKey(key.pkcs8, "authority:x"), context: "authority:x", keyType });
      expect(sealed.publicKey).toEqual(fresh.publicKey);
      expect(spkiOfPkcs8(key.pkcs8)).toEqual(fresh.publicKey);
      for (const signer of [fresh, sealed, await pkcs8Signer(key.pkcs8, keyType)]) {
        expect(signer.keyType).toBe(keyType);
        expect(nodeVerify(keyType, signer.publicKey, data, await signer.sign(data))).toBe(true);
        expect(nodeVerify(keyType, signer.publicKey, new TextEncoder().encode("other"), await signer.sign(data))).toBe(false);
        // The key handed to @peculiar/x509 cannot be exported.
        if (signer !== fresh) expect(signer.webCrypto.privateKey.extractable).toBe(false);
      }
    },
  );
});

describe("sealed signers sign with a node:crypto KeyObject", () => {
  const dir = tempDir("cadesk-signers-");
  it.each(KEY_TYPES)(
    "a sealed %s key signs synchronously, and openssl verifies what it signs",
    async (keyType) => {
      const key = await generateKeyPair(keyType);
      const signer = await openSealedSigner({ sealed: sealKey(key.pkcs8, "authority:o"), context: "authority:o", keyType });
      expect(signer.signSync).toBeTypeOf("function");
      const data = new Uint8Array(randomBytes(300));
      const files = writeFiles(dir, {
        [`${keyType}.pub.pem`]: toPem(signer.publicKey, "PUBLIC KEY"),
        [`${keyType}.data`]: data,
        [`${keyType}.other`]: new Uint8Array(randomBytes(300)),
      });
      for (const signature of [signer.signSync!(data), await signer.sign(data)]) {
        // openssl wants ECDSA signatures as DER Ecdsa-Sig-Value (RFC 3279 2.2.3), not r||s.
        const sig = writeFiles(dir, { [`${keyType}.sig`]: keyType.startsWith("ecdsa") ? ecdsaSigValue(signature) : signature })[
          `${keyType}.sig`
        ]!;
        const check = (file: string) =>
          keyType === "ed25519"
            ? openssl(["pkeyutl", "-verify", "-pubin", "-inkey", files[`${keyType}.pub.pem`]!, "-rawin", "-in", file, "-sigfile", sig])
            : openssl([
                "dgst",
                keyType === "ecdsa-p384" ? "-sha384" : "-sha256",
                "-verify",
                files[`${keyType}.pub.pem`]!,
                "-signature",
                sig,
                file,
              ]);
        const good = check(files[`${keyType}.data`]!);
        expect(good.stdout + good.stderr).toMatch(/Verified OK|Signature Verified Successfully/);
        expect(good.status).toBe(0);
        expect(check(files[`${keyType}.other`]!).status).not.toBe(0);
      }
    },
    60_000,
  );
});

describe("the signer cache", () => {
  it("loads once per key, forgets a failed load, and keeps entries apart", async () => {
    const key = await generateKeyPair("ecdsa-p256");
    const signer = await keyPairSigner(key.keys, "ecdsa-p256");
    let loads = 0;
    const load = async () => {
      loads++;
      return { certificate: undefined as never, signer };
    };
    const id = `test:${Math.random()}`;
    const first = cachedSigner(id, load);
    expect(cachedSigner(id, load)).toBe(first);
    await first;
    expect(loads).toBe(1);

    const failing = `test-fail:${Math.random()}`;
    await expect(cachedSigner(failing, () => Promise.reject(new Error("no key")))).rejects.toThrow("no key");
    await cachedSigner(failing, load);
    expect(loads).toBe(2);
    await cachedSigner(`${id}:renewed`, load);
    expect(loads).toBe(3);
  });

  it("holds at most 1000 entries, dropping the least recently used", async () => {
    const key = await generateKeyPair("ecdsa-p256");
    const entry = { certificate: undefined as never, signer: await keyPairSigner(key.keys, "ecdsa-p256") };
    const kept = `lru-kept:${Math.random()}`;
    cachedSigner(kept, async () => entry);
    let loads = 0;
    for (let i = 0; i < 1200; i++) {
      cachedSigner(`lru:${i}`, async () => entry);
      // Used all along, so never the oldest.
      cachedSigner(kept, async () => (loads++, entry));
    }
    expect(cachedSignerCount()).toBe(1000);
    expect(loads).toBe(0);
    cachedSigner("lru:0", async () => (loads++, entry));
    expect(loads).toBe(1);
  });
});

describe("certificates, CRLs and OCSP sign only through the Signer", () => {
  it("uses the signer's own WebCrypto provider (where a PKCS#11 signer puts its HSM)", async () => {
    const { webcrypto } = await import("node:crypto");
    const { x509 } = await import("../pki/crypto-provider");
    const { signCaCertificate, signLeafCertificate } = await import("../pki/certificate");
    const { signCrl } = await import("../pki/crl");
    const { signOcspResponse } = await import("../pki/ocsp");
    const { buildName } = await import("../pki/names");
    const { computeValidity } = await import("../pki/profiles");
    const { webCryptoSigner } = await import("./webcrypto");
    const counted: string[] = [];
    // A provider that records every private-key operation and passes it on to Node's.
    const subtle = new Proxy(webcrypto.subtle, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target) as unknown;
        if (prop === "sign")
          return (...args: unknown[]) => (counted.push("sign"), (value as (...a: unknown[]) => unknown).apply(target, args));
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const provider = { subtle, getRandomValues: webcrypto.getRandomValues.bind(webcrypto) } as unknown as Crypto;
    const key = await generateKeyPair("ecdsa-p256");
    const signer = webCryptoSigner(key.keys.privateKey, "ecdsa-p256", spkiOfPkcs8(key.pkcs8), provider);
    const now = new Date("2026-06-01T00:00:00Z");
    const root = await signCaCertificate({
      subject: buildName({ commonName: "Provider Root" }),
      publicKey: key.keys.publicKey,
      selfSigner: signer,
      validity: computeValidity(365, now),
      serialNumber: "01",
    });
    const issuer = { certificate: root, signer };
    const leafKey = await generateKeyPair("ecdsa-p256");
    const leaf = await signLeafCertificate({
      issuer,
      subject: buildName({ commonName: "svc.example.com" }),
      publicKey: leafKey.keys.publicKey,
      sans: [{ type: "dns", value: "svc.example.com" }],
      profile: "server",
      validity: computeValidity(30, now),
      serialNumber: "02",
    });
    const crl = await signCrl({ issuer, number: 1, thisUpdate: now, nextUpdate: new Date(now.getTime() + 86_400_000), entries: [] });
    expect(counted).toEqual(["sign", "sign", "sign"]);
    await signOcspResponse({ responder: issuer, signerCertificateDer: new Uint8Array(root.rawData), responses: [], now, nextUpdate: now });
    expect(counted).toHaveLength(4);
    expect(await root.verify({ signatureOnly: true })).toBe(true);
    expect(await leaf.verify({ publicKey: root.publicKey, signatureOnly: true })).toBe(true);
    expect(await crl.verify({ publicKey: root.publicKey })).toBe(true);
    expect(root).toBeInstanceOf(x509.X509Certificate);
  });
});
