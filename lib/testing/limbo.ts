/**
 * x509-limbo's test cases (C2SP/x509-limbo, generated locally as limbo.json; the suite's cases are
 * not part of this repository) and how each becomes a call of the validator, for the opt-in test
 * (lib/verify/limbo.test.ts) and the agreement bench (bench/limbo.ts).
 */
import { existsSync, readFileSync } from "node:fs";
import type { VerifyMode, VerifyOptions } from "../verify";

export interface LimboCase {
  id: string;
  validation_kind: "SERVER" | "CLIENT";
  trusted_certs: string[];
  untrusted_intermediates: string[];
  peer_certificate: string;
  validation_time: string | null;
  key_usage: string[];
  expected_result: "SUCCESS" | "FAILURE";
  expected_peer_name: { kind: string; value: string } | null;
  max_chain_depth: number | null;
  crls: string[];
  features: string[] | null;
}

/** The cases in a limbo.json, or none when the file is not given or not there. */
export function loadLimbo(file: string | undefined): LimboCase[] {
  return file && existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as { testcases: LimboCase[] }).testcases : [];
}

/** limbo's key usage names as RFC 5280 4.2.1.3 bit numbers. */
const KU_BITS: Record<string, number> = {
  digitalSignature: 0,
  contentCommitment: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
};

export const limboDer = (pem: string) => new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64"));

/** `webpki::` cases encode CA/Browser Forum rules: WebPKI-strict mode; the others RFC 5280: private-CA mode. */
export const limboMode = (tc: LimboCase): VerifyMode => (tc.id.startsWith("webpki::") ? "webpki" : "private");

/** The host name a server case is verified for (client cases have none). */
export const limboHostname = (tc: LimboCase) => (tc.validation_kind === "SERVER" ? tc.expected_peer_name?.value : undefined);

/** The validator's options for a case, in its own mode unless one is forced. */
export function limboVerifyOptions(tc: LimboCase, mode: VerifyMode = limboMode(tc)): VerifyOptions {
  return {
    leaf: limboDer(tc.peer_certificate),
    intermediates: tc.untrusted_intermediates.map((p) => ({ der: limboDer(p), source: "pasted", supplied: true })),
    anchors: tc.trusted_certs.map((p) => ({ der: limboDer(p), name: "the trusted set" })),
    time: tc.validation_time ? new Date(tc.validation_time) : undefined,
    purpose: tc.validation_kind === "CLIENT" ? "client" : "server",
    mode,
    hostname: limboHostname(tc),
    maxIntermediates: tc.max_chain_depth ?? undefined,
    requiredKeyUsage: tc.key_usage.map((k) => KU_BITS[k]!),
    crls: tc.crls.map(limboDer),
  };
}
