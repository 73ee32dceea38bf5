/**
 * The transport steps: TCP connect, and a handshake that failed before any certificate was
 * exchanged, each named the way people meet it ("connection refused", "wrong version number").
 */
import type net from "node:net";
import { clientRefused, clientRequired, REJECTION, REQUIRED } from "./connection-doctor-client";
import { connectTcp, type Handshake } from "./connection-doctor-network";
import type { Transcript } from "./connection-doctor-transcript";
import type { DoctorInput, DoctorResult } from "./connection-doctor-types";

const PROTOCOL =
  /wrong version number|unsupported protocol|no protocols available|version too low|protocol version|packet length too long|unexpected eof while reading/i;

/** The TCP connection, or the result that explains why there is none. */
export async function connectStep(input: DoctorInput, timeoutMs: number, t: Transcript): Promise<net.Socket | DoctorResult> {
  try {
    const socket = await connectTcp(input.host, input.port, timeoutMs);
    t.step("TCP connect", true, `Connected to ${input.host}:${input.port}.`);
    return socket;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    t.step("TCP connect", false, String((error as Error).message));
    if (code === "ETIMEDOUT")
      return t.result(
        "TIMEOUT",
        `No answer from ${input.host}:${input.port} within ${timeoutMs / 1000} s: a firewall drops the packets, or the address is wrong.`,
      );
    if (code === "ENOTFOUND" || code === "EAI_AGAIN")
      return t.result("CONNECTION_REFUSED", `The host name "${input.host}" does not resolve: check its spelling and DNS.`);
    return t.result(
      "CONNECTION_REFUSED",
      `Nothing listens on ${input.host}:${input.port} ("connection refused"): the port is wrong or the service is not running.`,
    );
  }
}

/** A handshake that never completed: silence, not TLS, an old protocol, or a client certificate refused. */
export function handshakeFailure(hs: Handshake, input: DoctorInput, timeoutMs: number, t: Transcript): DoctorResult {
  const errorText = hs.error ? String(hs.error.message) : "";
  if (hs.timedOut) {
    t.step("TLS handshake", false, `No TLS answer within ${timeoutMs / 1000} s.`);
    return t.result(
      "TIMEOUT",
      `${input.host}:${input.port} accepted the connection but never answered the TLS handshake: the service may expect plain text first, or be stuck.`,
    );
  }
  t.step("TLS handshake", false, errorText || "The server closed the connection during the handshake.");
  if (PROTOCOL.test(errorText) || !errorText)
    return t.result(
      "PROTOCOL_MISMATCH",
      `The TLS handshake failed before any certificate was exchanged (${errorText || "connection closed"}): the port may not speak TLS at all (plain HTTP?), or the server only offers TLS versions older than 1.2.`,
    );
  if (REQUIRED.test(errorText) && !input.client) return clientRequired(t);
  if (REJECTION.test(errorText)) return clientRefused(input, errorText, t, []);
  return t.result("PROTOCOL_MISMATCH", `The TLS handshake failed: ${errorText}.`);
}
