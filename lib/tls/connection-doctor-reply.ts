/** The server's answer to the doctor's one request, with the echo server's JSON report read when it is one. */
import type { Handshake } from "./connection-doctor-network";
import type { Transcript } from "./connection-doctor-transcript";
import type { DoctorResult, ServerCertificateSummary } from "./connection-doctor-types";

export function replyStep(hs: Handshake, t: Transcript, serverChain: ServerCertificateSummary[]): DoctorResult {
  let reply = hs.reply;
  const json = reply.slice(reply.indexOf("\r\n\r\n") + 4);
  try {
    const report = JSON.parse(json);
    if ("clientCertificateAccepted" in report) {
      reply = json;
      if (report.clientCertificate && !report.clientCertificateAccepted)
        t.step(
          "Echo server's verdict",
          false,
          `The client certificate was received but not trusted (${report.clientCertificateError}); the echo server only reports it in "request" mode.`,
        );
      else
        t.step(
          "Echo server's verdict",
          true,
          report.clientCertificate ? `Client certificate ${report.clientCertificate.subject} accepted.` : "No client certificate.",
        );
    }
  } catch {
    // not the echo server: show the reply as it came
  }
  // The status line (or first line of a non-HTTP answer), not the first line of a JSON body ("{").
  const firstLine = hs.reply.split("\n")[0]?.trim();
  t.step(
    "Reply",
    true,
    firstLine ? (reply !== hs.reply ? `${firstLine}, with the echo server's JSON report (below)` : firstLine) : "(empty)",
  );
  return t.result(undefined, undefined, { serverChain, reply });
}
