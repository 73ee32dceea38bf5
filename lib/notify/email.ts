import MailComposer from "nodemailer/lib/mail-composer";
import SMTPConnection, { type SMTPConnectionSendInfo } from "nodemailer/lib/smtp-connection";
import { Readable } from "node:stream";
import { rootCertificates } from "node:tls";
import type { SendResult } from "./webhook";

export const SMTP_SECURITY = ["starttls", "tls", "none"] as const;
export type SmtpSecurity = (typeof SMTP_SECURITY)[number];

export interface SmtpSettings {
  host: string;
  port: number;
  /** starttls: upgrade on the submission port and refuse to go on without it; tls: implicit TLS (465); none: plain, for a local relay. */
  security: SmtpSecurity;
  username?: string;
  from: string;
  to: string[];
}

export interface EmailMessage {
  subject: string;
  text: string;
  /** The delivery's own id (RFC 5322 3.6.4), so a copy sent again by the operator can be recognised. */
  messageId?: string;
}

const TIMEOUT_MS = 15_000;

/**
 * Sends one message over SMTP. `ca` (PEM) is trusted besides the system roots, so a mail relay
 * with a certificate from one of cadesk's CAs is verified rather than waved through.
 *
 * The message is streamed by hand (nodemailer's SMTPConnection, not its transport) so the outcome
 * can tell "not sent" from "maybe sent": a server takes responsibility for a message only when it
 * answers the final "<CRLF>.<CRLF>" (RFC 5321 4.1.1.4), which goes out after the last byte of the
 * body. A failure before that byte was handed over is safe to retry; a connection that breaks or
 * times out after it, with no reply, may have delivered, and is reported `uncertain`.
 */
export async function sendEmail(
  settings: SmtpSettings,
  message: EmailMessage,
  options: { password?: string; ca?: string[] } = {},
): Promise<SendResult> {
  const target = `${settings.host}:${settings.port}`;
  const raw = await new MailComposer({
    from: settings.from,
    to: settings.to,
    subject: message.subject,
    text: message.text,
    ...(message.messageId ? { messageId: message.messageId } : {}),
  })
    .compile()
    .build();
  let handedOver = false;
  const body = Readable.from([raw]);
  body.once("end", () => (handedOver = true));
  const connection = new SMTPConnection({
    host: settings.host,
    port: settings.port,
    secure: settings.security === "tls",
    requireTLS: settings.security === "starttls",
    ignoreTLS: settings.security === "none",
    tls: { servername: settings.host, minVersion: "TLSv1.2", ...(options.ca?.length ? { ca: [...rootCertificates, ...options.ca] } : {}) },
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
  });
  // A failed connect, and a socket that breaks between commands, arrive as 'error' events, not
  // through the callbacks: each step also ends with the first of those.
  let broken: (error: Error) => void = () => {};
  const failure = new Promise<never>((_, reject) => (broken = reject));
  failure.catch(() => {});
  connection.on("error", (error: Error) => broken(error));
  connection.on("end", () => broken(Object.assign(new Error("Connection closed unexpectedly"), { code: "ECONNECTION" })));
  const step = <T>(run: (done: (error: Error | null | undefined, value?: T) => void) => void) =>
    Promise.race([failure, new Promise<T>((resolve, reject) => run((error, value) => (error ? reject(error) : resolve(value as T))))]);
  try {
    await step<void>((done) => connection.connect((error) => done(error)));
    if (settings.username) await step((done) => connection.login({ user: settings.username!, pass: options.password ?? "" }, done));
    const info = await step<SMTPConnectionSendInfo>((done) => connection.send({ from: settings.from, to: settings.to }, body, done));
    const rejected = (info.rejected ?? []).map(String);
    // The others have it: sending again would repeat it to them, so this is final, not retried.
    if (rejected.length > 0) {
      return {
        ok: false,
        final: true,
        detail: `Delivered to ${info.accepted.map(String).join(", ")}, but the server refused ${rejected.join(", ")}: ${info.response}. Correct the recipients; not retried, as the others have it.`,
      };
    }
    return { ok: true, detail: info.response };
  } catch (error) {
    const detail = smtpFailure(error, target);
    // A reply code is the server's word either way (4xx/5xx: it did not take the message).
    if (handedOver && !(error as { responseCode?: number }).responseCode) {
      return {
        ok: false,
        uncertain: true,
        detail: `The whole message went out to ${target}, then: ${detail} The server may have accepted it before the connection broke.`,
      };
    }
    return { ok: false, detail };
  } finally {
    connection.close();
  }
}

function smtpFailure(error: unknown, target: string): string {
  const err = error as Error & { code?: string; response?: string; responseCode?: number };
  const cause = (err as { cause?: NodeJS.ErrnoException }).cause;
  const reason = `${err.message}`.replace(/\s+/g, " ").slice(0, 300);
  switch (err.code) {
    case "EAUTH":
      return `${target} refused the user name or password: ${err.response ?? reason}`;
    case "ETLS":
      return `TLS with ${target} failed: ${reason}. If the server's certificate comes from one of cadesk's CAs, choose that CA under "Trust".`;
    case "EREQUIRETLS":
    case "ENOAUTH":
      return `${reason} (${err.code}).`;
    case "ECONNECTION":
    case "ESOCKET":
      if (/ECONNREFUSED/.test(reason) || cause?.code === "ECONNREFUSED") return `Connection refused by ${target}: nothing listens there.`;
      if (/certificate|self.signed|issuer/i.test(reason)) {
        return `${target} presents a certificate this server does not trust (${reason}). If it comes from one of cadesk's CAs, choose that CA under "Trust".`;
      }
      return `Could not talk to ${target}: ${reason}`;
    case "ETIMEDOUT":
      return `No answer from ${target} within ${TIMEOUT_MS / 1000} s.`;
    case "EENVELOPE":
      return `The server refused the sender or recipients: ${err.response ?? reason}`;
    default:
      return err.responseCode ? `${target} answered ${err.responseCode}: ${err.response ?? reason}` : reason;
  }
}
