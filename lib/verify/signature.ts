/**
 * Signature checks with Node's crypto over the exact signed bytes. Only the algorithms strict
 * verifiers accept are verified (RSA PKCS#1 v1.5 and PSS, ECDSA, with SHA-2; Ed25519 and Ed448);
 * SHA-1 and DSA are refused by name, as Go (since 1.18), Chrome and OpenSSL at level 2 do.
 */
import { createPublicKey, verify as cryptoVerify, constants, type KeyObject } from "node:crypto";
import { children, oidOf, parseDer } from "../pki/der";
import { HASH, SIGNATURE } from "../pki/oids";
import { OID } from "./oids";

export interface SignatureAlgorithm {
  name: string;
  hash: string | null;
  family: "RSA" | "RSA-PSS" | "EC" | "Ed25519" | "Ed448";
  saltLength?: number;
}

const BY_OID: Record<string, SignatureAlgorithm> = {
  [SIGNATURE.sha256WithRsa]: { name: "sha256WithRSAEncryption", hash: "sha256", family: "RSA" },
  [SIGNATURE.sha384WithRsa]: { name: "sha384WithRSAEncryption", hash: "sha384", family: "RSA" },
  [SIGNATURE.sha512WithRsa]: { name: "sha512WithRSAEncryption", hash: "sha512", family: "RSA" },
  [SIGNATURE.ecdsaWithSha256]: { name: "ecdsa-with-SHA256", hash: "sha256", family: "EC" },
  [SIGNATURE.ecdsaWithSha384]: { name: "ecdsa-with-SHA384", hash: "sha384", family: "EC" },
  [SIGNATURE.ecdsaWithSha512]: { name: "ecdsa-with-SHA512", hash: "sha512", family: "EC" },
  [OID.ed25519]: { name: "Ed25519", hash: null, family: "Ed25519" },
  [OID.ed448]: { name: "Ed448", hash: null, family: "Ed448" },
};

const WEAK: Record<string, string> = {
  [SIGNATURE.sha1WithRsa]: "sha1WithRSAEncryption",
  [SIGNATURE.md5WithRsa]: "md5WithRSAEncryption",
  [SIGNATURE.sha224WithRsa]: "sha224WithRSAEncryption",
  [SIGNATURE.ecdsaWithSha1]: "ecdsa-with-SHA1",
  [SIGNATURE.dsaWithSha1]: "dsa-with-SHA1",
  [SIGNATURE.dsaWithSha256]: "dsa-with-SHA256",
};

const HASH_OIDS: Record<string, string> = {
  [HASH.sha256]: "sha256",
  [HASH.sha384]: "sha384",
  [HASH.sha512]: "sha512",
};

/** The algorithm of an AlgorithmIdentifier (DER), or a reason it is refused. */
export function signatureAlgorithm(algorithmIdentifier: Uint8Array): SignatureAlgorithm | { refused: string } {
  const [oidNode, params] = children(parseDer(algorithmIdentifier));
  const oid = oidOf(oidNode!);
  if (WEAK[oid]) return { refused: `${WEAK[oid]} is a broken or retired signature algorithm` };
  if (oid === OID.rsaPss) {
    // RSASSA-PSS-params (RFC 4055 3.1): the hash, MGF1 with the same hash, and the salt length.
    let hash = "sha1";
    let mgfHash = "sha1";
    let salt = 20;
    for (const p of params ? children(params) : []) {
      const inner = children(p)[0]!;
      if (p.tag === 0xa0) hash = HASH_OIDS[oidOf(children(inner)[0]!)] ?? "unknown";
      else if (p.tag === 0xa1) {
        const [mgf, mgfParams] = children(inner);
        mgfHash = oidOf(mgf!) === OID.mgf1 && mgfParams ? (HASH_OIDS[oidOf(children(mgfParams)[0]!)] ?? "unknown") : "unknown";
      } else if (p.tag === 0xa2) salt = inner.value.reduce((n, b) => n * 256 + b, 0);
    }
    if (hash === "sha1" || hash === "unknown" || mgfHash !== hash)
      return { refused: `RSA-PSS with ${hash} (MGF1 ${mgfHash}) is not accepted` };
    return { name: `rsassaPss (${hash})`, hash, family: "RSA-PSS", saltLength: salt };
  }
  const alg = BY_OID[oid];
  if (!alg) return { refused: `signature algorithm ${oid} is not supported` };
  // RFC 4055 5 / RFC 5758 3.2 / RFC 8410 3: NULL parameters for RSA, none for ECDSA and EdDSA.
  if (alg.family === "RSA" && params && params.tag !== 0x05) return { refused: `${alg.name} with parameters other than NULL` };
  if (alg.family !== "RSA" && params) return { refused: `${alg.name} with parameters, which RFC 5758 and RFC 8410 forbid` };
  return alg;
}

/**
 * KeyObjects by SubjectPublicKeyInfo bytes, not by buffer: every certificate of a chain that
 * repeats a key (a re-issued CA, x509-limbo's same-key chains, the issuer of 100 pasted
 * certificates) is checked with one KeyObject instead of one createPublicKey each (0.3-0.5 ms).
 * Bounded, as a verification checks at most 100 signatures.
 */
const keyCache = new Map<string, KeyObject | null>();

function publicKey(spki: Uint8Array): KeyObject | null {
  const id = Buffer.from(spki.buffer, spki.byteOffset, spki.byteLength).toString("base64");
  let key = keyCache.get(id);
  if (key === undefined) {
    if (keyCache.size >= 1024) keyCache.clear();
    try {
      key = createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
    } catch {
      key = null;
    }
    keyCache.set(id, key);
  }
  return key;
}

/** Whether `signature` over `data` verifies with the key in `spki` under the algorithm. */
export function verifySignature(data: Uint8Array, signature: Uint8Array, algorithmIdentifier: Uint8Array, spki: Uint8Array): boolean {
  const alg = signatureAlgorithm(algorithmIdentifier);
  if ("refused" in alg) return false;
  const key = publicKey(spki);
  if (!key) return false;
  const type = key.asymmetricKeyType;
  const fits =
    (alg.family === "RSA" && type === "rsa") ||
    (alg.family === "RSA-PSS" && (type === "rsa" || type === "rsa-pss")) ||
    (alg.family === "EC" && type === "ec") ||
    (alg.family === "Ed25519" && type === "ed25519") ||
    (alg.family === "Ed448" && type === "ed448");
  if (!fits) return false;
  try {
    if (alg.family === "RSA-PSS")
      return cryptoVerify(alg.hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: alg.saltLength }, signature);
    if (alg.family === "EC") return cryptoVerify(alg.hash, data, { key, dsaEncoding: "der" }, signature);
    return cryptoVerify(alg.hash, data, key, signature);
  } catch {
    return false;
  }
}

/** Whether Node can use the key at all (explicit curves and broken encodings fail here). */
export const keyUsable = (spki: Uint8Array) => publicKey(spki) !== null;
