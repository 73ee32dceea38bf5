import { webcrypto } from "node:crypto";
import { constants, createPrivateKey, createPublicKey, sign, type KeyObject } from "node:crypto";
import { isRsa, signingAlgorithm, type KeyType } from "../pki/key-types";
import { importSigningKey } from "../pki/keys";
import type { Bytes } from "../pki/pem";
import type { Signer } from "./signer";

const nodeCrypto = webcrypto as unknown as Crypto;

/**
 * A signer over a private CryptoKey held in a WebCrypto provider (Node's by default): the
 * implementation under the sealed-key signer, and what tests and a new root's self-signature use.
 */
export function webCryptoSigner(privateKey: CryptoKey, keyType: KeyType, publicKey: Uint8Array, crypto: Crypto = nodeCrypto): Signer {
  const algorithm = signingAlgorithm(keyType) as Algorithm;
  return {
    keyType,
    algorithm,
    publicKey,
    webCrypto: { privateKey, crypto },
    sign: async (data) => new Uint8Array(await crypto.subtle.sign(algorithm, privateKey, data as Uint8Array<ArrayBuffer>)),
  };
}

/** A signer for a key pair generated in this process (a new root signs itself with it). */
export async function keyPairSigner(keys: CryptoKeyPair, keyType: KeyType): Promise<Signer> {
  const spki = new Uint8Array(await nodeCrypto.subtle.exportKey("spki", keys.publicKey));
  return webCryptoSigner(keys.privateKey, keyType, spki);
}

/** The public key (SPKI DER) of a PKCS#8 private key. */
export function spkiOfPkcs8(pkcs8: Uint8Array): Uint8Array {
  const key = createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" });
  return new Uint8Array(createPublicKey(key).export({ type: "spki", format: "der" }));
}

/**
 * Signs with a node:crypto KeyObject, giving what the WebCrypto signer gives for the key type
 * (signingAlgorithm in lib/pki/key-types.ts): ECDSA as IEEE P1363 r||s with SHA-256 (SHA-384 for
 * P-384), RSA PKCS#1 v1.5 with SHA-256, Ed25519. crypto.sign is synchronous: ~30 us for P-256
 * here, where subtle.sign adds a promise and a hop to the thread pool per signature.
 */
export function keyObjectSign(key: KeyObject, keyType: KeyType): (data: Uint8Array) => Uint8Array {
  if (keyType === "ed25519") return (data) => new Uint8Array(sign(null, data, key));
  if (isRsa(keyType)) return (data) => new Uint8Array(sign("sha256", data, { key, padding: constants.RSA_PKCS1_PADDING }));
  const hash = keyType === "ecdsa-p384" ? "sha384" : "sha256";
  return (data) => new Uint8Array(sign(hash, data, { key, dsaEncoding: "ieee-p1363" }));
}

/**
 * A signer for PKCS#8 key bytes in hand: a KeyObject signs (synchronously); a non-extractable
 * CryptoKey of the same key is kept for @peculiar/x509's generators, which want WebCrypto.
 */
export async function pkcs8Signer(pkcs8: Bytes, keyType: KeyType): Promise<Signer> {
  const key = createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" });
  const signSync = keyObjectSign(key, keyType);
  const spki = new Uint8Array(createPublicKey(key).export({ type: "spki", format: "der" }));
  return { ...webCryptoSigner(await importSigningKey(pkcs8, keyType), keyType, spki), signSync, sign: async (data) => signSync(data) };
}
