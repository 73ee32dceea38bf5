/**
 * Keys sealed in the store: PKCS#8 encrypted with AES-256-GCM under the master key, with the
 * row's purpose as associated data (lib/pki/key-encryption.ts). Opening one gives a signer whose
 * CryptoKey is not extractable, so the key bytes are dropped once imported.
 */
import { AppError } from "../errors";
import { loadMasterKey } from "../master-key";
import { decryptKey, encryptKey } from "../pki/key-encryption";
import type { KeyType } from "../pki/key-types";
import type { Signer } from "./signer";
import { pkcs8Signer } from "./webcrypto";

/** Associated data binding a sealed key to its row, so a key copied elsewhere will not open. */
export const authorityKeyContext = (id: string) => `authority:${id}`;
export const certificateKeyContext = (id: string) => `certificate:${id}`;
export const ocspResponderKeyContext = (authorityId: string) => `ocsp-responder:${authorityId}`;

export function sealKey(pkcs8: Uint8Array, context: string): string {
  return encryptKey(pkcs8, loadMasterKey(), context);
}

export function openKey(sealed: string, context: string): Uint8Array<ArrayBuffer> {
  try {
    return decryptKey(sealed, loadMasterKey(), context);
  } catch {
    throw new AppError(
      "INTERNAL",
      "A stored private key could not be decrypted: the master key (CADESK_MASTER_KEY or master.key in the data dir) is not the one it was stored with. Restore the original master key.",
    );
  }
}

/** A stored key, as the row holds it. */
export interface SealedKey {
  sealed: string;
  /** The associated data it was sealed with (authorityKeyContext ...). */
  context: string;
  keyType: KeyType;
}

/** Opens a sealed key into a signer. Costs a decryption and an import: callers keep it in the signer cache. */
export async function openSealedSigner(key: SealedKey): Promise<Signer> {
  return pkcs8Signer(openKey(key.sealed, key.context), key.keyType);
}
