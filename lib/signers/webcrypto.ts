import { webcrypto } from "node:crypto";
import { createPrivateKey, createPublicKey } from "node:crypto";
import { signingAlgorithm, type KeyType } from "../pki/key-types";
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

/** A signer for PKCS#8 key bytes in hand, imported as a non-extractable key. */
export async function pkcs8Signer(pkcs8: Bytes, keyType: KeyType): Promise<Signer> {
  return webCryptoSigner(await importSigningKey(pkcs8, keyType), keyType, spkiOfPkcs8(pkcs8));
}
