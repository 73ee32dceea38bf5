/**
 * Where a CA's key lives, decided once per CA: sealed in the store (the default) or inside the
 * PKCS#11 token (keyStorage "pkcs11"). Creating, importing and loading a CA go through here, so
 * the rest of the code only ever holds a Signer.
 */
import { webcrypto } from "node:crypto";
import type { Authority } from "@/generated/prisma/client";
import { AppError } from "../errors";
import { describeKey, findPrivateKey, generateTokenKey, TOKEN_KEY_TYPES } from "../hsm/keys";
import { openToken, tokenSettings } from "../hsm/token";
import { generateKeyPair } from "../pki/keys";
import { keyAlgorithm, type KeyType } from "../pki/key-types";
import { openPkcs11Signer } from "./pkcs11";
import { authorityKeyContext, openSealedSigner, sealKey } from "./sealed-key";
import type { KeyStorage } from "./key-storage";
import type { Signer } from "./signer";
import { keyPairSigner } from "./webcrypto";

/** The Authority columns that say where its key is. */
export type StoredCaKey = Pick<Authority, "encryptedKey" | "keyStorage" | "pkcs11Token" | "pkcs11KeyId" | "pkcs11KeyLabel">;

export interface NewCaKey {
  /** The public key, for the certificate. */
  publicKey: CryptoKey;
  /** The key's own signer (a root signs itself with it). */
  signer: Signer;
  stored: StoredCaKey;
  /** Undo: removes a token key when the CA could not be saved (a sealed key simply is not stored). */
  discard(): Promise<void>;
}

/** Whether a PKCS#11 module is configured, so forms can offer the choice. */
export function tokenConfigured(): boolean {
  return tokenSettings() !== undefined;
}

/**
 * A new key for the CA `id`: generated here and sealed, or generated inside the token (never
 * leaving it) for keyStorage "pkcs11".
 */
export async function newCaKey(
  input: { keyType: KeyType; keyStorage: KeyStorage; pkcs11KeyLabel?: string; commonName: string },
  id: string,
): Promise<NewCaKey> {
  if (input.keyStorage === "sealed") {
    const key = await generateKeyPair(input.keyType);
    return {
      publicKey: key.keys.publicKey,
      signer: await keyPairSigner(key.keys, input.keyType),
      stored: {
        encryptedKey: sealKey(key.pkcs8, authorityKeyContext(id)),
        keyStorage: "sealed",
        pkcs11Token: null,
        pkcs11KeyId: null,
        pkcs11KeyLabel: null,
      },
      discard: async () => {},
    };
  }
  assertTokenKeyType(input.keyType);
  const made = await generateTokenKey(input.keyType, input.pkcs11KeyLabel ?? input.commonName);
  const signer = await openPkcs11Signer({ ...made, keyType: input.keyType, owner: input.commonName, publicKey: made.spki });
  return {
    publicKey: await webcrypto.subtle.importKey("spki", made.spki as Uint8Array<ArrayBuffer>, keyAlgorithm(input.keyType), true, [
      "verify",
    ]),
    signer,
    stored: {
      encryptedKey: "",
      keyStorage: "pkcs11",
      pkcs11Token: made.tokenLabel,
      pkcs11KeyId: made.keyId,
      pkcs11KeyLabel: made.keyLabel,
    },
    discard: () => destroyTokenKey(made.keyId),
  };
}

function assertTokenKeyType(keyType: KeyType): void {
  if (!(TOKEN_KEY_TYPES as readonly string[]).includes(keyType)) {
    throw new AppError(
      "INVALID_INPUT",
      `A CA key in the HSM can be ${TOKEN_KEY_TYPES.join(", ")}; choose one of those instead of ${keyType}.`,
      "keyType",
    );
  }
}

async function destroyTokenKey(keyId: string): Promise<void> {
  const token = await openToken();
  await token.withSession((session) => session.destroy({ id: Buffer.from(keyId, "hex") }));
}

/**
 * An existing token key for an imported CA certificate, found by CKA_ID (hex) or CKA_LABEL; the
 * signer proves it belongs to the certificate (KEY_MISMATCH otherwise).
 */
export async function existingTokenKey(
  ref: { keyId?: string; keyLabel?: string },
  certificate: { keyType: KeyType | null; spki: Uint8Array; owner: string },
): Promise<{ keyType: KeyType; stored: StoredCaKey }> {
  const token = await openToken();
  const key = await token.withSession((session) => {
    const object = findPrivateKey(session, ref);
    return object ? describeKey(object) : null;
  });
  const field = ref.keyId ? "pkcs11KeyId" : "pkcs11KeyLabel";
  if (!key) {
    throw new AppError(
      "INVALID_INPUT",
      `The token "${token.label}" holds no private key ${ref.keyId ? `with the id ${ref.keyId}` : `labelled "${ref.keyLabel}"`}. List its keys with \`pkcs11-tool --module <module> --login --list-objects --type privkey\`.`,
      field,
    );
  }
  if (!key.keyType || key.keyType !== certificate.keyType) {
    throw new AppError(
      "KEY_MISMATCH",
      `The token key ${key.keyId} is ${key.keyType ?? "of a type cadesk does not sign with"}, but the certificate's public key is ${certificate.keyType ?? "of another type"}: name the key that was made with this certificate.`,
      field,
    );
  }
  assertTokenKeyType(key.keyType);
  // Throws KEY_MISMATCH when the key is not the certificate's.
  await openPkcs11Signer({
    tokenLabel: token.label,
    keyId: key.keyId,
    keyType: key.keyType,
    owner: certificate.owner,
    publicKey: certificate.spki,
  });
  return {
    keyType: key.keyType,
    stored: { encryptedKey: "", keyStorage: "pkcs11", pkcs11Token: token.label, pkcs11KeyId: key.keyId, pkcs11KeyLabel: key.keyLabel },
  };
}

/** The signer of a stored CA's key (callers keep it in the signer cache). */
export function openCaSigner(authority: Authority, publicKey: Uint8Array): Promise<Signer> {
  if (authority.keyStorage === "pkcs11") {
    return openPkcs11Signer({
      tokenLabel: authority.pkcs11Token!,
      keyId: authority.pkcs11KeyId!,
      keyType: authority.keyType as KeyType,
      owner: authority.commonName,
      publicKey,
    });
  }
  return openSealedSigner({
    sealed: authority.encryptedKey,
    context: authorityKeyContext(authority.id),
    keyType: authority.keyType as KeyType,
  });
}

/** Whether a token CA's key can sign right now, in a sentence for a person (no PIN, no key material). */
export interface CaKeyProbe {
  ok: boolean;
  detail: string;
}

/**
 * Tries a token CA's key afresh (not through the signer cache, which would hide a token that went
 * away since): finds it and makes a test signature that must verify under the certificate.
 */
export async function probeCaKey(authority: Authority, publicKey: Uint8Array): Promise<CaKeyProbe> {
  try {
    await openCaSigner(authority, publicKey);
    return { ok: true, detail: `The key ${authority.pkcs11KeyId} in the token "${authority.pkcs11Token}" signs.` };
  } catch (error) {
    return { ok: false, detail: (error as Error).message.split("\n")[0]!.slice(0, 400) };
  }
}
