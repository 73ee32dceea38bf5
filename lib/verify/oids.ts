import { ACCESS_METHOD, ATTRIBUTE, CURVE, EKU, EXTENSION, POLICY, PUBLIC_KEY } from "../pki/oids";

/** Object identifiers the validator acts on, by the names it uses, from cadesk's one OID table. */
export const OID = {
  ...EXTENSION,
  caIssuers: ACCESS_METHOD.caIssuers,
  anyPolicy: POLICY.any,
  anyExtendedKeyUsage: EKU.any,
  serverAuth: EKU.serverAuth,
  clientAuth: EKU.clientAuth,
  ...ATTRIBUTE,
  rsaEncryption: PUBLIC_KEY.rsaEncryption,
  rsaPss: PUBLIC_KEY.rsassaPss,
  ecPublicKey: PUBLIC_KEY.ecPublicKey,
  ed25519: PUBLIC_KEY.ed25519,
  ed448: PUBLIC_KEY.ed448,
  dsa: PUBLIC_KEY.dsa,
  mgf1: PUBLIC_KEY.mgf1,
  ...CURVE,
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
