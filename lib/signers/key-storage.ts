/** Where a CA's private key is kept: sealed in the store (default) or inside the PKCS#11 token. No imports: forms use it too. */
export const KEY_STORAGES = ["sealed", "pkcs11"] as const;
export type KeyStorage = (typeof KEY_STORAGES)[number];
