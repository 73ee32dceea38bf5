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
  codeSigning: "1.3.6.1.5.5.7.3.3",
  emailProtection: "1.3.6.1.5.5.7.3.4",
  timeStamping: "1.3.6.1.5.5.7.3.8",
  ocspSigning: "1.3.6.1.5.5.7.3.9",
  /** anyExtendedKeyUsage: "any purpose" (RFC 5280 4.2.1.12). */
  any: "2.5.29.37.0",
} as const;

/**
 * Certificate and CRL extensions (RFC 5280 4.2 and 5.2; ocsp-nocheck RFC 6960 4.2.2.2.1; SCTs
 * RFC 6962 3.3; acmeIdentifier RFC 8737 3).
 */
export const EXTENSION = {
  subjectDirectoryAttributes: "2.5.29.9",
  subjectKeyIdentifier: "2.5.29.14",
  keyUsage: "2.5.29.15",
  subjectAltName: "2.5.29.17",
  issuerAltName: "2.5.29.18",
  basicConstraints: "2.5.29.19",
  crlNumber: "2.5.29.20",
  crlReason: "2.5.29.21",
  deltaCrlIndicator: "2.5.29.27",
  issuingDistributionPoint: "2.5.29.28",
  nameConstraints: "2.5.29.30",
  crlDistributionPoints: "2.5.29.31",
  certificatePolicies: "2.5.29.32",
  policyMappings: "2.5.29.33",
  authorityKeyIdentifier: "2.5.29.35",
  policyConstraints: "2.5.29.36",
  extKeyUsage: "2.5.29.37",
  freshestCrl: "2.5.29.46",
  inhibitAnyPolicy: "2.5.29.54",
  authorityInfoAccess: "1.3.6.1.5.5.7.1.1",
  subjectInfoAccess: "1.3.6.1.5.5.7.1.11",
  ocspNoCheck: "1.3.6.1.5.5.7.48.1.5",
  acmeIdentifier: "1.3.6.1.5.5.7.1.31",
  sctList: "1.3.6.1.4.1.11129.2.4.2",
} as const;

/** Access methods of Authority Information Access (RFC 5280 4.2.2.1). */
export const ACCESS_METHOD = {
  ocsp: "1.3.6.1.5.5.7.48.1",
  caIssuers: "1.3.6.1.5.5.7.48.2",
} as const;

/** Certificate policies (RFC 5280 4.2.1.4). */
export const POLICY = {
  any: "2.5.29.32.0",
} as const;

/** Name attributes the code reads (RFC 5280 4.1.2.4 and appendix A). */
export const ATTRIBUTE = {
  commonName: "2.5.4.3",
  emailAddress: "1.2.840.113549.1.9.1",
} as const;

/** Public key algorithms (RFC 3279 2.3, RFC 4055 1.2, RFC 5480 2.1.1, RFC 8410 3). */
export const PUBLIC_KEY = {
  rsaEncryption: "1.2.840.113549.1.1.1",
  rsassaPss: "1.2.840.113549.1.1.10",
  ecPublicKey: "1.2.840.10045.2.1",
  dsa: "1.2.840.10040.4.1",
  ed25519: "1.3.101.112",
  ed448: "1.3.101.113",
  /** The mask generation function of RSASSA-PSS parameters (RFC 4055 3.1). */
  mgf1: "1.2.840.113549.1.1.8",
} as const;

/** Named elliptic curves (RFC 5480 2.1.1.1; secp256k1 SEC 2). */
export const CURVE = {
  p192: "1.2.840.10045.3.1.1",
  p224: "1.3.132.0.33",
  p256: "1.2.840.10045.3.1.7",
  p384: "1.3.132.0.34",
  p521: "1.3.132.0.35",
  secp256k1: "1.3.132.0.10",
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

/** Signature algorithms (RFC 3279 2.2, RFC 4055 5, RFC 5758 3, RFC 8017 A.2.4, RFC 8410 3). */
export const SIGNATURE = {
  md5WithRsa: "1.2.840.113549.1.1.4",
  sha1WithRsa: "1.2.840.113549.1.1.5",
  sha256WithRsa: "1.2.840.113549.1.1.11",
  sha384WithRsa: "1.2.840.113549.1.1.12",
  sha512WithRsa: "1.2.840.113549.1.1.13",
  sha224WithRsa: "1.2.840.113549.1.1.14",
  ecdsaWithSha1: "1.2.840.10045.4.1",
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  ecdsaWithSha384: "1.2.840.10045.4.3.3",
  ecdsaWithSha512: "1.2.840.10045.4.3.4",
  dsaWithSha1: "1.2.840.10040.4.3",
  dsaWithSha256: "2.16.840.1.101.3.4.3.2",
  // Ed25519 and Ed448 name the key and the signature alike (RFC 8410 3): PUBLIC_KEY.ed25519/ed448.
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
