import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import * as OIDS from "./oids";

/** What OpenSSL's own object table calls each OID (`openssl asn1parse -genstr OID:<oid>`). */
const OPENSSL_NAMES: Record<string, string> = {
  "EKU.serverAuth": "TLS Web Server Authentication",
  "EKU.clientAuth": "TLS Web Client Authentication",
  "EKU.codeSigning": "Code Signing",
  "EKU.emailProtection": "E-mail Protection",
  "EKU.timeStamping": "Time Stamping",
  "EKU.ocspSigning": "OCSP Signing",
  "EKU.any": "Any Extended Key Usage",
  "EXTENSION.subjectDirectoryAttributes": "X509v3 Subject Directory Attributes",
  "EXTENSION.subjectKeyIdentifier": "X509v3 Subject Key Identifier",
  "EXTENSION.keyUsage": "X509v3 Key Usage",
  "EXTENSION.subjectAltName": "X509v3 Subject Alternative Name",
  "EXTENSION.issuerAltName": "X509v3 Issuer Alternative Name",
  "EXTENSION.basicConstraints": "X509v3 Basic Constraints",
  "EXTENSION.crlNumber": "X509v3 CRL Number",
  "EXTENSION.crlReason": "X509v3 CRL Reason Code",
  "EXTENSION.deltaCrlIndicator": "X509v3 Delta CRL Indicator",
  "EXTENSION.issuingDistributionPoint": "X509v3 Issuing Distribution Point",
  "EXTENSION.nameConstraints": "X509v3 Name Constraints",
  "EXTENSION.crlDistributionPoints": "X509v3 CRL Distribution Points",
  "EXTENSION.certificatePolicies": "X509v3 Certificate Policies",
  "EXTENSION.policyMappings": "X509v3 Policy Mappings",
  "EXTENSION.authorityKeyIdentifier": "X509v3 Authority Key Identifier",
  "EXTENSION.policyConstraints": "X509v3 Policy Constraints",
  "EXTENSION.extKeyUsage": "X509v3 Extended Key Usage",
  "EXTENSION.freshestCrl": "X509v3 Freshest CRL",
  "EXTENSION.inhibitAnyPolicy": "X509v3 Inhibit Any Policy",
  "EXTENSION.authorityInfoAccess": "Authority Information Access",
  "EXTENSION.subjectInfoAccess": "Subject Information Access",
  "EXTENSION.ocspNoCheck": "OCSP No Check",
  // OpenSSL 3.0 has no name for id-pe-acmeIdentifier and prints the number (RFC 8737 3 gives it).
  "EXTENSION.acmeIdentifier": "1.3.6.1.5.5.7.1.31",
  "EXTENSION.sctList": "CT Precertificate SCTs",
  "ACCESS_METHOD.ocsp": "OCSP",
  "ACCESS_METHOD.caIssuers": "CA Issuers",
  "POLICY.any": "X509v3 Any Policy",
  "ATTRIBUTE.commonName": "commonName",
  "ATTRIBUTE.emailAddress": "emailAddress",
  "PUBLIC_KEY.rsaEncryption": "rsaEncryption",
  "PUBLIC_KEY.rsassaPss": "rsassaPss",
  "PUBLIC_KEY.ecPublicKey": "id-ecPublicKey",
  "PUBLIC_KEY.dsa": "dsaEncryption",
  "PUBLIC_KEY.ed25519": "ED25519",
  "PUBLIC_KEY.ed448": "ED448",
  "PUBLIC_KEY.mgf1": "mgf1",
  "CURVE.p192": "prime192v1",
  "CURVE.p224": "secp224r1",
  "CURVE.p256": "prime256v1",
  "CURVE.p384": "secp384r1",
  "CURVE.p521": "secp521r1",
  "CURVE.secp256k1": "secp256k1",
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
  "SIGNATURE.md5WithRsa": "md5WithRSAEncryption",
  "SIGNATURE.sha1WithRsa": "sha1WithRSAEncryption",
  "SIGNATURE.sha256WithRsa": "sha256WithRSAEncryption",
  "SIGNATURE.sha384WithRsa": "sha384WithRSAEncryption",
  "SIGNATURE.sha512WithRsa": "sha512WithRSAEncryption",
  "SIGNATURE.sha224WithRsa": "sha224WithRSAEncryption",
  "SIGNATURE.ecdsaWithSha1": "ecdsa-with-SHA1",
  "SIGNATURE.ecdsaWithSha256": "ecdsa-with-SHA256",
  "SIGNATURE.ecdsaWithSha384": "ecdsa-with-SHA384",
  "SIGNATURE.ecdsaWithSha512": "ecdsa-with-SHA512",
  "SIGNATURE.dsaWithSha1": "dsaWithSHA1",
  "SIGNATURE.dsaWithSha256": "dsa_with_SHA256",
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

  it("has no OID twice (anyExtendedKeyUsage and anyPolicy aside, which differ)", () => {
    const oids = entries.map(([, oid]) => oid);
    expect(new Set(oids).size).toBe(oids.length);
  });
});
