/**
 * The dashboard's HTTPS listener (CADESK_TLS=1): terminates TLS with a certificate from one of
 * cadesk's CAs and forwards each request to Next on a loopback port. Its certificate changes with
 * `update()` for the next handshake, without closing the listener or open connections, so a
 * renewed certificate is served at once. It sets X-Forwarded-For/-Proto/-Host itself, replacing
 * whatever the client sent, so the audit log and the Secure cookie flag can trust them (with a
 * per-process token that tells scripts/serve.mjs so).
 */
import { listen } from "./listen";
import { request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { TLS12_AEAD_CIPHERS } from "./echo-server";

export interface FrontTlsConfig {
  /** The server certificate followed by its intermediates. */
  certificatePem: string;
  keyPem: string;
}

function contextOptions(config: FrontTlsConfig) {
  return {
    cert: config.certificatePem,
    key: config.keyPem,
    minVersion: "TLSv1.2" as const,
    ciphers: TLS12_AEAD_CIPHERS,
    honorCipherOrder: true,
  };
}

const HOP_BY_HOP = ["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer"];

export class HttpsFront {
  private server: https.Server | null = null;

  constructor(private readonly upstream: { host: string; port: number }) {}

  get port(): number | null {
    return (this.server?.address() as AddressInfo | null)?.port ?? null;
  }

  async start(config: FrontTlsConfig, port: number, host = "0.0.0.0"): Promise<void> {
    const server = https.createServer(contextOptions(config), (req, res) => this.forward(req, res));
    server.on("tlsClientError", () => undefined);
    this.server = server;
    await listen(server, port, host);
  }

  update(config: FrontTlsConfig): void {
    this.server?.setSecureContext(contextOptions(config));
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  /** Graceful: stops accepting, and each connection closes once its request in flight is answered. */
  async drain(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    const idle = setInterval(() => server.closeIdleConnections(), 100);
    await new Promise((resolve) => {
      server.close(resolve);
      server.closeIdleConnections();
    });
    clearInterval(idle);
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    const headers = { ...req.headers };
    for (const h of HOP_BY_HOP) delete headers[h];
    headers["x-forwarded-for"] = req.socket.remoteAddress ?? "";
    headers["x-forwarded-proto"] = "https";
    headers["x-forwarded-host"] = req.headers.host ?? "";
    headers["x-forwarded-port"] = String(this.port ?? "");
    // Proves to scripts/serve.mjs (scripts/forwarded.mjs) that these headers are this front's own.
    const token = (globalThis as Record<symbol, unknown>)[Symbol.for("cadesk.frontToken")];
    if (typeof token === "string") headers["x-cadesk-front"] = token;
    const upstream = httpRequest({ ...this.upstream, method: req.method, path: req.url, headers }, (answer) => {
      const out = { ...answer.headers };
      for (const h of HOP_BY_HOP) delete out[h];
      out["strict-transport-security"] ??= "max-age=31536000";
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, out);
      answer.pipe(res);
    });
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain; charset=utf-8" });
      res.end("cadesk is starting or stopped: try again in a moment.\n");
    });
    req.pipe(upstream);
  }
}
