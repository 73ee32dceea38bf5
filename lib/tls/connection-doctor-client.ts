/**
 * The client side of mTLS: a key that does not belong to its certificate (caught before the
 * network), and the server's verdict on the certificate sent, which arrives as an alert or, from
 * Node servers, as a close without a reply.
 */
import { createPrivateKey, createPublicKey, X509Certificate } from "node:crypto";
import { oneLine } from "../pki/inspect/verify-chain";
import { EKU } from "../pki/oids";
import type { Handshake } from "./connection-doctor-network";
import type { Transcript } from "./connection-doctor-transcript";
import type { DoctorInput, DoctorResult, ServerCertificateSummary } from "./connection-doctor-types";

export const REJECTION =
  /bad certificate|unknown ca|certificate unknown|unsupported certificate|certificate revoked|decrypt error|access denied/i;
export const REQUIRED = /certificate required|handshake failure/i;

/** CLIENT_KEY_MISMATCH when the private key is not the client certificate's; nothing otherwise. */
export function clientKeyPairStep(input: DoctorInput, t: Transcript): DoctorResult | undefined {
  if (!input.client) return undefined;
  const cert = new X509Certificate(input.client.certificatePem);
  let matches = false;
  try {
    matches = createPublicKey(createPrivateKey(input.client.keyPem))
      .export({ type: "spki", format: "der" })
      .equals(cert.publicKey.export({ type: "spki", format: "der" }));
  } catch {
    matches = false;
  }
  if (matches) return undefined;
  t.step("Client certificate and key", false, "The private key does not belong to the client certificate.");
  return t.result(
    "CLIENT_KEY_MISMATCH",
    `The private key given for "${oneLine(cert.subject)}" is not that certificate's key ("key values mismatch"): TLS cannot use the pair. Use the key file downloaded with this certificate.`,
  );
}

/** After a completed handshake: did the server accept the client certificate (or go on without one)? */
export function clientCertificateStep(
  hs: Handshake,
  input: DoctorInput,
  t: Transcript,
  serverChain: ServerCertificateSummary[],
): DoctorResult | undefined {
  const errorText = hs.error ? String(hs.error.message) : "";
  if (hs.error && REJECTION.test(errorText)) return clientRefused(input, errorText, t, serverChain);
  if (hs.error && REQUIRED.test(errorText)) return clientRequired(t, errorText, serverChain);
  if (hs.closedWithoutReply)
    return input.client ? clientRefused(input, errorText, t, serverChain) : clientRequired(t, errorText, serverChain);
  t.step(
    "Client certificate",
    true,
    input.client ? "Sent, and the server went on to answer." : "None sent; the server did not require one.",
  );
  return undefined;
}

/** The server refused the client certificate: for its usage, or because it does not trust its CA. */
export function clientRefused(input: DoctorInput, errorText: string, t: Transcript, serverChain: ServerCertificateSummary[]): DoctorResult {
  t.step("Client certificate", false, errorText || "The server closed the connection right after the handshake without answering.");
  const ekus = input.client ? new X509Certificate(input.client.certificatePem).keyUsage : undefined;
  if (ekus && !ekus.includes(EKU.clientAuth) && !ekus.includes(EKU.any)) {
    return t.result(
      "CLIENT_CERT_WRONG_USAGE",
      "The server refused the client certificate: it lacks the clientAuth extended key usage, so TLS servers will not accept it for mTLS. Issue it with the TLS client or server+client profile.",
      { serverChain },
    );
  }
  return t.result(
    "CLIENT_CERT_REJECTED",
    `The server refused the client certificate ("remote error: tls: bad certificate"): it does not chain to a CA the server trusts for clients, or it is expired. Use a certificate from the CA in the server's client-CA list, or add its CA there.`,
    { serverChain },
  );
}

const REQUIRED_EXPLANATION =
  "The server requires a client certificate and none was sent (mTLS). Pick a client certificate issued by a CA the server trusts.";

/**
 * The server wants a client certificate that was not sent. During the handshake (no chain seen
 * yet) the TLS step already says what happened; after it, a Client certificate step says so.
 */
export function clientRequired(t: Transcript, errorText?: string, serverChain?: ServerCertificateSummary[]): DoctorResult {
  if (!serverChain) return t.result("CLIENT_CERT_REQUIRED", REQUIRED_EXPLANATION);
  t.step("Client certificate", false, errorText || "None sent, and the server closed the connection.");
  return t.result("CLIENT_CERT_REQUIRED", REQUIRED_EXPLANATION, { serverChain });
}
