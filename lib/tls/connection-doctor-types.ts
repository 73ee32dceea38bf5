/** The connection doctor's vocabulary: what it is asked, and the transcript it answers with. */
import { VERIFY_CODES, type RevocationStatus, type VerifyCode, type VerifyMode } from "../verify";

/**
 * The doctor's own codes, and the validator's refusals (lib/verify) named as Inspect names them,
 * except the three the doctor names after the TLS side (checkServerChain maps them).
 */
export const DOCTOR_CODES = [
  "CONNECTION_REFUSED",
  "TIMEOUT",
  "CERT_EXPIRED",
  "CERT_NOT_YET_VALID",
  "SERVER_CERT_WRONG_USAGE",
  "CLIENT_CERT_REQUIRED",
  "CLIENT_CERT_REJECTED",
  "CLIENT_CERT_WRONG_USAGE",
  "CLIENT_KEY_MISMATCH",
  "PROTOCOL_MISMATCH",
  ...VERIFY_CODES.filter(
    (c): c is Exclude<VerifyCode, "EXPIRED" | "NOT_YET_VALID" | "WRONG_USAGE"> => !["EXPIRED", "NOT_YET_VALID", "WRONG_USAGE"].includes(c),
  ),
] as const;
export type DoctorCode = (typeof DOCTOR_CODES)[number];

export interface DoctorStep {
  title: string;
  ok: boolean;
  detail: string;
}

export interface DoctorInput {
  host: string;
  port: number;
  /** The name to send as SNI and check the certificate against (default: host). */
  serverName?: string;
  /** Trust anchors (PEM) and how to call them, or the system roots. */
  trust: { pems: string[]; label: string; file: string } | "system";
  client?: { certificatePem: string; keyPem: string; file: string };
  /** Intermediates cadesk knows: one the server did not send is named as the missing intermediate. */
  storeIntermediates?: { der: Uint8Array; name: string }[];
  /** cadesk's revocation state for its own certificates, by SHA-256 fingerprint. */
  revocationFor?: (sha256s: string[]) => Promise<Map<string, RevocationStatus>>;
  /** How an AIA caIssuers URL is fetched (tests pass their own). */
  fetchIssuer?: (url: string) => Promise<Uint8Array | undefined>;
  /** Private-CA rules (default) or WebPKI-strict. */
  mode?: VerifyMode;
  timeoutMs?: number;
  now?: Date;
}

/** One certificate the server sent, summarised, with its `openssl x509 -text` view. */
export interface ServerCertificateSummary {
  subject: string;
  issuer: string;
  validTo: string;
  fingerprintSha256: string;
  text: string;
}

export interface DoctorResult {
  ok: boolean;
  code?: DoctorCode;
  /** The chain verdict's rules: private-CA (CA/Browser Forum rules as warnings) or WebPKI-strict. */
  mode: VerifyMode;
  explanation?: string;
  steps: DoctorStep[];
  serverChain: ServerCertificateSummary[];
  reply?: string;
  commands: { curl: string; openssl: string; go: string };
}
