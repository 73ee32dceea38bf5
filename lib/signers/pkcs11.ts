/**
 * A signer over a CA key inside the PKCS#11 token (lib/hsm): the key never leaves it, every
 * signature is a C_Sign call. Issuance, CRLs and OCSP see the same Signer as for a sealed key.
 *
 * @peculiar/x509's generators sign through a WebCrypto provider and a CryptoKey. Instead of a
 * second PKCS#11 stack (node-webcrypto-p11), the signer hands them a provider whose `sign` is this
 * signer's and whose other operations (digests, key imports for verification) are Node's: one
 * code path to the token, and x509 only ever reads the key's `algorithm`.
 */
import { webcrypto } from "node:crypto";
import type * as graphene from "graphene-pk11";
import { AppError } from "../errors";
import { describeKey, findPrivateKey, signWithTokenKey } from "../hsm/keys";
import { firstLine, isLostSession, openToken } from "../hsm/token";
import { keyAlgorithm, signingAlgorithm, type KeyType } from "../pki/key-types";
import type { Signer } from "./signer";

/** A CA key in the token, as its row names it. */
export interface Pkcs11SignerRef {
  tokenLabel: string;
  keyId: string;
  keyType: KeyType;
  /** The CA's name, for messages. */
  owner: string;
  /** The public key the CA certificate carries (SPKI DER); the token key is proved to match it. */
  publicKey: Uint8Array;
}

const nodeSubtle = webcrypto.subtle;

/** A WebCrypto provider that signs with `signer` when handed `handle`, and is Node's otherwise. */
function providerFor(handle: CryptoKey, sign: (data: Uint8Array) => Promise<Uint8Array>): Crypto {
  const subtle = new Proxy(nodeSubtle, {
    get(target, prop) {
      if (prop === "sign") {
        return async (algorithm: AlgorithmIdentifier, key: CryptoKey, data: BufferSource) => {
          if (key !== handle) return target.sign(algorithm, key, data);
          const bytes = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
          return (await sign(bytes)).slice().buffer;
        };
      }
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return {
    subtle,
    getRandomValues: <T extends ArrayBufferView | null>(array: T) => webcrypto.getRandomValues(array as never) as T,
    randomUUID: () => webcrypto.randomUUID(),
  } as unknown as Crypto;
}

/**
 * Opens the CA key `ref` in the configured token: the token must be the one the key was made on,
 * the key must be there, and a test signature must verify under the certificate's public key (a
 * key id pointing at another key would sign certificates nobody can verify). KEY_UNAVAILABLE
 * with what to do otherwise.
 */
export async function openPkcs11Signer(ref: Pkcs11SignerRef): Promise<Signer> {
  let key: { generation: number; object: graphene.PrivateKey } | undefined;

  async function privateKey() {
    const token = await openToken();
    if (token.label !== ref.tokenLabel) {
      throw new AppError(
        "KEY_UNAVAILABLE",
        `The key of the CA "${ref.owner}" is in the token "${ref.tokenLabel}", but cadesk is connected to the token "${token.label}". Point CADESK_PKCS11_TOKEN (or CADESK_PKCS11_SLOT) at "${ref.tokenLabel}" and restart cadesk.`,
      );
    }
    if (key?.generation !== token.generation) {
      const object = await token.withSession((session) => findPrivateKey(session, { keyId: ref.keyId }));
      if (!object) {
        throw new AppError(
          "KEY_UNAVAILABLE",
          `The token "${token.label}" holds no private key with the id ${ref.keyId}, where the CA "${ref.owner}" keeps its key. Restore the key into the token from the HSM's backup.`,
        );
      }
      key = { generation: token.generation, object };
    }
    return { token, object: key.object };
  }

  async function sign(data: Uint8Array): Promise<Uint8Array> {
    for (let attempt = 0; ; attempt++) {
      const { token, object } = await privateKey();
      try {
        return await signWithTokenKey(token, object, ref.keyType, data);
      } catch (error) {
        // The sessions went away (HSM restarted, token re-inserted): reconnect once. A stale key
        // handle (the object was deleted or re-created): look the key up again once.
        if (attempt === 0 && isLostSession(error)) continue;
        if (attempt === 0 && /CKR_(KEY|OBJECT)_HANDLE_INVALID/.test(firstLine(error))) {
          key = undefined;
          continue;
        }
        if (error instanceof AppError) throw error;
        throw new AppError(
          "KEY_UNAVAILABLE",
          `The token "${ref.tokenLabel}" did not sign for the CA "${ref.owner}" (${firstLine(error)}). Check the HSM, then try again.`,
        );
      }
    }
  }

  const algorithm = signingAlgorithm(ref.keyType) as Algorithm;
  const handle = { type: "private", extractable: false, algorithm: keyAlgorithm(ref.keyType), usages: ["sign"] } as unknown as CryptoKey;
  const signer: Signer = {
    keyType: ref.keyType,
    algorithm,
    publicKey: ref.publicKey,
    sign,
    webCrypto: { privateKey: handle, crypto: providerFor(handle, sign) },
  };
  await assertKeyMatches(signer, ref);
  return signer;
}

/** Proves the token key is the certificate's: a signature over a random challenge, verified with the public key. */
async function assertKeyMatches(signer: Signer, ref: Pkcs11SignerRef): Promise<void> {
  const challenge = webcrypto.getRandomValues(new Uint8Array(32));
  const signature = await signer.sign(challenge);
  const publicKey = await nodeSubtle.importKey("spki", ref.publicKey as Uint8Array<ArrayBuffer>, keyAlgorithm(ref.keyType), false, [
    "verify",
  ]);
  if (!(await nodeSubtle.verify(signer.algorithm, publicKey, signature as Uint8Array<ArrayBuffer>, challenge))) {
    throw new AppError(
      "KEY_MISMATCH",
      `The token key with the id ${ref.keyId} does not belong to the certificate of the CA "${ref.owner}": its signature does not verify with the certificate's public key. Name the key that was made with this certificate.`,
      "pkcs11KeyId",
    );
  }
}

/** Reads a token key's id, label, type and flags (import check, tests). */
export async function inspectTokenKey(ref: { keyId?: string; keyLabel?: string }) {
  const token = await openToken();
  const object = await token.withSession((session) => findPrivateKey(session, ref));
  return object ? { tokenLabel: token.label, ...(await token.withSession(() => describeKey(object))) } : null;
}
