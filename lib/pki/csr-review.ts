/**
 * What a CSR asks for beyond its names, and what signing it with a profile keeps. Plain data with
 * no crypto imports, so the sign-CSR form recomputes the verdicts in the browser when the
 * profile changes. cadesk, like step-ca and cfssl, lets the profile decide usages: a CSR's
 * extensionRequest (PKCS#9, RFC 2985 5.4.2) is a wish list, and the CA answers it.
 */
import { EKU } from "./oids";
import { PROFILE_SPECS, type LeafProfile } from "./profiles-data";

/** The requested parts of a CSR, read by lib/pki/csr.ts. */
export interface CsrRequested {
  /** Subject attributes in order, CN included: { label: "O (organization)", value: "Acme" }. */
  subject: { type: string; label: string; value: string }[];
  /** Requested extended key usages (OIDs). */
  extendedKeyUsages: string[];
  /** Requested key usages (names as RFC 5280 4.2.1.3 spells them). */
  keyUsages: string[];
  /** The CSR asks for CA:TRUE. */
  asksForCa: boolean;
  /** Other requested extensions, by name or OID (SAN excluded: the form edits those). */
  otherExtensions: string[];
}

const EKU_NAMES: Record<string, string> = {
  [EKU.serverAuth]: "serverAuth (TLS server)",
  [EKU.clientAuth]: "clientAuth (TLS client)",
  "1.3.6.1.5.5.7.3.3": "codeSigning",
  "1.3.6.1.5.5.7.3.4": "emailProtection",
  "1.3.6.1.5.5.7.3.8": "timeStamping",
  [EKU.ocspSigning]: "OCSPSigning",
  [EKU.any]: "anyExtendedKeyUsage",
};
export const ekuName = (oid: string) => EKU_NAMES[oid] ?? oid;

const SUBJECT_LABELS: Record<string, string> = {
  CN: "CN (common name)",
  O: "O (organization)",
  OU: "OU (organizational unit)",
  C: "C (country)",
  ST: "ST (state or province)",
  L: "L (locality)",
  E: "E (e-mail in the subject)",
  DC: "DC (domain component)",
  serialNumber: "serialNumber",
};
export const subjectLabel = (type: string) => SUBJECT_LABELS[type] ?? type;

/** The profile a CSR's extended key usages point to; a TLS server when it asks for none. */
export function suggestedProfile(requested: Pick<CsrRequested, "extendedKeyUsages">): LeafProfile {
  const ekus = requested.extendedKeyUsages;
  const server = ekus.includes(EKU.serverAuth);
  const client = ekus.includes(EKU.clientAuth);
  if (server && client) return "server-client";
  if (client) return "client";
  return "server";
}

export interface ReviewRow {
  what: string;
  asked: string;
  outcome: "kept" | "changed" | "dropped";
  /** What the certificate will carry instead, and why. */
  note: string;
}

/** The key usages a leaf of this profile gets (lib/pki/certificate.ts signLeafCertificate). */
export function profileKeyUsages(profile: LeafProfile, rsaKey: boolean): string[] {
  return rsaKey && PROFILE_SPECS[profile].needsHostName ? ["digitalSignature", "keyEncipherment"] : ["digitalSignature"];
}

/** One row per requested thing: whether the signed certificate will carry it with this profile. */
export function reviewCsrRequest(requested: CsrRequested, profile: LeafProfile, rsaKey: boolean, commonNameTyped?: string): ReviewRow[] {
  const spec = PROFILE_SPECS[profile];
  const rows: ReviewRow[] = [];
  for (const attribute of requested.subject) {
    const replaced = attribute.type === "CN" && commonNameTyped !== undefined && commonNameTyped !== attribute.value;
    rows.push({
      what: `Subject ${subjectLabel(attribute.type)}`,
      asked: attribute.value,
      outcome: replaced ? "changed" : "kept",
      note: replaced ? `replaced by the Common Name typed below ("${commonNameTyped}")` : "copied into the certificate's subject",
    });
  }
  const given = spec.extendedKeyUsages.map(ekuName).join(", ");
  if (requested.extendedKeyUsages.length === 0) {
    rows.push({ what: "Extended key usage", asked: "(none asked)", outcome: "changed", note: `the ${spec.label} profile sets ${given}` });
  }
  for (const oid of requested.extendedKeyUsages) {
    const kept = spec.extendedKeyUsages.includes(oid);
    rows.push({
      what: "Extended key usage",
      asked: ekuName(oid),
      outcome: kept ? "kept" : "dropped",
      note: kept ? `the ${spec.label} profile includes it` : `not in the ${spec.label} profile, which sets ${given}`,
    });
  }
  const keyUsages = profileKeyUsages(profile, rsaKey);
  for (const usage of requested.keyUsages) {
    const kept = keyUsages.includes(usage);
    rows.push({
      what: "Key usage",
      asked: usage,
      outcome: kept ? "kept" : "dropped",
      note: kept ? "set for this key type and profile" : `a TLS leaf gets ${keyUsages.join(", ")} only`,
    });
  }
  if (requested.asksForCa) {
    rows.push({
      what: "Basic constraints",
      asked: "CA:TRUE",
      outcome: "dropped",
      note: "a leaf is never a CA: create an intermediate on the Authorities page instead",
    });
  }
  for (const name of requested.otherExtensions) {
    rows.push({ what: "Extension", asked: name, outcome: "dropped", note: "cadesk sets only the extensions of its profiles" });
  }
  return rows;
}
