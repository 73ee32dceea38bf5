/**
 * The TLS echo server: a hardened Node `tls` listener that tells each client what it saw (TLS
 * version, cipher, SNI, ALPN, the client certificate and whether it was accepted) as JSON over
 * HTTP/1.1, or as text lines followed by an echo for line-based clients like `openssl s_client`.
 * Its certificate and client-CA set change with `update()`, for new connections at once, without
 * closing the listener or open connections (hot reload).
 */
import { listen } from "./listen";
import { createHash, hkdfSync, randomBytes, X509Certificate } from "node:crypto";
import tls from "node:tls";
import type { AddressInfo } from "node:net";
import { oneLine } from "../pki/inspect/verify-chain";

export type ClientAuthMode = "require" | "request" | "none";

export interface EchoTlsConfig {
  /** The server certificate followed by its intermediates (a fullchain). */
  certificatePem: string;
  keyPem: string;
  /** CAs that client certificates must chain to. */
  clientCaPems: string[];
  clientAuth: ClientAuthMode;
}

export interface EchoReport {
  tlsVersion: string | null;
  cipher: string | null;
  serverName: string | null;
  alpn: string | null;
  clientCertificate: {
    subject: string;
    issuer: string;
    serialNumber: string;
    validFrom: string;
    validTo: string;
    fingerprintSha256: string;
  } | null;
  clientCertificateAccepted: boolean;
  /** Why the client certificate was not accepted, when it was not. */
  clientCertificateError: string | null;
  clientAuth: ClientAuthMode;
}

/**
 * What lib/tls/echo-runtime.ts holds: an EchoServer in this thread, or one in a thread of its own
 * (ThreadedEchoServer, lib/tls/echo-threaded.ts). update() applies from the next handshake on once
 * it has resolved.
 */
export interface EchoListener {
  readonly listening: boolean;
  readonly port: number | null;
  start(config: EchoTlsConfig, port: number, host?: string): Promise<void>;
  update(config: EchoTlsConfig): void | Promise<void>;
  stop(): Promise<void>;
}

/** To the echo server's thread (lib/tls/echo-thread.ts); each is answered by an EchoEvent with its id. */
export type EchoCommand =
  | { type: "start"; id: number; config: EchoTlsConfig; port: number; host: string; ticketSecret: Uint8Array; reusePort: boolean }
  | { type: "update"; id: number; config: EchoTlsConfig }
  | { type: "stop"; id: number };

/** From the echo server's thread: the command `id` is done (with the port listened on), or failed. */
export type EchoEvent = { type: "done"; id: number; port: number | null } | { type: "failed"; id: number; message: string; code?: string };

/**
 * TLS 1.2+ with AEAD ciphers only (TLS 1.3 suites are all AEAD): the configuration we recommend
 * users copy, and what testssl.sh should find no fault with.
 */
export const TLS12_AEAD_CIPHERS = [
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-CHACHA20-POLY1305",
].join(":");

function secureContextOptions(config: EchoTlsConfig): tls.SecureContextOptions {
  return {
    cert: config.certificatePem,
    key: config.keyPem,
    ca: config.clientCaPems.length ? config.clientCaPems : undefined,
    minVersion: "TLSv1.2",
    ciphers: TLS12_AEAD_CIPHERS,
    honorCipherOrder: true,
  };
}

/**
 * Session resumption (RFC 8446 2.2; RFC 5077 for TLS 1.2) on every worker and only for the
 * settings the session was made under. Tickets are encrypted with keys derived from a secret
 * (shared by the workers of a cluster: scripts/cluster.mjs makes it, lib/ops/cluster.ts hands it
 * over) and from the settings' fingerprint, so a ticket one worker issued is accepted by another
 * (Node's default is random keys per process and per context: a client that reconnected to another
 * worker, or after any change, paid for a full handshake), and a ticket issued before a change of
 * certificate, client CAs or client-auth mode opens nothing after it: such a client handshakes in
 * full and shows its certificate to the new client CAs. The session id context is the same
 * fingerprint (OpenSSL refuses a cached session of another context), and is required anyway once
 * clients send certificates.
 */
function sessionKeys(config: EchoTlsConfig, secret: Buffer): { ticketKeys: Buffer; sessionIdContext: string } {
  const fingerprint = createHash("sha256")
    .update(JSON.stringify([config.certificatePem, config.keyPem, [...config.clientCaPems].sort(), config.clientAuth]))
    .digest();
  return {
    // Node's 48 bytes: a 16-byte key name, a 16-byte HMAC secret and a 16-byte AES key.
    ticketKeys: Buffer.from(hkdfSync("sha256", secret, fingerprint, "cadesk echo session tickets", 48)),
    // At most 32 bytes (SSL_MAX_SID_CTX_LENGTH).
    sessionIdContext: fingerprint.subarray(0, 16).toString("hex"),
  };
}

/**
 * The context every connection gets. The chosen client CAs are anchors, whether roots or
 * intermediates (OpenSSL's X509_V_FLAG_PARTIAL_CHAIN): ticking the CA that issued a client
 * certificate is enough, as with Go's ClientCAs and nginx's ssl_client_certificate, and a sibling
 * intermediate under the same root is not trusted. Each chosen CA is still named in the
 * CertificateRequest's certificate_authorities (RFC 8446 4.2.4; RFC 5246 7.4.4), so clients pick
 * the right certificate.
 */
function connectionContext(config: EchoTlsConfig, secret: Buffer): tls.SecureContext {
  return tls.createSecureContext({ ...secureContextOptions(config), allowPartialTrustChain: true, ...sessionKeys(config, secret) });
}

/**
 * Node 20's `tls.Server` builds its context from a fixed list of options that leaves out
 * `allowPartialTrustChain` (createSecureContext takes it since 20.18), so the server's shared
 * context is replaced by one that has it. The echo server test fails if a Node release renames
 * the field, as client certificates from a lone intermediate would be refused again.
 */
function installContext(server: tls.Server, config: EchoTlsConfig, secret: Buffer): void {
  const shared = server as unknown as { _sharedCreds?: tls.SecureContext };
  if (!("_sharedCreds" in shared)) throw new Error("this Node.js version's tls.Server has no _sharedCreds: update the echo server");
  shared._sharedCreds = connectionContext(config, secret);
}

export function reportFor(socket: tls.TLSSocket, clientAuth: ClientAuthMode): EchoReport {
  const peer = socket.getPeerX509Certificate?.() as X509Certificate | undefined;
  return {
    tlsVersion: socket.getProtocol() ?? null,
    cipher: socket.getCipher()?.name ?? null,
    serverName: (socket as tls.TLSSocket & { servername?: string | false }).servername || null,
    alpn: socket.alpnProtocol || null,
    clientCertificate: peer
      ? {
          subject: oneLine(peer.subject),
          issuer: oneLine(peer.issuer),
          serialNumber: peer.serialNumber.toLowerCase(),
          validFrom: peer.validFrom,
          validTo: peer.validTo,
          fingerprintSha256: peer.fingerprint256,
        }
      : null,
    clientCertificateAccepted: !!peer && socket.authorized,
    clientCertificateError: peer && !socket.authorized ? String(socket.authorizationError) : null,
    clientAuth,
  };
}

function describe(report: EchoReport): string {
  const client = report.clientCertificate
    ? `client certificate: ${report.clientCertificate.subject}, issued by ${report.clientCertificate.issuer}: ${report.clientCertificateAccepted ? "accepted" : `not accepted (${report.clientCertificateError})`}`
    : "no client certificate";
  return `cadesk echo: ${report.tlsVersion} ${report.cipher}, SNI ${report.serverName ?? "(none)"}, ${client}\r\n`;
}

/** The headers a hardened HTTPS endpoint sends, so the echo server is a model to copy. */
const SECURITY_HEADERS = [
  "Strict-Transport-Security: max-age=31536000",
  "X-Content-Type-Options: nosniff",
  "X-Frame-Options: DENY",
  "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'",
  "Referrer-Policy: no-referrer",
  "Cache-Control: no-store",
]
  .map((h) => h + "\r\n")
  .join("");

const HTTP_REQUEST = /^(GET|POST|HEAD|PUT|OPTIONS) \S+ HTTP\/1\.[01]\r?\n/;

export class EchoServer implements EchoListener {
  private server: tls.Server | null = null;
  private config: EchoTlsConfig | null = null;
  private readonly sockets = new Set<tls.TLSSocket>();
  private readonly ticketSecret: Buffer;
  private readonly reusePort: boolean;

  /**
   * `reusePort`: listen beside other listeners on the same port (lib/tls/listen.ts REUSE_PORT).
   * `ticketSecret`: what session tickets are encrypted under (with the settings' fingerprint);
   * servers given the same one resume each other's sessions (a cluster's workers). Default: a
   * random one for this server.
   */
  constructor(options: { ticketSecret?: Buffer; reusePort?: boolean } = {}) {
    this.ticketSecret = options.ticketSecret ?? randomBytes(32);
    this.reusePort = options.reusePort ?? false;
  }

  get listening(): boolean {
    return !!this.server?.listening;
  }

  get port(): number | null {
    const address = this.server?.address() as AddressInfo | null | undefined;
    return address?.port ?? null;
  }

  /** Starts listening (port 0 picks a free one). */
  async start(config: EchoTlsConfig, port: number, host = "0.0.0.0"): Promise<void> {
    if (this.server) throw new Error("echo server already started");
    const server = tls.createServer({ ...secureContextOptions(config), ALPNProtocols: ["http/1.1"] }, (socket) => this.handle(socket));
    this.server = server;
    installContext(server, config, this.ticketSecret);
    this.apply(config);
    // A client that fails the handshake (no or untrusted certificate) is logged by the client,
    // not by us: do not let it surface as an unhandled error.
    server.on("tlsClientError", () => undefined);
    await listen(server, port, host, { reusePort: this.reusePort });
  }

  /**
   * New certificate, client CAs or client-auth mode: for the next handshake on, with the
   * listener and every open connection untouched.
   */
  update(config: EchoTlsConfig): void {
    if (!this.server) throw new Error("echo server not started");
    installContext(this.server, config, this.ticketSecret);
    this.apply(config);
  }

  private apply(config: EchoTlsConfig): void {
    const server = this.server as tls.Server & { requestCert: boolean; rejectUnauthorized: boolean };
    // Read by Node for each new connection (tlsConnectionListener), so changing them is live.
    server.requestCert = config.clientAuth !== "none";
    server.rejectUnauthorized = config.clientAuth === "require";
    this.config = config;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
  }

  private handle(socket: tls.TLSSocket): void {
    this.sockets.add(socket);
    socket.on("close", () => this.sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    // Client-initiated renegotiation is a denial-of-service lever: refuse it.
    socket.disableRenegotiation();
    // The report is made when something is written, not at the handshake: a client that only
    // handshakes (openssl s_time, health checks) costs no parse of its certificate into an
    // X509Certificate (issue #13: that parse was the largest JS cost per connection).
    const clientAuth = this.config?.clientAuth ?? "none";
    let mode: "waiting" | "http" | "lines" = "waiting";
    let buffered = "";
    const startLines = () => {
      mode = "lines";
      socket.write(describe(reportFor(socket, clientAuth)));
    };
    const timer = setTimeout(() => mode === "waiting" && startLines(), 300);
    socket.on("data", (chunk: Buffer) => {
      if (mode === "lines") return void socket.write(chunk);
      buffered += chunk.toString("latin1");
      if (mode === "waiting" && !HTTP_REQUEST.test(buffered) && (buffered.includes("\n") || buffered.length > 64)) {
        clearTimeout(timer);
        startLines();
        socket.write(buffered);
        return;
      }
      if (HTTP_REQUEST.test(buffered)) mode = "http";
      if (mode === "http" && /\r?\n\r?\n/.test(buffered)) {
        clearTimeout(timer);
        const body = JSON.stringify(reportFor(socket, clientAuth), null, 2) + "\n";
        socket.end(
          `HTTP/1.1 200 OK\r\n${SECURITY_HEADERS}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
      }
    });
    socket.on("close", () => clearTimeout(timer));
  }
}
