import { createTransport } from "nodemailer";
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
  /**
   * The same for every attempt at one delivery (RFC 5322 3.6.4), so that a message sent again
   * after an instance died between the server's 250 and the recorded outcome can be recognised
   * as a repeat by the recipient's mail system.
   */
  messageId?: string;
}

const TIMEOUT_MS = 15_000;

/**
 * Sends one message over SMTP. `ca` (PEM) is trusted besides the system roots, so a mail relay
 * with a certificate from one of cadesk's CAs is verified rather than waved through.
 */
export async function sendEmail(
  settings: SmtpSettings,
  message: EmailMessage,
  options: { password?: string; ca?: string[] } = {},
): Promise<SendResult> {
  const transport = createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.security === "tls",
    requireTLS: settings.security === "starttls",
    ignoreTLS: settings.security === "none",
    auth: settings.username ? { user: settings.username, pass: options.password ?? "" } : undefined,
    tls: { servername: settings.host, minVersion: "TLSv1.2", ...(options.ca?.length ? { ca: [...rootCertificates, ...options.ca] } : {}) },
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
  });
  try {
    const info = await transport.sendMail({
      from: settings.from,
      to: settings.to,
      subject: message.subject,
      text: message.text,
      ...(message.messageId ? { messageId: message.messageId } : {}),
    });
    const rejected = (info.rejected ?? []).map(String);
    if (rejected.length > 0) return { ok: false, detail: `The server refused ${rejected.join(", ")}: ${info.response}` };
    return { ok: true, detail: info.response };
  } catch (error) {
    return { ok: false, detail: smtpFailure(error, `${settings.host}:${settings.port}`) };
  } finally {
    transport.close();
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
