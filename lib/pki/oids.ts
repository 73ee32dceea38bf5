/**
 * The object identifiers cadesk's PKI code builds and checks, by name, each with where it is
 * assigned. One table, so a usage check and the code that issues the usage cannot disagree.
 * Plain data with no imports: profiles-data.ts (which forms load in the browser) uses it too.
 *
 * The text view (`lib/pki/text/oids.ts`) keeps its own, much longer table of display names for
 * whatever a certificate may contain; this one is for the OIDs the code acts on.
 */

/** Extended key usages (RFC 5280 4.2.1.12). */
export const EKU = {
  serverAuth: "1.3.6.1.5.5.7.3.1",
  clientAuth: "1.3.6.1.5.5.7.3.2",
  ocspSigning: "1.3.6.1.5.5.7.3.9",
  /** anyExtendedKeyUsage: "any purpose" (RFC 5280 4.2.1.12). */
  any: "2.5.29.37.0",
} as const;

/**
 * Extensions the code reads or writes by OID (RFC 5280 4.2.1.6, 4.2.1.9 and 5.2.3; ocsp-nocheck
 * RFC 6960 4.2.2.2.1; acmeIdentifier RFC 8737 3).
 */
export const EXTENSION = {
  subjectAltName: "2.5.29.17",
  basicConstraints: "2.5.29.19",
  crlNumber: "2.5.29.20",
  ocspNoCheck: "1.3.6.1.5.5.7.48.1.5",
  acmeIdentifier: "1.3.6.1.5.5.7.1.31",
} as const;

/** OCSP (RFC 6960 4.2.1 and 4.4.1). */
export const OCSP = {
  /** id-pkix-ocsp-basic: the only response type cadesk writes. */
  basic: "1.3.6.1.5.5.7.48.1.1",
  nonce: "1.3.6.1.5.5.7.48.1.2",
} as const;

/** Digest algorithms (RFC 3279 2.2.1 for SHA-1, RFC 5754 2 for SHA-2). */
export const HASH = {
  sha1: "1.3.14.3.2.26",
  sha256: "2.16.840.1.101.3.4.2.1",
  sha384: "2.16.840.1.101.3.4.2.2",
  sha512: "2.16.840.1.101.3.4.2.3",
} as const;

/** HMAC algorithms, as PKCS#5 PBKDF2 PRFs (RFC 8018 B.1). */
export const HMAC = {
  sha1: "1.2.840.113549.2.7",
  sha256: "1.2.840.113549.2.9",
  sha384: "1.2.840.113549.2.10",
  sha512: "1.2.840.113549.2.11",
} as const;

/** Signature algorithms (RFC 3279 2.2, RFC 4055 5, RFC 5758 3.2, RFC 8410 3). */
export const SIGNATURE = {
  sha1WithRsa: "1.2.840.113549.1.1.5",
  sha256WithRsa: "1.2.840.113549.1.1.11",
  ecdsaWithSha1: "1.2.840.10045.4.1",
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  ecdsaWithSha384: "1.2.840.10045.4.3.3",
  dsaWithSha1: "1.2.840.10040.4.3",
  ed25519: "1.3.101.112",
} as const;

/** CMS / PKCS#7 content types (RFC 5652 4, 5.1, 8). */
export const CONTENT_TYPE = {
  data: "1.2.840.113549.1.7.1",
  signedData: "1.2.840.113549.1.7.2",
  encryptedData: "1.2.840.113549.1.7.6",
} as const;

/** PKCS#12 bags and PKCS#9 attributes (RFC 7292 4.2 and 4.2.5, RFC 2985 5.5). */
export const PKCS12 = {
  pkcs8ShroudedKeyBag: "1.2.840.113549.1.12.10.1.2",
  certBag: "1.2.840.113549.1.12.10.1.3",
  x509Certificate: "1.2.840.113549.1.9.22.1",
  friendlyName: "1.2.840.113549.1.9.20",
  localKeyId: "1.2.840.113549.1.9.21",
} as const;

/** Password-based encryption (RFC 8018 A.2 and A.4; the legacy PKCS#12 schemes, RFC 7292 C). */
export const PBE = {
  pbkdf2: "1.2.840.113549.1.5.12",
  pbes2: "1.2.840.113549.1.5.13",
  pbeWithSha1And3DesCbc: "1.2.840.113549.1.12.1.3",
  pbeWithSha1And128BitRc2Cbc: "1.2.840.113549.1.12.1.5",
  pbeWithSha1And40BitRc2Cbc: "1.2.840.113549.1.12.1.6",
} as const;

/** Block ciphers (NIST CSOR; RFC 8018 B.2.2 for DES-EDE3-CBC). */
export const CIPHER = {
  aes128Cbc: "2.16.840.1.101.3.4.1.2",
  aes192Cbc: "2.16.840.1.101.3.4.1.22",
  aes256Cbc: "2.16.840.1.101.3.4.1.42",
  desEde3Cbc: "1.2.840.113549.3.7",
} as const;
