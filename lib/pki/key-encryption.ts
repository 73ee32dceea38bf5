import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * Private keys at rest: AES-256-GCM under the master key, with the record's purpose as
 * associated data so a ciphertext moved to another row or column fails to decrypt.
 * Format: "v1:" + base64(iv[12] | tag[16] | ciphertext).
 */
const VERSION = "v1";

export function encryptKey(plaintext: Uint8Array, masterKey: Uint8Array, context: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", masterKey, iv);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64")}`;
}

export function decryptKey(sealed: string, masterKey: Uint8Array, context: string): Uint8Array<ArrayBuffer> {
  const [version, payload] = sealed.split(":");
  if (version !== VERSION || !payload) throw new Error(`unknown key encryption format "${version}"`);
  const raw = Buffer.from(payload, "base64");
  const decipher = createDecipheriv("aes-256-gcm", masterKey, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(raw.subarray(12, 28));
  return new Uint8Array(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]));
}
