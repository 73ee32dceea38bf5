/**
 * The key types cadesk generates and signs with. ECDSA P-256 is the default: small, fast and
 * accepted by every TLS stack; RSA stays for legacy clients; Ed25519 for modern peers.
 */
export const KEY_TYPES = ["ecdsa-p256", "ecdsa-p384", "rsa-2048", "rsa-3072", "rsa-4096", "ed25519"] as const;
export type KeyType = (typeof KEY_TYPES)[number];
export const DEFAULT_KEY_TYPE: KeyType = "ecdsa-p256";

export const KEY_TYPE_LABELS: Record<KeyType, string> = {
  "ecdsa-p256": "ECDSA P-256 (recommended)",
  "ecdsa-p384": "ECDSA P-384",
  "rsa-2048": "RSA 2048",
  "rsa-3072": "RSA 3072",
  "rsa-4096": "RSA 4096",
  ed25519: "Ed25519",
};

/** WebCrypto parameters to generate or import a key of this type for signing. */
export function keyAlgorithm(keyType: KeyType): RsaHashedImportParams | EcKeyImportParams | Algorithm {
  switch (keyType) {
    case "ecdsa-p256":
      return { name: "ECDSA", namedCurve: "P-256" } as EcKeyImportParams;
    case "ecdsa-p384":
      return { name: "ECDSA", namedCurve: "P-384" } as EcKeyImportParams;
    case "rsa-2048":
    case "rsa-3072":
    case "rsa-4096":
      return { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } as RsaHashedImportParams;
    case "ed25519":
      return { name: "Ed25519" };
  }
}

/**
 * Signature algorithm a CA of this key type signs with: SHA-256, except SHA-384 for P-384 issuers
 * (the hash should match the curve's strength, as the CA/Browser Forum profiles require).
 */
export function signingAlgorithm(keyType: KeyType): Algorithm | EcdsaParams {
  switch (keyType) {
    case "ecdsa-p256":
      return { name: "ECDSA", hash: "SHA-256" } as EcdsaParams;
    case "ecdsa-p384":
      return { name: "ECDSA", hash: "SHA-384" } as EcdsaParams;
    case "ed25519":
      return { name: "Ed25519" };
    default:
      return { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } as unknown as Algorithm;
  }
}

export function isRsa(keyType: KeyType): boolean {
  return keyType.startsWith("rsa-");
}
