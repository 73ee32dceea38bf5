import { createHmac } from "node:crypto";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { rootCertificates } from "node:tls";

export interface SendResult {
  ok: boolean;
  /** What the receiver answered ("HTTP 200", "250 2.0.0 OK") or, on failure, what went wrong in plain words. */
  detail: string;
  /**
   * A failure after the whole message had gone out, with no answer (the connection broke or timed
   * out): it may have arrived, so it is not sent again automatically.
   */
  uncertain?: boolean;
  /** A failure that sending again would not mend without repeating it (some recipients have it). */
  final?: boolean;
}

const TIMEOUT_MS = 10_000;

/**
 * The signature a receiver recomputes to trust a delivery: HMAC-SHA256 over "<timestamp>.<body>"
 * (the timestamp lets it refuse replays), hex, in the same scheme as Stripe's and GitHub's.
 */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return "v1=" + createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
}

/**
 * POSTs a JSON document; only a 2xx answer counts as delivered. `ca` (PEM) is trusted in addition
 * to the system roots, so a receiver with a certificate from this CA works without extra setup.
 */
export function sendWebhook(
  url: string,
  body: string,
  options: { secret?: string; deliveryId: string; ca?: string[]; now?: Date },
): Promise<SendResult> {
  const timestamp = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(body)),
    "user-agent": "cadesk-notifier/1",
    "x-cadesk-delivery": options.deliveryId,
    "x-cadesk-timestamp": String(timestamp),
  };
  if (options.secret) headers["x-cadesk-signature"] = webhookSignature(options.secret, timestamp, body);
  const target = new URL(url);
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const request = send(
      target,
      // A fresh connection each time: a kept-alive socket the receiver closed while idle fails
      // only after the whole request was written to it, which would look like an uncertain delivery.
      {
        method: "POST",
        headers,
        timeout: TIMEOUT_MS,
        agent: false,
        ...(options.ca?.length ? { ca: [...rootCertificates, ...options.ca] } : {}),
      },
      (response) => {
        response.resume();
        const status = response.statusCode ?? 0;
        const detail = `HTTP ${status}${response.statusMessage ? " " + response.statusMessage : ""}`;
        if (status >= 200 && status < 300) resolve({ ok: true, detail });
        else if (status >= 300 && status < 400)
          resolve({
            ok: false,
            detail: `${detail}: the receiver redirects; use the final URL (${response.headers.location ?? "no Location"}).`,
          });
        else resolve({ ok: false, detail });
      },
    );
    // Once the whole body is written the receiver may act on it before its answer is lost
    // (a reset or a timeout then says nothing about whether it did): that outcome is uncertain.
    let handedOver = false;
    request.on("finish", () => (handedOver = true));
    request.on("timeout", () => request.destroy(Object.assign(new Error("timeout"), { code: "TIMEOUT" })));
    request.on("error", (error) => {
      const detail = networkFailure(error, target.host);
      if (!handedOver) return resolve({ ok: false, detail });
      resolve({
        ok: false,
        uncertain: true,
        detail: `The whole request went out to ${target.host}, then: ${detail} The receiver may have acted on it before the connection broke.`,
      });
    });
    request.end(body);
  });
}

/** A socket or TLS error named the way an operator would say it. */
export function networkFailure(error: unknown, target: string): string {
  const err = error as NodeJS.ErrnoException;
  const code = err.code;
  if (code === "TIMEOUT") return `No answer from ${target} within ${TIMEOUT_MS / 1000} s.`;
  switch (code) {
    case "ECONNREFUSED":
      return `Connection refused by ${target}: nothing listens there.`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `The host of ${target} does not resolve in DNS.`;
    case "ECONNRESET":
      return `${target} closed the connection.`;
    case "ETIMEDOUT":
      return `Connecting to ${target} timed out.`;
    case "DEPTH_ZERO_SELF_SIGNED_CERT":
    case "UNABLE_TO_VERIFY_LEAF_SIGNATURE":
    case "SELF_SIGNED_CERT_IN_CHAIN":
    case "UNABLE_TO_GET_ISSUER_CERT_LOCALLY":
      return `${target} presents a certificate this server does not trust (${code}).`;
    case "ERR_TLS_CERT_ALTNAME_INVALID":
      return `${target} presents a certificate that is not valid for its host name.`;
    default:
      return `${err.message}${code && !err.message.includes(code) ? ` (${code})` : ""}`;
  }
}
