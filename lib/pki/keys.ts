import {
  createPrivateKey,
  createPublicKey,
  generateKeyPair as generateKeyPairCallback,
  generateKeyPairSync,
  KeyObject,
  type AsymmetricKeyDetails,
} from "node:crypto";
import { AppError } from "../errors";
import { subtle } from "./crypto-provider";
import { isRsa, keyAlgorithm, type KeyType } from "./key-types";
import { toPem, type Bytes } from "./pem";

export interface GeneratedKey {
  keys: CryptoKeyPair;
  /** PKCS#8 DER of the private key, to store (encrypted) or hand to the user once. */
  pkcs8: Bytes;
}

const RSA_BITS: Partial<Record<KeyType, number>> = { "rsa-2048": 2048, "rsa-3072": 3072, "rsa-4096": 4096 };

/** Generates a key pair natively (Node's WebCrypto), extractable so it can be stored. */
export async function generateKeyPair(keyType: KeyType): Promise<GeneratedKey> {
  const algorithm = isRsa(keyType)
    ? { ...keyAlgorithm(keyType), modulusLength: RSA_BITS[keyType]!, publicExponent: new Uint8Array([1, 0, 1]) }
    : keyAlgorithm(keyType);
  const keys = (await subtle.generateKey(algorithm, true, ["sign", "verify"])) as CryptoKeyPair;
  const pkcs8 = new Uint8Array(await subtle.exportKey("pkcs8", keys.privateKey));
  return { keys, pkcs8 };
}

/** A new key pair as DER: PKCS#8 private key and SubjectPublicKeyInfo (what a leaf needs; no CryptoKeys). */
export interface GeneratedKeyDer {
  pkcs8: Uint8Array<ArrayBuffer>;
  spki: Uint8Array<ArrayBuffer>;
}

/**
 * The DER around an EC or Ed25519 key's numbers, byte for byte what OpenSSL's encoders write
 * (keys.test.ts compares them on thousands of keys). P-256 and P-384: PrivateKeyInfo (RFC 5208 5)
 * holding an ECPrivateKey (RFC 5915 3) with version 1, the scalar padded to the field size, no
 * parameters (they are in the AlgorithmIdentifier) and the public point; the SPKI of RFC 5480 2.
 * Ed25519: RFC 8410 7 and 4.
 */
const KEY_FRAMES = {
  "ecdsa-p256": {
    namedCurve: "P-256",
    pkcs8: Buffer.from("308187020100301306072a8648ce3d020106082a8648ce3d030107046d306b0201010420", "hex"),
    publicKey: Buffer.from("a144034200", "hex"),
    spki: Buffer.from("3059301306072a8648ce3d020106082a8648ce3d030107034200", "hex"),
  },
  "ecdsa-p384": {
    namedCurve: "P-384",
    pkcs8: Buffer.from("3081b6020100301006072a8648ce3d020106052b8104002204819e30819b0201010430", "hex"),
    publicKey: Buffer.from("a164036200", "hex"),
    spki: Buffer.from("3076301006072a8648ce3d020106052b81040022036200", "hex"),
  },
  ed25519: { pkcs8: Buffer.from("302e020100300506032b657004220420", "hex"), spki: Buffer.from("302a300506032b6570032100", "hex") },
} as const;

const UNCOMPRESSED = Buffer.from([0x04]);
const fromJwk = (value: string | undefined) => Buffer.from(value!, "base64url");

/**
 * Generates a leaf's key pair with node:crypto: EC and Ed25519 synchronously (less than WebCrypto's
 * thread-pool round trips and exports), RSA on the thread pool (hundreds of ms, which must not
 * block the event loop). The same keys WebCrypto makes (named curve, e = 65537). EC and Ed25519
 * keys are framed from their JWK numbers (KEY_FRAMES): on Node 24 OpenSSL's DER encoders cost
 * more than making the key (a P-256 pair 211 us with DER output, 89-95 us this way; Ed25519 153
 * against ~75), and Node's JWK pads each number to the curve's size, as the DER needs.
 */
export async function generateKeyDer(keyType: KeyType): Promise<GeneratedKeyDer> {
  if (isRsa(keyType)) {
    const publicKeyEncoding = { type: "spki", format: "der" } as const;
    const privateKeyEncoding = { type: "pkcs8", format: "der" } as const;
    const options = { modulusLength: RSA_BITS[keyType]!, publicExponent: 0x10001, publicKeyEncoding, privateKeyEncoding };
    const pair = await new Promise<{ publicKey: Buffer; privateKey: Buffer }>((resolve, reject) =>
      generateKeyPairCallback("rsa", options, (error: Error | null, publicKey: Buffer, privateKey: Buffer) =>
        error ? reject(error) : resolve({ publicKey, privateKey }),
      ),
    );
    return { pkcs8: new Uint8Array(pair.privateKey), spki: new Uint8Array(pair.publicKey) };
  }
  if (keyType === "ed25519") {
    const jwk = generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" });
    const frame = KEY_FRAMES.ed25519;
    return { pkcs8: concat(frame.pkcs8, fromJwk(jwk.d)), spki: concat(frame.spki, fromJwk(jwk.x)) };
  }
  const frame = KEY_FRAMES[keyType === "ecdsa-p384" ? "ecdsa-p384" : "ecdsa-p256"];
  const jwk = generateKeyPairSync("ec", { namedCurve: frame.namedCurve }).privateKey.export({ format: "jwk" });
  const point = Buffer.concat([UNCOMPRESSED, fromJwk(jwk.x), fromJwk(jwk.y)]);
  return { pkcs8: concat(frame.pkcs8, fromJwk(jwk.d), frame.publicKey, point), spki: concat(frame.spki, point) };
}

/** The parts as one Uint8Array with a buffer of its own (what callers may keep or zero). */
function concat(...parts: Buffer[]): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.concat(parts));
}

/** Imports a stored PKCS#8 private key as a non-extractable signing key. */
export async function importSigningKey(pkcs8: Bytes, keyType: KeyType): Promise<CryptoKey> {
  return subtle.importKey("pkcs8", pkcs8, keyAlgorithm(keyType), false, ["sign"]);
}

export function privateKeyPem(pkcs8: Uint8Array): string {
  return toPem(pkcs8, "PRIVATE KEY");
}

export interface PublicKeyInfo {
  /** Set when the key is one cadesk can also generate and sign with. */
  keyType: KeyType | null;
  algorithm: "RSA" | "EC" | "Ed25519" | "Ed448" | "RSA-PSS" | "DSA" | "unknown";
  /** Modulus size for RSA, curve size for EC. */
  bits: number | null;
  curve: string | null;
  /** Short human description: "ECDSA P-256", "RSA 2048", "Ed25519". */
  label: string;
}

const CURVES: Record<string, { name: string; bits: number }> = {
  prime256v1: { name: "P-256", bits: 256 },
  secp384r1: { name: "P-384", bits: 384 },
  secp521r1: { name: "P-521", bits: 521 },
};

/** Describes a SubjectPublicKeyInfo (DER): algorithm, size and whether cadesk can sign with it. */
export function describePublicKey(spki: Uint8Array): PublicKeyInfo {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
  } catch {
    return { keyType: null, algorithm: "unknown", bits: null, curve: null, label: "unknown key type" };
  }
  return describeKeyObject(key);
}

/** Describes a public KeyObject (what describePublicKey does after importing the SPKI). */
export function describeKeyObject(key: KeyObject): PublicKeyInfo {
  return describeKeyDetails(key.asymmetricKeyType, key.asymmetricKeyDetails ?? {});
}

/**
 * describeKeyObject from what a KeyObject would report, for a reader that already read the type
 * and size from the key's DER (lib/pki/csr-der.ts: asking OpenSSL costs ~15 us per key).
 */
export function describeKeyDetails(type: KeyObject["asymmetricKeyType"], details: AsymmetricKeyDetails): PublicKeyInfo {
  switch (type) {
    case "rsa": {
      const bits = details.modulusLength ?? 0;
      const name = `rsa-${bits}`;
      const keyType = name in RSA_BITS ? (name as KeyType) : null;
      return { keyType, algorithm: "RSA", bits, curve: null, label: `RSA ${bits}` };
    }
    case "rsa-pss":
      return {
        keyType: null,
        algorithm: "RSA-PSS",
        bits: details.modulusLength ?? null,
        curve: null,
        label: `RSA-PSS ${details.modulusLength}`,
      };
    case "ec": {
      const curve = CURVES[details.namedCurve ?? ""];
      const keyType: KeyType | null = curve?.name === "P-256" ? "ecdsa-p256" : curve?.name === "P-384" ? "ecdsa-p384" : null;
      const name = curve?.name ?? details.namedCurve ?? "unknown curve";
      return { keyType, algorithm: "EC", bits: curve?.bits ?? null, curve: name, label: `ECDSA ${name}` };
    }
    case "ed25519":
      return { keyType: "ed25519", algorithm: "Ed25519", bits: 256, curve: null, label: "Ed25519" };
    case "ed448":
      return { keyType: null, algorithm: "Ed448", bits: 456, curve: null, label: "Ed448" };
    case "dsa":
      return { keyType: null, algorithm: "DSA", bits: details.modulusLength ?? null, curve: null, label: "DSA" };
    default:
      return { keyType: null, algorithm: "unknown", bits: null, curve: null, label: String(type) };
  }
}

export interface ParsedPrivateKey {
  pkcs8: Bytes;
  /** SubjectPublicKeyInfo DER derived from the private key, to compare with a certificate. */
  spki: Uint8Array;
  info: PublicKeyInfo;
}

/**
 * Reads a private key in any format OpenSSL writes (PKCS#8, PKCS#1 "RSA PRIVATE KEY", SEC1
 * "EC PRIVATE KEY", encrypted PKCS#8 or legacy encrypted PEM with a passphrase) and normalises it
 * to PKCS#8, the one format stored.
 */
export function parsePrivateKeyPem(pem: string, passphrase?: string): ParsedPrivateKey {
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    throw new AppError(
      "INVALID_PEM",
      "That is not a PEM private key: expected a block starting with -----BEGIN PRIVATE KEY----- (or RSA/EC/ENCRYPTED PRIVATE KEY).",
      "keyPem",
    );
  }
  const encrypted = /ENCRYPTED|Proc-Type: 4,ENCRYPTED/.test(pem);
  if (encrypted && !passphrase) {
    throw new AppError("INVALID_INPUT", "This private key is encrypted: enter its passphrase.", "keyPassphrase");
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: "pem", passphrase: passphrase || undefined });
  } catch (error) {
    if (encrypted) {
      throw new AppError("INVALID_INPUT", "Could not decrypt the private key: the passphrase is wrong.", "keyPassphrase");
    }
    const reason = error instanceof Error ? error.message.replace(/^error:[0-9A-F]+:/, "") : "unreadable";
    throw new AppError("INVALID_PEM", `The private key could not be read (${reason}). Check it was pasted whole.`, "keyPem");
  }
  const spki = new Uint8Array(createPublicKey(key).export({ type: "spki", format: "der" }));
  const pkcs8 = new Uint8Array(key.export({ type: "pkcs8", format: "der" }));
  return { pkcs8, spki, info: describeKeyObject(createPublicKey(key)) };
}
