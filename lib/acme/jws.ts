/**
 * JSON Web Signatures as ACME uses them (RFC 8555 6.2, RFC 7515 flattened JSON serialisation):
 * parse, check the protected header's shape, and verify with the key it names. Pure: node:crypto
 * only, no storage; nonces and account look-ups are the caller's (wfe).
 */
import { createHash, createHmac, createPublicKey, timingSafeEqual, verify, type KeyObject } from "node:crypto";
import { AcmeProblem, problem } from "./problem";

/** RFC 8555 6.2 requires RS256 and recommends ES256; ES384 and EdDSA (RFC 8037) are what clients also send. */
export const JWS_ALGORITHMS = ["ES256", "ES384", "RS256", "EdDSA"] as const;
export type JwsAlgorithm = (typeof JWS_ALGORITHMS)[number];

export type Jwk = Record<string, unknown> & { kty: string };

export interface FlattenedJws {
  protected: string;
  payload: string;
  signature: string;
}

export interface ProtectedHeader {
  alg: string;
  nonce?: string;
  url?: string;
  jwk?: Jwk;
  kid?: string;
  [key: string]: unknown;
}

export interface ParsedJws {
  header: ProtectedHeader;
  /** The decoded payload bytes; empty for POST-as-GET (RFC 8555 6.3). */
  payload: Buffer;
  /** The signing input: ASCII(protected) "." ASCII(payload). */
  signingInput: Buffer;
  signature: Buffer;
  raw: FlattenedJws;
}

const B64URL = /^[A-Za-z0-9_-]*$/;

function b64(value: unknown, what: string): Buffer {
  if (typeof value !== "string" || !B64URL.test(value)) {
    throw problem.malformed(`The JWS ${what} is not base64url (RFC 7515 2: no padding, "-" and "_" instead of "+" and "/").`);
  }
  return Buffer.from(value, "base64url");
}

/** Reads a flattened JWS object; refuses the general serialisation and unprotected headers (RFC 8555 6.2). */
export function parseJws(body: unknown): ParsedJws {
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    throw problem.malformed("The request body must be a JWS in flattened JSON serialisation: {protected, payload, signature}.");
  }
  const o = body as Record<string, unknown>;
  if ("signatures" in o)
    throw problem.malformed("Use the flattened JWS serialisation with one signature, not the general one (RFC 8555 6.2).");
  if ("header" in o) throw problem.malformed("The JWS has an unprotected header: ACME allows only the protected header (RFC 8555 6.2).");
  if (typeof o.protected !== "string" || typeof o.payload !== "string" || typeof o.signature !== "string") {
    throw problem.malformed("The JWS needs the string members protected, payload and signature.");
  }
  let header: ProtectedHeader;
  try {
    header = JSON.parse(b64(o.protected, "protected header").toString("utf8"));
  } catch (error) {
    if (error instanceof AcmeProblem) throw error;
    throw problem.malformed("The JWS protected header is not JSON.");
  }
  if (!header || typeof header !== "object" || Array.isArray(header) || typeof header.alg !== "string") {
    throw problem.malformed('The JWS protected header must be a JSON object with an "alg".');
  }
  return {
    header,
    payload: b64(o.payload, "payload"),
    signingInput: Buffer.from(`${o.protected}.${o.payload}`, "ascii"),
    signature: b64(o.signature, "signature"),
    raw: { protected: o.protected, payload: o.payload, signature: o.signature },
  };
}

export function isJwsAlgorithm(alg: string): alg is JwsAlgorithm {
  return (JWS_ALGORITHMS as readonly string[]).includes(alg);
}

function badAlgorithm(detail: string): AcmeProblem {
  return new AcmeProblem("badSignatureAlgorithm", detail, { algorithms: [...JWS_ALGORITHMS] });
}

/** Imports a public JWK, refusing private members (a client that sends its private key has leaked it). */
export function importJwk(jwk: unknown): KeyObject {
  if (!jwk || typeof jwk !== "object" || Array.isArray(jwk) || typeof (jwk as Jwk).kty !== "string") {
    throw new AcmeProblem("badPublicKey", 'The "jwk" header must be a JSON Web Key object with a "kty".');
  }
  const key = jwk as Jwk;
  if ("d" in key || "p" in key || "k" in key) {
    throw new AcmeProblem(
      "badPublicKey",
      "The JWK contains private key material: send only the public key, and replace this key, it has been exposed.",
    );
  }
  try {
    const imported = createPublicKey({ key: key as import("node:crypto").JsonWebKey, format: "jwk" });
    if (imported.type !== "public") throw new Error("not public");
    return imported;
  } catch {
    throw new AcmeProblem("badPublicKey", `The JWK (kty ${String(key.kty).slice(0, 10)}) could not be read as a public key.`);
  }
}

/** Checks that `alg` fits the key (ES256 needs P-256, RS256 an RSA key of 2048+ bits ...). */
export function checkAlgorithmForKey(alg: string, key: KeyObject): asserts alg is JwsAlgorithm {
  if (!isJwsAlgorithm(alg)) {
    throw badAlgorithm(`The JWS algorithm "${alg.slice(0, 20)}" is not accepted: use ${JWS_ALGORITHMS.join(", ")}.`);
  }
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  const fits =
    (alg === "ES256" && type === "ec" && details.namedCurve === "prime256v1") ||
    (alg === "ES384" && type === "ec" && details.namedCurve === "secp384r1") ||
    (alg === "RS256" && type === "rsa") ||
    (alg === "EdDSA" && type === "ed25519");
  if (!fits) {
    const curve = details.namedCurve ? ` (${details.namedCurve})` : "";
    throw badAlgorithm(`The JWS says ${alg}, but the key is ${type}${curve}: ES256 needs P-256, ES384 P-384, RS256 RSA, EdDSA Ed25519.`);
  }
  if (alg === "RS256" && (details.modulusLength ?? 0) < 2048) {
    throw new AcmeProblem("badPublicKey", `The RSA key has ${details.modulusLength} bits: at least 2048 are required.`);
  }
}

/** Verifies the signature over the signing input with `key` (already checked against `alg`). */
export function verifyJws(jws: ParsedJws, key: KeyObject): boolean {
  const alg = jws.header.alg;
  checkAlgorithmForKey(alg, key);
  try {
    if (alg === "EdDSA") return verify(null, jws.signingInput, key, jws.signature);
    const hash = alg === "ES384" ? "sha384" : "sha256";
    // JWS ECDSA signatures are r || s (RFC 7518 3.4), not DER.
    if (alg.startsWith("ES")) return verify(hash, jws.signingInput, { key, dsaEncoding: "ieee-p1363" }, jws.signature);
    return verify(hash, jws.signingInput, key, jws.signature);
  } catch {
    return false;
  }
}

/** RFC 7638 thumbprint: SHA-256 over the required members in lexicographic order, base64url. */
export function jwkThumbprint(jwk: Jwk): string {
  const required: Record<string, string[]> = { EC: ["crv", "kty", "x", "y"], RSA: ["e", "kty", "n"], OKP: ["crv", "kty", "x"] };
  const members = required[jwk.kty];
  if (!members)
    throw new AcmeProblem("badPublicKey", `JWK key type "${jwk.kty.slice(0, 10)}" is not supported: use EC, RSA or OKP (Ed25519).`);
  const canonical = `{${members.map((m) => `${JSON.stringify(m)}:${JSON.stringify(jwk[m])}`).join(",")}}`;
  return createHash("sha256").update(canonical).digest("base64url");
}

/** The public JWK of a key, with only its required members (what is stored and compared). */
export function publicJwk(key: KeyObject): Jwk {
  const full = key.export({ format: "jwk" }) as Jwk;
  const keep: Record<string, string[]> = { EC: ["kty", "crv", "x", "y"], RSA: ["kty", "n", "e"], OKP: ["kty", "crv", "x"] };
  return Object.fromEntries((keep[full.kty] ?? Object.keys(full)).map((k) => [k, full[k]])) as Jwk;
}

/** The EAB MAC algorithms (RFC 8555 7.3.4: HS256 MUST, others MAY). */
const HMAC_HASH: Record<string, string> = { HS256: "sha256", HS384: "sha384", HS512: "sha512" };

/** Verifies an HMAC JWS (External Account Binding). */
export function verifyHmacJws(jws: ParsedJws, key: Uint8Array): boolean {
  const hash = HMAC_HASH[jws.header.alg];
  if (!hash) return false;
  const expected = createHmac(hash, key).update(jws.signingInput).digest();
  return expected.length === jws.signature.length && timingSafeEqual(expected, jws.signature);
}

export function isHmacAlgorithm(alg: string): boolean {
  return Object.hasOwn(HMAC_HASH, alg);
}

/** The payload as JSON; `{}` is required where the RFC says so, POST-as-GET has an empty payload. */
export function payloadJson(jws: ParsedJws): Record<string, unknown> {
  if (jws.payload.length === 0) throw problem.malformed("This request needs a JSON payload; an empty payload is only for POST-as-GET.");
  let value: unknown;
  try {
    value = JSON.parse(jws.payload.toString("utf8"));
  } catch {
    throw problem.malformed("The JWS payload is not JSON.");
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) throw problem.malformed("The JWS payload must be a JSON object.");
  return value as Record<string, unknown>;
}
