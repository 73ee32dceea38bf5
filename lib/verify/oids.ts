/** Object identifiers the validator acts on (RFC 5280, RFC 8410, RFC 4055, RFC 5758). */
export const OID = {
  // extensions (RFC 5280 4.2)
  subjectKeyIdentifier: "2.5.29.14",
  keyUsage: "2.5.29.15",
  subjectAltName: "2.5.29.17",
  issuerAltName: "2.5.29.18",
  basicConstraints: "2.5.29.19",
  crlNumber: "2.5.29.20",
  crlReason: "2.5.29.21",
  nameConstraints: "2.5.29.30",
  crlDistributionPoints: "2.5.29.31",
  certificatePolicies: "2.5.29.32",
  policyMappings: "2.5.29.33",
  authorityKeyIdentifier: "2.5.29.35",
  policyConstraints: "2.5.29.36",
  extKeyUsage: "2.5.29.37",
  freshestCrl: "2.5.29.46",
  inhibitAnyPolicy: "2.5.29.54",
  subjectDirectoryAttributes: "2.5.29.9",
  authorityInfoAccess: "1.3.6.1.5.5.7.1.1",
  subjectInfoAccess: "1.3.6.1.5.5.7.1.11",
  sctList: "1.3.6.1.4.1.11129.2.4.2",
  issuingDistributionPoint: "2.5.29.28",
  deltaCrlIndicator: "2.5.29.27",
  caIssuers: "1.3.6.1.5.5.7.48.2",
  anyPolicy: "2.5.29.32.0",
  // extended key usages (RFC 5280 4.2.1.12)
  anyExtendedKeyUsage: "2.5.29.37.0",
  serverAuth: "1.3.6.1.5.5.7.3.1",
  clientAuth: "1.3.6.1.5.5.7.3.2",
  // attributes
  commonName: "2.5.4.3",
  emailAddress: "1.2.840.113549.1.9.1",
  // keys
  rsaEncryption: "1.2.840.113549.1.1.1",
  rsaPss: "1.2.840.113549.1.1.10",
  ecPublicKey: "1.2.840.10045.2.1",
  ed25519: "1.3.101.112",
  ed448: "1.3.101.113",
  dsa: "1.2.840.10040.4.1",
  p192: "1.2.840.10045.3.1.1",
  p224: "1.3.132.0.33",
  p256: "1.2.840.10045.3.1.7",
  p384: "1.3.132.0.34",
  p521: "1.3.132.0.35",
  secp256k1: "1.3.132.0.10",
  mgf1: "1.2.840.113549.1.1.8",
} as const;

/** Names people know for the extension OIDs a refusal may cite. */
export const EXTENSION_NAMES: Record<string, string> = {
  [OID.subjectKeyIdentifier]: "Subject Key Identifier",
  [OID.keyUsage]: "Key Usage",
  [OID.subjectAltName]: "Subject Alternative Name",
  [OID.basicConstraints]: "Basic Constraints",
  [OID.nameConstraints]: "Name Constraints",
  [OID.certificatePolicies]: "Certificate Policies",
  [OID.authorityKeyIdentifier]: "Authority Key Identifier",
  [OID.policyConstraints]: "Policy Constraints",
  [OID.extKeyUsage]: "Extended Key Usage",
  [OID.authorityInfoAccess]: "Authority Information Access",
  [OID.inhibitAnyPolicy]: "Inhibit anyPolicy",
};

export const extensionName = (oid: string) => EXTENSION_NAMES[oid] ?? oid;
