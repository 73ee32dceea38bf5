/**
 * The connection doctor: a real TLS handshake from the server to any host:port, with a
 * step-by-step transcript, and a failure named and explained the way people meet it ("certificate
 * signed by unknown authority", "bad certificate" ...) with the fix.
 */
import { createPrivateKey, createPublicKey, X509Certificate } from "node:crypto";
import net from "node:net";
import tls from "node:tls";
import { oneLine } from "../pki/inspect/verify-chain";
import { certificateText } from "../pki/text/certificate";
import { EKU } from "../pki/oids";
import type { RevocationStatus, VerifyMode } from "../verify";
import { checkServerChain } from "./doctor-chain";

export type DoctorCode =
  | "CONNECTION_REFUSED"
  | "TIMEOUT"
  | "UNKNOWN_AUTHORITY"
  | "MISSING_INTERMEDIATE"
  | "HOSTNAME_MISMATCH"
  | "CERT_EXPIRED"
  | "CERT_NOT_YET_VALID"
  | "SERVER_CERT_WRONG_USAGE"
  | "CLIENT_CERT_REQUIRED"
  | "CLIENT_CERT_REJECTED"
  | "CLIENT_CERT_WRONG_USAGE"
  | "CLIENT_KEY_MISMATCH"
  | "PROTOCOL_MISMATCH"
  // The validator's refusals (lib/verify), named as Inspect names them:
  | "KEY_USAGE"
  | "NOT_A_CA"
  | "PATH_LENGTH"
  | "CHAIN_TOO_LONG"
  | "NAME_CONSTRAINT_VIOLATION"
  | "UNKNOWN_CRITICAL_EXTENSION"
  | "BAD_SIGNATURE"
  | "WEAK_KEY"
  | "WEAK_SIGNATURE"
  | "MALFORMED_CERTIFICATE"
  | "MISSING_KEY_IDENTIFIER"
  | "POLICY"
  | "REVOKED"
  | "REVOCATION_UNKNOWN"
  | "WEBPKI_RULE";

export interface DoctorStep {
  title: string;
  ok: boolean;
  detail: string;
}

export interface DoctorInput {
  host: string;
  port: number;
  /** The name to send as SNI and check the certificate against (default: host). */
  serverName?: string;
  /** Trust anchors (PEM) and how to call them, or the system roots. */
  trust: { pems: string[]; label: string; file: string } | "system";
  client?: { certificatePem: string; keyPem: string; file: string };
  /** Intermediates cadesk knows: one the server did not send is named as the missing intermediate. */
  storeIntermediates?: { der: Uint8Array; name: string }[];
  /** cadesk's revocation state for its own certificates, by SHA-256 fingerprint. */
  revocationFor?: (sha256s: string[]) => Promise<Map<string, RevocationStatus>>;
  /** How an AIA caIssuers URL is fetched (tests pass their own). */
  fetchIssuer?: (url: string) => Promise<Uint8Array | undefined>;
  /** Private-CA rules (default) or WebPKI-strict. */
  mode?: VerifyMode;
  timeoutMs?: number;
  now?: Date;
}

export interface DoctorResult {
  ok: boolean;
  code?: DoctorCode;
  /** The chain verdict's rules: private-CA (CA/Browser Forum rules as warnings) or WebPKI-strict. */
  mode: VerifyMode;
  explanation?: string;
  steps: DoctorStep[];
  /** Each certificate summarised, with its `openssl x509 -text` view. */
  serverChain: { subject: string; issuer: string; validTo: string; fingerprintSha256: string; text: string }[];
  reply?: string;
  commands: { curl: string; openssl: string; go: string };
}

const CLIENT_AUTH = EKU.clientAuth;
function isSelfSignedPem(pem: string): boolean {
  try {
    const cert = new X509Certificate(pem);
    return cert.checkIssued(cert);
  } catch {
    return true;
  }
}

export function commandsFor(input: DoctorInput): DoctorResult["commands"] {
  const name = input.serverName || input.host;
  const caFile = input.trust === "system" ? null : input.trust.file;
  const key = input.client?.file.replace(/\.fullchain\.pem$/, ".key.pem");
  const resolve = name !== input.host ? ` --resolve ${name}:${input.port}:${input.host}` : "";
  const curl = `curl -v${caFile ? ` --cacert ${caFile}` : ""}${input.client ? ` --cert ${input.client.file} --key ${key}` : ""}${resolve} https://${name}:${input.port}/`;
  // An IP address is checked with -verify_ip (-verify_hostname never matches an iPAddress SAN) and
  // is not sent as SNI (RFC 6066 3: literal IP addresses are not permitted in server_name).
  const ip = net.isIP(name.replace(/^\[|\]$/g, "")) !== 0;
  const sni = ip ? " -noservername" : ` -servername ${name}`;
  const check = ip ? ` -verify_ip ${name.replace(/^\[|\]$/g, "")}` : ` -verify_hostname ${name}`;
  // OpenSSL only ends a chain at a self-signed anchor unless told otherwise; curl and Go accept an
  // intermediate as anchor, and so must this command when the trust file is one.
  const partial = input.trust !== "system" && input.trust.pems.some((pem) => !isSelfSignedPem(pem)) ? " -partial_chain" : "";
  const openssl = `openssl s_client -connect ${input.host}:${input.port}${sni}${caFile ? ` -CAfile ${caFile}${partial}` : ""}${input.client ? ` -cert ${input.client.file} -key ${key}` : ""}${check} -verify_return_error`;
  const go = [
    caFile
      ? `caPEM, _ := os.ReadFile("${caFile}")\nroots := x509.NewCertPool()\nroots.AppendCertsFromPEM(caPEM)`
      : "roots, _ := x509.SystemCertPool()",
    input.client ? `cert, err := tls.LoadX509KeyPair("${input.client.file}", "${key}")\nif err != nil {\n\tlog.Fatal(err)\n}` : "",
    `conn, err := tls.Dial("tcp", "${input.host}:${input.port}", &tls.Config{\n\tRootCAs:    roots,${input.client ? "\n\tCertificates: []tls.Certificate{cert}," : ""}\n\tServerName: "${name}",\n\tMinVersion: tls.VersionTLS12,\n})`,
  ]
    .filter(Boolean)
    .join("\n");
  return { curl, openssl, go };
}

function connectTcp(host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(Object.assign(new Error("timeout"), { code: "ETIMEDOUT" }));
    }, timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

interface Handshake {
  socket?: tls.TLSSocket;
  /** Read at secureConnect: a closed socket forgets them. */
  negotiated?: { protocol: string; cipher: string; alpn: string | false | null; chain: X509Certificate[] };
  error?: Error;
  reply: string;
  closedWithoutReply: boolean;
  timedOut: boolean;
}

/** Handshake, then one HTTP request; collects the reply or the error the server answered with. */
function handshake(raw: net.Socket, input: DoctorInput, timeoutMs: number): Promise<Handshake> {
  return new Promise((resolve) => {
    const name = input.serverName || input.host;
    const result: Handshake = { reply: "", closedWithoutReply: false, timedOut: false };
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const timer = setTimeout(() => {
      result.timedOut = !result.socket;
      socket.destroy();
      finish();
    }, timeoutMs);
    const socket = tls.connect({
      socket: raw,
      servername: net.isIP(name) ? undefined : name,
      rejectUnauthorized: false, // we verify ourselves, to explain what is wrong
      ca: input.trust === "system" ? undefined : input.trust.pems,
      cert: input.client?.certificatePem,
      key: input.client?.keyPem,
      minVersion: "TLSv1.2",
    });
    socket.once("secureConnect", () => {
      result.socket = socket;
      const chain: X509Certificate[] = [];
      let peer = socket.getPeerCertificate(true) as tls.DetailedPeerCertificate | undefined;
      while (peer?.raw && !chain.some((c) => c.raw.equals(peer!.raw))) {
        chain.push(new X509Certificate(peer.raw));
        peer = peer.issuerCertificate;
      }
      result.negotiated = {
        protocol: socket.getProtocol() ?? "?",
        cipher: socket.getCipher()?.name ?? "?",
        alpn: socket.alpnProtocol,
        chain,
      };
      socket.write(`GET / HTTP/1.1\r\nHost: ${name}\r\nUser-Agent: cadesk-connection-doctor\r\nConnection: close\r\n\r\n`);
    });
    socket.on("data", (chunk: Buffer) => {
      if (result.reply.length < 65_536) result.reply += chunk.toString("utf8");
    });
    socket.on("error", (error) => {
      result.error = error;
      finish();
    });
    socket.on("close", () => {
      result.closedWithoutReply = !!result.socket && result.reply === "";
      finish();
    });
  });
}

const REJECTION = /bad certificate|unknown ca|certificate unknown|unsupported certificate|certificate revoked|decrypt error|access denied/i;
const REQUIRED = /certificate required|handshake failure/i;
const PROTOCOL =
  /wrong version number|unsupported protocol|no protocols available|version too low|protocol version|packet length too long|unexpected eof while reading/i;

export async function diagnose(input: DoctorInput): Promise<DoctorResult> {
  const now = input.now ?? new Date();
  const timeoutMs = input.timeoutMs ?? 5000;
  const name = input.serverName || input.host;
  const steps: DoctorStep[] = [];
  const commands = commandsFor(input);
  const result = (code: DoctorCode | undefined, explanation: string | undefined, extra: Partial<DoctorResult> = {}): DoctorResult => ({
    ok: !code,
    code,
    mode: input.mode ?? "private",
    explanation,
    steps,
    serverChain: [],
    commands,
    ...extra,
  });

  // Before the network: a client key that does not belong to its certificate can only fail.
  let clientEkus: string[] | undefined;
  if (input.client) {
    const cert = new X509Certificate(input.client.certificatePem);
    clientEkus = cert.keyUsage;
    let matches = false;
    try {
      matches = createPublicKey(createPrivateKey(input.client.keyPem))
        .export({ type: "spki", format: "der" })
        .equals(cert.publicKey.export({ type: "spki", format: "der" }));
    } catch {
      matches = false;
    }
    if (!matches) {
      steps.push({ title: "Client certificate and key", ok: false, detail: "The private key does not belong to the client certificate." });
      return result(
        "CLIENT_KEY_MISMATCH",
        `The private key given for "${oneLine(cert.subject)}" is not that certificate's key ("key values mismatch"): TLS cannot use the pair. Use the key file downloaded with this certificate.`,
      );
    }
  }

  let raw: net.Socket;
  try {
    raw = await connectTcp(input.host, input.port, timeoutMs);
    steps.push({ title: "TCP connect", ok: true, detail: `Connected to ${input.host}:${input.port}.` });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    steps.push({ title: "TCP connect", ok: false, detail: String((error as Error).message) });
    if (code === "ETIMEDOUT")
      return result(
        "TIMEOUT",
        `No answer from ${input.host}:${input.port} within ${timeoutMs / 1000} s: a firewall drops the packets, or the address is wrong.`,
      );
    if (code === "ENOTFOUND" || code === "EAI_AGAIN")
      return result("CONNECTION_REFUSED", `The host name "${input.host}" does not resolve: check its spelling and DNS.`);
    return result(
      "CONNECTION_REFUSED",
      `Nothing listens on ${input.host}:${input.port} ("connection refused"): the port is wrong or the service is not running.`,
    );
  }

  const hs = await handshake(raw, input, timeoutMs);
  const socket = hs.socket;
  const errorText = hs.error ? String(hs.error.message) : "";
  if (!socket && hs.timedOut) {
    steps.push({ title: "TLS handshake", ok: false, detail: `No TLS answer within ${timeoutMs / 1000} s.` });
    return result(
      "TIMEOUT",
      `${input.host}:${input.port} accepted the connection but never answered the TLS handshake: the service may expect plain text first, or be stuck.`,
    );
  }
  if (!socket) {
    steps.push({ title: "TLS handshake", ok: false, detail: errorText || "The server closed the connection during the handshake." });
    if (PROTOCOL.test(errorText) || !errorText) {
      return result(
        "PROTOCOL_MISMATCH",
        `The TLS handshake failed before any certificate was exchanged (${errorText || "connection closed"}): the port may not speak TLS at all (plain HTTP?), or the server only offers TLS versions older than 1.2.`,
      );
    }
    if (REQUIRED.test(errorText) && !input.client)
      return result(
        "CLIENT_CERT_REQUIRED",
        "The server requires a client certificate and none was sent (mTLS). Pick a client certificate issued by a CA the server trusts.",
      );
    if (REJECTION.test(errorText)) return rejected();
    return result("PROTOCOL_MISMATCH", `The TLS handshake failed: ${errorText}.`);
  }

  const { protocol, cipher, alpn, chain } = hs.negotiated!;
  steps.push({ title: "TLS handshake", ok: true, detail: `${protocol}, ${cipher}${alpn ? `, ALPN ${alpn}` : ""}.` });
  const serverChain = chain.map((c) => ({
    subject: oneLine(c.subject),
    issuer: oneLine(c.issuer),
    validTo: c.validTo,
    fingerprintSha256: c.fingerprint256,
    text: certificateText(new Uint8Array(c.raw)),
  }));
  // Node completes the peer chain from the trusted CAs, so a root may appear that was not sent.
  steps.push({
    title: "Server's certificate chain",
    ok: chain.length > 0,
    detail: serverChain.map((c) => c.subject).join(" ← ") || "(none)",
  });
  socket.destroy();

  const check = await checkServerChain({
    sent: chain.map((c) => new Uint8Array(c.raw)),
    trust: input.trust,
    serverName: name,
    now,
    mode: input.mode,
    storeIntermediates: input.storeIntermediates,
    revocationFor: input.revocationFor,
    fetchIssuer: input.fetchIssuer,
  });
  steps.push({ title: "Chain verification and host name", ok: check.ok, detail: check.detail });
  if (!check.ok) return result(check.code as DoctorCode, check.explanation, { serverChain });

  // The client side: a refusal arrives as an alert, or (Node servers) as a close with no reply.
  if (hs.error && REJECTION.test(errorText)) return rejected(serverChain);
  if (hs.error && REQUIRED.test(errorText)) return clientRequired(serverChain);
  if (hs.closedWithoutReply) return input.client ? rejected(serverChain) : clientRequired(serverChain);
  steps.push({
    title: "Client certificate",
    ok: true,
    detail: input.client ? "Sent, and the server went on to answer." : "None sent; the server did not require one.",
  });

  let reply = hs.reply;
  const json = reply.slice(reply.indexOf("\r\n\r\n") + 4);
  try {
    const report = JSON.parse(json);
    if ("clientCertificateAccepted" in report) {
      reply = json;
      if (report.clientCertificate && !report.clientCertificateAccepted) {
        steps.push({
          title: "Echo server's verdict",
          ok: false,
          detail: `The client certificate was received but not trusted (${report.clientCertificateError}); the echo server only reports it in "request" mode.`,
        });
      } else {
        steps.push({
          title: "Echo server's verdict",
          ok: true,
          detail: report.clientCertificate ? `Client certificate ${report.clientCertificate.subject} accepted.` : "No client certificate.",
        });
      }
    }
  } catch {
    // not the echo server: show the reply as it came
  }
  // The status line (or first line of a non-HTTP answer), not the first line of a JSON body ("{").
  const firstLine = hs.reply.split("\n")[0]?.trim();
  steps.push({
    title: "Reply",
    ok: true,
    detail: firstLine ? (reply !== hs.reply ? `${firstLine}, with the echo server's JSON report (below)` : firstLine) : "(empty)",
  });
  return result(undefined, undefined, { serverChain, reply });

  function rejected(chainSummary: DoctorResult["serverChain"] = []): DoctorResult {
    steps.push({
      title: "Client certificate",
      ok: false,
      detail: errorText || "The server closed the connection right after the handshake without answering.",
    });
    if (clientEkus && !clientEkus.includes(CLIENT_AUTH) && !clientEkus.includes(EKU.any)) {
      return result(
        "CLIENT_CERT_WRONG_USAGE",
        "The server refused the client certificate: it lacks the clientAuth extended key usage, so TLS servers will not accept it for mTLS. Issue it with the TLS client or server+client profile.",
        { serverChain: chainSummary },
      );
    }
    return result(
      "CLIENT_CERT_REJECTED",
      `The server refused the client certificate ("remote error: tls: bad certificate"): it does not chain to a CA the server trusts for clients, or it is expired. Use a certificate from the CA in the server's client-CA list, or add its CA there.`,
      { serverChain: chainSummary },
    );
  }

  function clientRequired(chainSummary: DoctorResult["serverChain"]): DoctorResult {
    steps.push({ title: "Client certificate", ok: false, detail: errorText || "None sent, and the server closed the connection." });
    return result(
      "CLIENT_CERT_REQUIRED",
      "The server requires a client certificate and none was sent (mTLS). Pick a client certificate issued by a CA the server trusts.",
      { serverChain: chainSummary },
    );
  }
}
