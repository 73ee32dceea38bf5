/**
 * What issuance, CRLs and OCSP see of a CA's private key: sign bytes, tell the public key. The
 * key itself may be sealed in the store (sealed-key.ts), or later in an HSM over PKCS#11; the
 * code that signs certificates never knows which (as smallstep's `kms` package does for step-ca).
 */
import type { KeyType } from "../pki/key-types";

export interface Signer {
  /** The key's type: it decides the signature algorithm (signingAlgorithm in lib/pki/key-types.ts). */
  readonly keyType: KeyType;
  /** The WebCrypto algorithm `sign` uses: ECDSA with SHA-256/384, RSASSA-PKCS1-v1_5 with SHA-256, or Ed25519. */
  readonly algorithm: Algorithm;
  /** The public key, DER SubjectPublicKeyInfo. */
  readonly publicKey: Uint8Array;
  /** Signs `data` with `algorithm`. ECDSA signatures come as WebCrypto gives them (IEEE P1363 r||s), not DER. */
  sign(data: Uint8Array): Promise<Uint8Array>;
  /**
   * The same signature, synchronously, when the key is a node:crypto KeyObject in this process
   * (sealed keys): no promise and no thread-pool hop per certificate. Absent for token keys.
   */
  readonly signSync?: (data: Uint8Array) => Uint8Array;
  /**
   * The private key as a CryptoKey and the WebCrypto provider it belongs to, for @peculiar/x509's
   * generators, which take both (`X509CertificateGenerator.create(params, crypto)`). A PKCS#11
   * signer hands over a key handle and node-webcrypto-p11's provider; the key never leaves the HSM.
   */
  readonly webCrypto: { privateKey: CryptoKey; crypto: Crypto };
}
