/**
 * The connection doctor: a real TLS handshake from the server to any host:port, with a
 * step-by-step transcript, and a failure named and explained the way people meet it ("certificate
 * signed by unknown authority", "bad certificate" ...) with the fix. Each step is its own
 * function (connection-doctor-*.ts); this file only says in which order they run.
 */
import net from "node:net";
import { clientCertificateStep, clientKeyPairStep } from "./connection-doctor-client";
import { handshake } from "./connection-doctor-network";
import { replyStep } from "./connection-doctor-reply";
import { chainVerificationStep, serverChainStep } from "./connection-doctor-server";
import { Transcript } from "./connection-doctor-transcript";
import { connectStep, handshakeFailure } from "./connection-doctor-transport";
import type { DoctorCode, DoctorInput, DoctorResult } from "./connection-doctor-types";

export { commandsFor } from "./connection-doctor-commands";
export type { DoctorCode, DoctorInput, DoctorResult, DoctorStep, ServerCertificateSummary } from "./connection-doctor-types";

export async function diagnose(input: DoctorInput): Promise<DoctorResult> {
  const timeoutMs = input.timeoutMs ?? 5000;
  const t = new Transcript(input);

  // Before the network: a client key that does not belong to its certificate can only fail.
  const keyMismatch = clientKeyPairStep(input, t);
  if (keyMismatch) return keyMismatch;

  const socket = await connectStep(input, timeoutMs, t);
  if (!(socket instanceof net.Socket)) return socket;

  const hs = await handshake(socket, input, timeoutMs);
  if (!hs.socket) return handshakeFailure(hs, input, timeoutMs, t);
  const { protocol, cipher, alpn, chain } = hs.negotiated!;
  t.step("TLS handshake", true, `${protocol}, ${cipher}${alpn ? `, ALPN ${alpn}` : ""}.`);
  const serverChain = serverChainStep(chain, t);
  hs.socket.destroy();

  const check = await chainVerificationStep(chain, input, t);
  if (!check.ok) return t.result(check.code as DoctorCode, check.explanation, { serverChain });

  // The client side: a refusal arrives as an alert, or (Node servers) as a close with no reply.
  const refused = clientCertificateStep(hs, input, t, serverChain);
  if (refused) return refused;

  return replyStep(hs, t, serverChain);
}
