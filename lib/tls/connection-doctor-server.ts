/** The server's side of the handshake: the chain it sent, and the validator's verdict on it. */
import type { X509Certificate } from "node:crypto";
import { oneLine } from "../pki/inspect/verify-chain";
import { certificateText } from "../pki/text/certificate";
import { checkServerChain, type ChainCheck } from "./doctor-chain";
import type { Transcript } from "./connection-doctor-transcript";
import type { DoctorInput, ServerCertificateSummary } from "./connection-doctor-types";

/** Each certificate the server sent, summarised with its text view, as a step. */
export function serverChainStep(chain: X509Certificate[], t: Transcript): ServerCertificateSummary[] {
  const serverChain = chain.map((c) => ({
    subject: oneLine(c.subject),
    issuer: oneLine(c.issuer),
    validTo: c.validTo,
    fingerprintSha256: c.fingerprint256,
    text: certificateText(new Uint8Array(c.raw)),
  }));
  // Node completes the peer chain from the trusted CAs, so a root may appear that was not sent.
  t.step("Server's certificate chain", chain.length > 0, serverChain.map((c) => c.subject).join(" ← ") || "(none)");
  return serverChain;
}

/** The chain through lib/verify for the name the client asked for, in the mode asked for. */
export async function chainVerificationStep(chain: X509Certificate[], input: DoctorInput, t: Transcript): Promise<ChainCheck> {
  const check = await checkServerChain({
    sent: chain.map((c) => new Uint8Array(c.raw)),
    trust: input.trust,
    serverName: input.serverName || input.host,
    now: input.now ?? new Date(),
    mode: input.mode,
    storeIntermediates: input.storeIntermediates,
    revocationFor: input.revocationFor,
    fetchIssuer: input.fetchIssuer,
  });
  t.step("Chain verification and host name", check.ok, check.detail);
  return check;
}
