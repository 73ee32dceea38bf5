/** The validator's vocabulary: inputs, findings and the verdict. */
import type { ParsedCertificate } from "./certificate";

/** private: RFC 5280 as failures, CA/Browser Forum rules as named warnings. webpki: both as failures. */
export type VerifyMode = "private" | "webpki";
export type Purpose = "server" | "client";

/** The doctor's codes, shared by Inspect, the connection doctor and the API (README lists them). */
export const VERIFY_CODES = [
  "UNKNOWN_AUTHORITY",
  "MISSING_INTERMEDIATE",
  "HOSTNAME_MISMATCH",
  "EXPIRED",
  "NOT_YET_VALID",
  "WRONG_USAGE",
  "KEY_USAGE",
  "NOT_A_CA",
  "PATH_LENGTH",
  "CHAIN_TOO_LONG",
  "NAME_CONSTRAINT_VIOLATION",
  "UNKNOWN_CRITICAL_EXTENSION",
  "BAD_SIGNATURE",
  "WEAK_KEY",
  "WEAK_SIGNATURE",
  "MALFORMED_CERTIFICATE",
  "MISSING_KEY_IDENTIFIER",
  "POLICY",
  "REVOKED",
  "REVOCATION_UNKNOWN",
  "WEBPKI_RULE",
] as const;
export type VerifyCode = (typeof VERIFY_CODES)[number];

export type Role = "leaf" | "intermediate" | "trust anchor";

export interface Finding {
  code: VerifyCode;
  /** The rule in plain words, e.g. "a CA's basicConstraints must be critical". */
  rule: string;
  /** Where the rule is written: "RFC 5280 4.2.1.9", "CA/B Forum BR 7.1.2.7.6". */
  section: string;
  /** The certificate that breaks it (subject), and its place in the path. */
  certificate: string;
  role: Role;
  message: string;
  /** For CA/Browser Forum rules: who refuses it ("Chrome and Go would refuse this"). */
  clients?: string;
  /** True for the rules that WebPKI-strict mode turns into failures. */
  webpki?: boolean;
}

export interface AnchorInput {
  der: Uint8Array;
  /** How to call it in messages: `cadesk CA "Acme Root"`, "the root you pasted", "the system roots". */
  name: string;
}

export interface IntermediateInput {
  der: Uint8Array;
  /** "pasted", "sent by the server", "cadesk's store", "fetched from the AIA URL ..." */
  source: string;
  /** False for certificates the validator may add from elsewhere: a path that needs one is a missing intermediate. */
  supplied: boolean;
}

export interface RevocationStatus {
  revokedAt: Date;
  reason: string;
  /** Where the answer comes from: "cadesk's CRL state", "the pasted CRL". */
  source: string;
}

export interface VerifyOptions {
  leaf: Uint8Array;
  intermediates?: IntermediateInput[];
  anchors: AnchorInput[];
  /** The time to validate at (default now). */
  time?: Date;
  purpose?: Purpose;
  mode?: VerifyMode;
  /** DNS name or IP address the leaf must be valid for. */
  hostname?: string;
  /** Most intermediates a path may hold, self-issued ones not counted (default 8). */
  maxIntermediates?: number;
  /** Key usage bits (RFC 5280 4.2.1.3 numbers) the leaf must assert when it has the extension. */
  requiredKeyUsage?: number[];
  /** CRLs (DER) to check each certificate against when one comes from its issuer. */
  crls?: Uint8Array[];
  /** cadesk's own revocation state for certificates its CAs issued. */
  revocation?: (cert: ParsedCertificate, issuer: ParsedCertificate) => RevocationStatus | undefined;
  /**
   * Apply the CA profile (SKI, critical basicConstraints ...) to trust anchors too, as pyca and
   * limbo do. Off for a system trust store, whose old roots predate RFC 5280's profile.
   */
  strictAnchors?: boolean;
  /**
   * Reads a certificate given above (default parseCertificate): Inspect passes the readings it made
   * for its lints, so a pasted chain is read once. Must behave as parseCertificate does, errors too.
   */
  read?: (der: Uint8Array) => ParsedCertificate;
}

export interface PathEntry {
  subject: string;
  issuer: string;
  role: Role;
  /** "pasted", "trust anchor: the root you pasted", "cadesk's store" ... */
  source: string;
  sha256: string;
  notAfter: string;
}

export interface Verdict {
  ok: boolean;
  code?: VerifyCode;
  explanation: string;
  /** The rule that failed, with its certificate and RFC section. */
  failure?: Finding;
  /** The path chosen (leaf first), or the longest partial path when none reached an anchor. */
  path: PathEntry[];
  mode: VerifyMode;
  purpose: Purpose;
  validationTime: string;
  /** The rule families applied, in words. */
  rulesApplied: string[];
  /** CA/Browser Forum rules broken in private mode, and other advice. */
  warnings: Finding[];
  /** For UNKNOWN_AUTHORITY and MISSING_INTERMEDIATE: the issuer nobody supplied. */
  missingIssuer?: string;
  /** The intermediates the path needed that were not supplied (MISSING_INTERMEDIATE). */
  addedIntermediates?: { subject: string; source: string }[];
  /** caIssuers URLs of the certificate whose issuer is missing (RFC 5280 4.2.2.1). */
  caIssuers?: string[];
  revoked?: { certificate: string; sha256: string; revokedAt: string; reason: string; source: string };
}
