import { generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { describe, expect, it } from "vitest";
import { importJwk, jwkThumbprint, parseJws, publicJwk, verifyJws, type Jwk } from "./jws";
import { AcmeProblem } from "./problem";

function signed(alg: string, key: KeyObject, header: Record<string, unknown> = {}) {
  const protectedB64 = Buffer.from(JSON.stringify({ alg, nonce: "n", url: "https://x/acme/a/new-order", ...header })).toString("base64url");
  const payload = Buffer.from("{}").toString("base64url");
  const input = Buffer.from(`${protectedB64}.${payload}`);
  const signature =
    alg === "EdDSA"
      ? sign(null, input, key)
      : alg.startsWith("ES")
        ? sign(alg === "ES384" ? "sha384" : "sha256", input, { key, dsaEncoding: "ieee-p1363" })
        : sign("sha256", input, key);
  return parseJws({ protected: protectedB64, payload, signature: signature.toString("base64url") });
}

describe("ACME JWS", () => {
  it("verifies ES256, ES384, RS256 and EdDSA, and refuses a tampered signature", () => {
    const keys = {
      ES256: generateKeyPairSync("ec", { namedCurve: "P-256" }),
      ES384: generateKeyPairSync("ec", { namedCurve: "P-384" }),
      RS256: generateKeyPairSync("rsa", { modulusLength: 2048 }),
      EdDSA: generateKeyPairSync("ed25519"),
    };
    for (const [alg, pair] of Object.entries(keys)) {
      const jws = signed(alg, pair.privateKey);
      const publicKey = importJwk(publicJwk(pair.publicKey));
      expect(verifyJws(jws, publicKey), alg).toBe(true);
      jws.signature[5] = jws.signature[5]! ^ 1;
      expect(verifyJws(jws, publicKey), `${alg} tampered`).toBe(false);
    }
  });

  it("refuses an algorithm that does not fit the key, RSA under 2048 bits, and private keys", () => {
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
    expect(() => verifyJws(signed("ES384", ec.privateKey), ec.publicKey)).toThrow(/ES384 P-384/);
    expect(() => verifyJws(signed("HS256", ec.privateKey), ec.publicKey)).toThrow(AcmeProblem);
    const small = generateKeyPairSync("rsa", { modulusLength: 1024 });
    expect(() => verifyJws(signed("RS256", small.privateKey), small.publicKey)).toThrow(/at least 2048/);
    expect(() => importJwk(ec.privateKey.export({ format: "jwk" }))).toThrow(/private key material/);
  });

  it("computes the RFC 7638 3.1 thumbprint", () => {
    const jwk: Jwk = {
      kty: "RSA",
      n: "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
      e: "AQAB",
      alg: "RS256",
      kid: "2011-04-29",
    };
    expect(jwkThumbprint(jwk)).toBe("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
  });

  it("refuses the general serialisation and unprotected headers", () => {
    expect(() => parseJws({ signatures: [] })).toThrow(/flattened/);
    expect(() => parseJws({ protected: "e30", payload: "", signature: "", header: {} })).toThrow(/unprotected/);
  });
});
