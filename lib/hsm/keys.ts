/**
 * CA key pairs inside the token: generated there (never leaving it), found again by CKA_ID or
 * CKA_LABEL, and signing with the mechanisms SoftHSM2 and common HSMs all offer: CKM_ECDSA over a
 * digest computed here (CKM_ECDSA_SHA256 is optional in PKCS#11 and SoftHSM2 lacks it), and
 * CKM_SHA256_RSA_PKCS for RSA (PKCS#1 v1.5, what RSASSA-PKCS1-v1_5 with SHA-256 means in WebCrypto).
 */
import { createHash, createPublicKey, randomBytes } from "node:crypto";
import * as graphene from "graphene-pk11";
import { AppError } from "../errors";
import type { KeyType } from "../pki/key-types";
import { firstLine, openToken, type TokenConnection } from "./token";

/** The key types a token key may have (Ed25519 needs PKCS#11 3.0, which few HSMs offer). */
export const TOKEN_KEY_TYPES = ["ecdsa-p256", "ecdsa-p384", "rsa-2048", "rsa-3072", "rsa-4096"] as const satisfies readonly KeyType[];

/** Where a CA's key lives in the token: what the Authority row stores. */
export interface TokenKeyRef {
  tokenLabel: string;
  /** CKA_ID as lower-case hex (how pkcs11-tool --list-objects shows it). */
  keyId: string;
  keyLabel: string;
}

const CURVES: Partial<Record<KeyType, { name: string; crv: string; size: number }>> = {
  "ecdsa-p256": { name: "secp256r1", crv: "P-256", size: 32 },
  "ecdsa-p384": { name: "secp384r1", crv: "P-384", size: 48 },
};

function rsaBits(keyType: KeyType): number | undefined {
  const m = /^rsa-(\d+)$/.exec(keyType);
  return m ? Number(m[1]) : undefined;
}

/**
 * Generates a CA key pair inside the token: the private key CKA_TOKEN (kept), CKA_PRIVATE,
 * CKA_SENSITIVE and not CKA_EXTRACTABLE, so it can never be read or wrapped out; sign only
 * (decrypt, unwrap and derive set false, as tokens' defaults vary). CKA_ID is 16 random bytes,
 * shared by both halves as PKCS#11 expects of a pair.
 */
export async function generateTokenKey(keyType: KeyType, label: string): Promise<TokenKeyRef & { spki: Uint8Array }> {
  if (!(TOKEN_KEY_TYPES as readonly string[]).includes(keyType)) {
    throw new AppError("INVALID_INPUT", `A key in the HSM can be ${TOKEN_KEY_TYPES.join(", ")}; ${keyType} is not offered.`, "keyType");
  }
  const token = await openToken();
  const id = randomBytes(16);
  const curve = CURVES[keyType];
  const common = { token: true, id, label };
  const privateTemplate: graphene.ITemplate = {
    ...common,
    class: graphene.ObjectClass.PRIVATE_KEY,
    private: true,
    sensitive: true,
    extractable: false,
    sign: true,
    decrypt: false,
    unwrap: false,
    derive: false,
  };
  const pair = await token.withSession((session) =>
    curve
      ? session.generateKeyPair(
          graphene.KeyGenMechanism.EC,
          {
            ...common,
            class: graphene.ObjectClass.PUBLIC_KEY,
            keyType: graphene.KeyType.EC,
            verify: true,
            paramsECDSA: graphene.NamedCurve.getByName(curve.name).value,
          },
          { ...privateTemplate, keyType: graphene.KeyType.EC },
        )
      : session.generateKeyPair(
          graphene.KeyGenMechanism.RSA,
          {
            ...common,
            class: graphene.ObjectClass.PUBLIC_KEY,
            keyType: graphene.KeyType.RSA,
            verify: true,
            modulusBits: rsaBits(keyType)!,
            publicExponent: Buffer.from([1, 0, 1]),
          },
          { ...privateTemplate, keyType: graphene.KeyType.RSA },
        ),
  );
  const spki = spkiOf(keyType, pair.publicKey);
  return { tokenLabel: token.label, keyId: id.toString("hex"), keyLabel: label, spki };
}

/** The SubjectPublicKeyInfo of a public-key object (EC point or RSA modulus and exponent). */
function spkiOf(keyType: KeyType, key: graphene.Key): Uint8Array {
  const curve = CURVES[keyType];
  let jwk: import("node:crypto").JsonWebKey;
  if (curve) {
    // CKA_EC_POINT is the DER OCTET STRING of the uncompressed point 04||X||Y (PKCS#11 v2.40 2.3.3).
    const der = key.getAttribute({ pointEC: null }).pointEC as Buffer;
    const point = der.subarray(der.length - (1 + 2 * curve.size));
    jwk = {
      kty: "EC",
      crv: curve.crv,
      x: point.subarray(1, 1 + curve.size).toString("base64url"),
      y: point.subarray(1 + curve.size).toString("base64url"),
    };
  } else {
    const a = key.getAttribute({ modulus: null, publicExponent: null });
    jwk = { kty: "RSA", n: (a.modulus as Buffer).toString("base64url"), e: (a.publicExponent as Buffer).toString("base64url") };
  }
  return new Uint8Array(createPublicKey({ key: jwk, format: "jwk" }).export({ type: "spki", format: "der" }));
}

/** The private key with this CKA_ID (hex) or, failing that, CKA_LABEL; null when there is none, an error when a label is ambiguous. */
export function findPrivateKey(session: graphene.Session, ref: { keyId?: string; keyLabel?: string }): graphene.PrivateKey | null {
  const template: graphene.ITemplate = { class: graphene.ObjectClass.PRIVATE_KEY };
  if (ref.keyId) template.id = Buffer.from(ref.keyId, "hex");
  else template.label = ref.keyLabel;
  const found = session.find(template);
  if (found.length > 1) {
    throw new AppError(
      "INVALID_INPUT",
      `The token holds ${found.length} private keys ${ref.keyId ? `with the id ${ref.keyId}` : `labelled "${ref.keyLabel}"`}: name the key by its id (pkcs11-tool --list-objects shows it).`,
      ref.keyId ? "pkcs11KeyId" : "pkcs11KeyLabel",
    );
  }
  return found.length ? found.items(0).toType<graphene.PrivateKey>() : null;
}

/** What a token key is, for the import check and the tests: its id, label, type and protection flags. */
export interface TokenKeyInfo {
  keyId: string;
  keyLabel: string;
  keyType: KeyType | undefined;
  sensitive: boolean;
  extractable: boolean;
}

export function describeKey(key: graphene.PrivateKey): TokenKeyInfo {
  const a = key.getAttribute({ id: null, label: null, keyType: null, sensitive: null, extractable: null });
  let keyType: KeyType | undefined;
  if (a.keyType === graphene.KeyType.RSA) {
    const bits = (key.getAttribute({ modulus: null }).modulus as Buffer).length * 8;
    keyType = (["rsa-2048", "rsa-3072", "rsa-4096"] as const).find((t) => rsaBits(t) === bits);
  } else if (a.keyType === graphene.KeyType.EC) {
    const params = key.getAttribute({ paramsECDSA: null }).paramsECDSA as Buffer;
    keyType = (["ecdsa-p256", "ecdsa-p384"] as const).find((t) => graphene.NamedCurve.getByName(CURVES[t]!.name).value.equals(params));
  }
  return {
    keyId: (a.id as Buffer).toString("hex"),
    keyLabel: String(a.label ?? ""),
    keyType,
    sensitive: Boolean(a.sensitive),
    extractable: Boolean(a.extractable),
  };
}

/** The PKCS#11 mechanism and the bytes to pass it, for a signature over `data`. */
function mechanismFor(keyType: KeyType, data: Uint8Array): { mechanism: string; input: Buffer } {
  switch (keyType) {
    case "ecdsa-p256":
      return { mechanism: "ECDSA", input: createHash("sha256").update(data).digest() };
    case "ecdsa-p384":
      return { mechanism: "ECDSA", input: createHash("sha384").update(data).digest() };
    default:
      return { mechanism: "SHA256_RSA_PKCS", input: Buffer.from(data) };
  }
}

/**
 * Signs `data` with the key in a free session. ECDSA answers r||s (PKCS#11 v2.40 2.3.1), the same
 * layout as WebCrypto, which is what the Signer interface promises.
 */
export function signWithTokenKey(
  token: TokenConnection,
  key: graphene.PrivateKey,
  keyType: KeyType,
  data: Uint8Array,
): Promise<Uint8Array> {
  const { mechanism, input } = mechanismFor(keyType, data);
  return token.withSession(
    (session) =>
      new Promise<Uint8Array>((resolve, reject) => {
        let sign: graphene.Sign;
        try {
          sign = session.createSign(mechanism as graphene.MechanismType, key);
        } catch (error) {
          reject(error);
          return;
        }
        sign.once(input, (error, signature) => (error ? reject(error) : resolve(new Uint8Array(signature))));
      }),
  );
}

export { firstLine };
