import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import * as OIDS from "./oids";

/** What OpenSSL's own object table calls each OID (`openssl asn1parse -genstr OID:<oid>`). */
const OPENSSL_NAMES: Record<string, string> = {
  "EKU.serverAuth": "TLS Web Server Authentication",
  "EKU.clientAuth": "TLS Web Client Authentication",
  "EKU.ocspSigning": "OCSP Signing",
  "EKU.any": "Any Extended Key Usage",
  "EXTENSION.subjectAltName": "X509v3 Subject Alternative Name",
  "EXTENSION.basicConstraints": "X509v3 Basic Constraints",
  "EXTENSION.crlNumber": "X509v3 CRL Number",
  // OpenSSL 3.0 has no name for id-pe-acmeIdentifier and prints the number (RFC 8737 3 gives it).
  "EXTENSION.acmeIdentifier": "1.3.6.1.5.5.7.1.31",
  "EXTENSION.ocspNoCheck": "OCSP No Check",
  "OCSP.basic": "Basic OCSP Response",
  "OCSP.nonce": "OCSP Nonce",
  "HASH.sha1": "sha1",
  "HASH.sha256": "sha256",
  "HASH.sha384": "sha384",
  "HASH.sha512": "sha512",
  "HMAC.sha1": "hmacWithSHA1",
  "HMAC.sha256": "hmacWithSHA256",
  "HMAC.sha384": "hmacWithSHA384",
  "HMAC.sha512": "hmacWithSHA512",
  "SIGNATURE.sha1WithRsa": "sha1WithRSAEncryption",
  "SIGNATURE.sha256WithRsa": "sha256WithRSAEncryption",
  "SIGNATURE.ecdsaWithSha1": "ecdsa-with-SHA1",
  "SIGNATURE.ecdsaWithSha256": "ecdsa-with-SHA256",
  "SIGNATURE.ecdsaWithSha384": "ecdsa-with-SHA384",
  "SIGNATURE.dsaWithSha1": "dsaWithSHA1",
  "SIGNATURE.ed25519": "ED25519",
  "CONTENT_TYPE.data": "pkcs7-data",
  "CONTENT_TYPE.signedData": "pkcs7-signedData",
  "CONTENT_TYPE.encryptedData": "pkcs7-encryptedData",
  "PKCS12.pkcs8ShroudedKeyBag": "pkcs8ShroudedKeyBag",
  "PKCS12.certBag": "certBag",
  "PKCS12.x509Certificate": "x509Certificate",
  "PKCS12.friendlyName": "friendlyName",
  "PKCS12.localKeyId": "localKeyID",
  "PBE.pbkdf2": "PBKDF2",
  "PBE.pbes2": "PBES2",
  "PBE.pbeWithSha1And3DesCbc": "pbeWithSHA1And3-KeyTripleDES-CBC",
  "PBE.pbeWithSha1And128BitRc2Cbc": "pbeWithSHA1And128BitRC2-CBC",
  "PBE.pbeWithSha1And40BitRc2Cbc": "pbeWithSHA1And40BitRC2-CBC",
  "CIPHER.aes128Cbc": "aes-128-cbc",
  "CIPHER.aes192Cbc": "aes-192-cbc",
  "CIPHER.aes256Cbc": "aes-256-cbc",
  "CIPHER.desEde3Cbc": "des-ede3-cbc",
};

describe("the OID table", () => {
  const entries = Object.entries(OIDS).flatMap(([group, table]) => Object.entries(table).map(([name, oid]) => [`${group}.${name}`, oid]));

  it("names every OID as OpenSSL does, so no digit is wrong", () => {
    expect(entries.map(([key]) => key).sort()).toEqual(Object.keys(OPENSSL_NAMES).sort());
    for (const [key, oid] of entries) {
      const out = execFileSync("openssl", ["asn1parse", "-genstr", `OID:${oid}`], { encoding: "utf8" });
      expect(out.trim().split(":").at(-1), `${key} = ${oid}`).toBe(OPENSSL_NAMES[key!]);
    }
  });

  it("has no OID twice", () => {
    const oids = entries.map(([, oid]) => oid);
    expect(new Set(oids).size).toBe(oids.length);
  });
});
