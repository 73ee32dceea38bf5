import { checkCsrKey, parseCsr, verifiedByNode, verifyCsrSignature, type ParsedCsr } from "../pki/csr";
import type { VerifiedCsr } from "./request";

/**
 * Proof of possession and an acceptable key (RFC 2986 4.2; cadesk's key rules): the only way to
 * make a VerifiedCsr, so the pipeline cannot be handed a CSR nobody checked.
 */
export async function verifyCsr(csr: ParsedCsr): Promise<VerifiedCsr> {
  await verifyCsrSignature(csr);
  return withAcceptableKey(csr);
}

/** The key rules, once the signature is known to be good. */
function withAcceptableKey(csr: ParsedCsr): VerifiedCsr {
  checkCsrKey(csr.keyInfo);
  return Object.assign(csr, { verified: true as const });
}

/** Parses and verifies a CSR in PEM or DER (verifyCsr's checks; its promise only when node:crypto does not accept the signature). */
export async function readVerifiedCsr(input: string | Uint8Array): Promise<VerifiedCsr> {
  const csr = parseCsr(input);
  return verifiedByNode(csr) ? withAcceptableKey(csr) : verifyCsr(csr);
}
