/**
 * The validation authority (Boulder's "VA"): proves control of an identifier from the network,
 * the way the RFCs say, and reports what it tried in words a person can act on.
 * - http-01 (RFC 8555 8.3): GET http://{name}:80/.well-known/acme-challenge/{token}, following
 *   redirects to http/https on ports 80/443, body = key authorization.
 * - dns-01 (RFC 8555 8.4): TXT at _acme-challenge.{name} = base64url(SHA-256(key authorization)).
 * - tls-alpn-01 (RFC 8737): TLS to {name}:443 offering only "acme-tls/1"; the self-signed
 *   certificate names the identifier alone and carries the critical acmeIdentifier extension
 *   holding SHA-256(key authorization). IP identifiers (RFC 8738) use the reverse-mapping SNI.
 * Ports and resolver come from config (CADESK_ACME_HTTP_PORT, CADESK_ACME_TLS_PORT,
 * CADESK_ACME_DNS_SERVER) so tests on one machine can point them at loopback listeners.
 */
import { createHash } from "node:crypto";
import { lookup, Resolver } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import tls from "node:tls";
import { readConfig } from "../config";
import { x509 } from "../pki/crypto-provider";
import { AcmeProblem, type AcmeIdentifier } from "./problem";
import { EXTENSION } from "../pki/oids";

/** One thing the validator tried, stored in the challenge's transcript. */
export interface ValidationAttempt {
  at: string;
  type: string;
  /** What was contacted: a URL, address:port, or a DNS name. */
  target: string;
  outcome: "valid" | "invalid";
  detail: string;
}

export interface ValidationInput {
  type: string;
  identifier: AcmeIdentifier;
  token: string;
  keyAuthorization: string;
}

export interface ValidationResult {
  ok: boolean;
  attempts: ValidationAttempt[];
  /** Set when !ok: the problem stored on the challenge. */
  problem?: AcmeProblem;
}

/** Per network step; the whole validation is bounded by the caller's retries. */
const STEP_TIMEOUT_MS = 10_000;
const MAX_REDIRECTS = 10;
const MAX_BODY_BYTES = 64 * 1024;
/** RFC 8737 3: id-pe-acmeIdentifier. */
export const ACME_IDENTIFIER_OID = EXTENSION.acmeIdentifier;

class Failure extends Error {
  constructor(
    readonly problem: AcmeProblem,
    readonly target: string,
  ) {
    super(problem.detail);
  }
}

function fail(type: ConstructorParameters<typeof AcmeProblem>[0], detail: string, target: string, identifier: AcmeIdentifier): Failure {
  return new Failure(new AcmeProblem(type, detail, { identifier }), target);
}

export async function validate(input: ValidationInput, now = () => new Date()): Promise<ValidationResult> {
  const attempts: ValidationAttempt[] = [];
  const record = (target: string, outcome: "valid" | "invalid", detail: string) =>
    attempts.push({ at: now().toISOString(), type: input.type, target, outcome, detail });
  try {
    if (input.type === "http-01") await validateHttp01(input, record);
    else if (input.type === "dns-01") await validateDns01(input, record);
    else if (input.type === "tls-alpn-01") await validateTlsAlpn01(input, record);
    else throw fail("malformed", `Unknown challenge type ${input.type}.`, input.identifier.value, input.identifier);
    return { ok: true, attempts };
  } catch (error) {
    if (!(error instanceof Failure)) throw error;
    record(error.target, "invalid", error.problem.detail);
    return { ok: false, attempts, problem: error.problem };
  }
}

type Record_ = (target: string, outcome: "valid" | "invalid", detail: string) => void;

function resolver(): { resolver: Resolver | null; label: string } {
  const server = readConfig().CADESK_ACME_DNS_SERVER;
  if (!server) return { resolver: null, label: "the system resolver" };
  const r = new Resolver({ timeout: 3000, tries: 2 });
  r.setServers([server]);
  return { resolver: r, label: `the resolver ${server}` };
}

function dnsError(error: unknown, name: string, rrtype: string, label: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOTFOUND" || code === "ENODATA") {
    return code === "ENODATA"
      ? `${name} has no ${rrtype} record (asked ${label}): add one, or check the name for typos.`
      : `${name} does not exist in DNS (NXDOMAIN from ${label}): create the record, or check the name for typos.`;
  }
  if (code === "ETIMEOUT" || code === "ECONNREFUSED")
    return `${label} did not answer for ${name} (${rrtype}): is the DNS server reachable?`;
  if (code === "ESERVFAIL") return `${label} failed to resolve ${name} (SERVFAIL): the zone's name servers may be broken or unreachable.`;
  return `looking up ${rrtype} for ${name} with ${label} failed: ${code ?? String(error)}.`;
}

/** The addresses to connect to for an identifier: the IP itself, or the name's A and AAAA records. */
async function addressesFor(identifier: AcmeIdentifier, host = identifier.value): Promise<string[]> {
  if (isIP(host)) return [host];
  const { resolver: r, label } = resolver();
  if (!r) {
    try {
      const found = await lookup(host, { all: true, verbatim: true });
      return [...found.filter((a) => a.family === 4), ...found.filter((a) => a.family === 6)].map((a) => a.address);
    } catch (error) {
      throw fail("dns", dnsError(error, host, "A/AAAA", label), host, identifier);
    }
  }
  const [v4, v6] = await Promise.allSettled([r.resolve4(host), r.resolve6(host)]);
  const all = [...(v4.status === "fulfilled" ? v4.value : []), ...(v6.status === "fulfilled" ? v6.value : [])];
  if (all.length === 0) {
    const reason = v4.status === "rejected" ? v4.reason : v6.status === "rejected" ? v6.reason : { code: "ENODATA" };
    throw fail("dns", dnsError(reason, host, "A/AAAA", label), host, identifier);
  }
  return all;
}

function hostPort(address: string, port: number): string {
  return isIP(address) === 6 ? `[${address}]:${port}` : `${address}:${port}`;
}

function connectError(error: unknown, address: string, port: number, what: string, identifier: AcmeIdentifier): Failure {
  const code = (error as NodeJS.ErrnoException).code;
  const target = hostPort(address, port);
  if (code === "ECONNREFUSED") {
    return fail(
      "connection",
      `connection refused by ${target}: is port ${port} open on the host, and is ${what} listening?`,
      target,
      identifier,
    );
  }
  if (code === "ETIMEDOUT" || code === "TIMEOUT") {
    return fail(
      "connection",
      `no answer from ${target} within ${STEP_TIMEOUT_MS / 1000} s: a firewall may drop traffic to port ${port}.`,
      target,
      identifier,
    );
  }
  if (code === "ECONNRESET") return fail("connection", `${target} closed the connection (reset) before answering.`, target, identifier);
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH")
    return fail("connection", `${target} is unreachable from cadesk (no route).`, target, identifier);
  return fail("connection", `connecting to ${target} failed: ${(error as Error).message}.`, target, identifier);
}

// --- http-01 -----------------------------------------------------------------------------------

interface HttpAnswer {
  status: number;
  location?: string;
  body: string;
}

function httpGet(address: string, port: number, hostHeader: string, path: string, secure: boolean): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const options = {
      host: address,
      port,
      path,
      method: "GET",
      headers: { Host: hostHeader, "User-Agent": "cadesk-acme-va", Accept: "*/*", Connection: "close" },
      timeout: STEP_TIMEOUT_MS,
    };
    const onResponse = (res: http.IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => {
        size += c.length;
        if (size <= MAX_BODY_BYTES) chunks.push(c);
        else res.destroy();
      });
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, location: res.headers.location, body: Buffer.concat(chunks).toString("utf8") }),
      );
      res.on("error", reject);
    };
    // Redirects to https are followed without checking the certificate, as Let's Encrypt does:
    // http-01 proves control of the web server, not its TLS set-up.
    const req = secure
      ? https.request({ ...options, rejectUnauthorized: false, servername: isIP(hostHeader) ? undefined : hostHeader }, onResponse)
      : http.request(options, onResponse);
    req.on("timeout", () => req.destroy(Object.assign(new Error("timeout"), { code: "TIMEOUT" })));
    req.on("error", reject);
    req.end();
  });
}

async function validateHttp01(input: ValidationInput, record: Record_): Promise<void> {
  const { identifier, token, keyAuthorization } = input;
  const config = { httpPort: readConfig().CADESK_ACME_HTTP_PORT, tlsPort: readConfig().CADESK_ACME_TLS_PORT };
  const hostLiteral = isIP(identifier.value) === 6 ? `[${identifier.value}]` : identifier.value;
  let url = new URL(`http://${hostLiteral}/.well-known/acme-challenge/${token}`);
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const secure = url.protocol === "https:";
    const defaultPort = secure ? 443 : 80;
    const urlPort = url.port ? Number(url.port) : defaultPort;
    // The knobs stand in for 80 and 443, wherever a redirect leads.
    const port = urlPort === 80 ? config.httpPort : urlPort === 443 ? config.tlsPort : urlPort;
    const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
    const addresses = await addressesFor(identifier, host);
    let answer: HttpAnswer | undefined;
    let lastError: Failure | undefined;
    for (const address of addresses) {
      try {
        answer = await httpGet(address, port, url.host.replace(/:\d+$/, ""), url.pathname + url.search, secure);
        break;
      } catch (error) {
        lastError = connectError(error, address, port, `the ACME client's ${secure ? "HTTPS" : "HTTP"} server`, identifier);
        if (address !== addresses.at(-1)) record(`${url.href} (${hostPort(address, port)})`, "invalid", lastError.problem.detail);
      }
    }
    if (!answer) throw lastError!;
    const shown = `${url.href}`;
    if ([301, 302, 303, 307, 308].includes(answer.status) && answer.location) {
      let next: URL;
      try {
        next = new URL(answer.location, url);
      } catch {
        throw fail("connection", `${shown} redirected to "${answer.location.slice(0, 200)}", which is not a URL.`, shown, identifier);
      }
      if (!/^https?:$/.test(next.protocol)) {
        throw fail(
          "connection",
          `${shown} redirected to ${next.protocol} URL; only http and https are followed (RFC 8555 8.3).`,
          shown,
          identifier,
        );
      }
      const nextPort = next.port ? Number(next.port) : next.protocol === "https:" ? 443 : 80;
      if (nextPort !== 80 && nextPort !== 443) {
        throw fail(
          "connection",
          `${shown} redirected to port ${nextPort}; redirects are followed only to ports 80 and 443.`,
          shown,
          identifier,
        );
      }
      record(`${shown} (port ${port})`, "valid", `HTTP ${answer.status}: redirected to ${next.href}`);
      url = next;
      continue;
    }
    if (answer.status !== 200) {
      throw fail(
        "unauthorized",
        `${shown} (port ${port}) answered HTTP ${answer.status}${answer.status === 404 ? " Not Found" : ""}: the ACME client must serve the key authorization at that path.`,
        shown,
        identifier,
      );
    }
    const body = answer.body.replace(/\s+$/, "");
    if (body !== keyAuthorization) {
      const got = body.length > 80 ? body.slice(0, 80) + "…" : body;
      throw fail(
        "incorrectResponse",
        `${shown} answered "${got}" but the key authorization "${keyAuthorization}" was expected: is another server answering, or was this file written for another order?`,
        shown,
        identifier,
      );
    }
    record(`${shown} (port ${port})`, "valid", "HTTP 200 with the expected key authorization");
    return;
  }
  throw fail(
    "connection",
    `More than ${MAX_REDIRECTS} redirects from http://${hostLiteral}/.well-known/acme-challenge/: a redirect loop?`,
    identifier.value,
    identifier,
  );
}

// --- dns-01 ------------------------------------------------------------------------------------

/** The TXT value a dns-01 challenge expects (RFC 8555 8.4). */
export function dns01Digest(keyAuthorization: string): string {
  return createHash("sha256").update(keyAuthorization).digest("base64url");
}

async function validateDns01(input: ValidationInput, record: Record_): Promise<void> {
  const { identifier } = input;
  const name = `_acme-challenge.${identifier.value}`;
  const expected = dns01Digest(input.keyAuthorization);
  const { resolver: r, label } = resolver();
  let records: string[][];
  try {
    records = await (r ?? new Resolver({ timeout: 3000, tries: 2 })).resolveTxt(name);
  } catch (error) {
    throw fail("dns", `No TXT record for ${name}: ${dnsError(error, name, "TXT", label)}`, name, identifier);
  }
  const values = records.map((chunks) => chunks.join(""));
  if (values.includes(expected)) {
    record(name, "valid", `TXT record found with the expected value (asked ${label})`);
    return;
  }
  const shown = values.map((v) => `"${v.length > 60 ? v.slice(0, 60) + "…" : v}"`).join(", ");
  throw fail(
    "incorrectResponse",
    values.length === 0
      ? `${name} has no TXT record (asked ${label}): the ACME client (or its DNS plugin) must publish "${expected}".`
      : `TXT record found at ${name} but it holds a different token (${shown}); expected "${expected}". An old record, or the wrong zone?`,
    name,
    identifier,
  );
}

// --- tls-alpn-01 -------------------------------------------------------------------------------

/** RFC 8738 6: the SNI for an IP identifier is its reverse-mapping name (in-addr.arpa / ip6.arpa). */
export function reverseName(ip: string): string {
  if (isIP(ip) === 4) return ip.split(".").reverse().join(".") + ".in-addr.arpa";
  const full = new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  const [head = "", tail = ""] = full.split("::");
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = full.includes("::") ? [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t] : h;
  return (
    groups
      .map((g) => g.padStart(4, "0"))
      .join("")
      .split("")
      .reverse()
      .join(".") + ".ip6.arpa"
  );
}

function tlsConnect(address: string, port: number, servername: string): Promise<{ alpn: string | false; der: Buffer | undefined }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: address,
      port,
      servername,
      ALPNProtocols: ["acme-tls/1"],
      // The challenge certificate is self-signed by design (RFC 8737 3); what it says is checked below.
      rejectUnauthorized: false,
      timeout: STEP_TIMEOUT_MS,
    });
    socket.once("secureConnect", () => {
      const peer = socket.getPeerCertificate();
      resolve({ alpn: socket.alpnProtocol ?? false, der: peer && peer.raw ? Buffer.from(peer.raw) : undefined });
      socket.end();
    });
    socket.once("timeout", () => socket.destroy(Object.assign(new Error("timeout"), { code: "TIMEOUT" })));
    socket.once("error", reject);
  });
}

async function validateTlsAlpn01(input: ValidationInput, record: Record_): Promise<void> {
  const { identifier } = input;
  const port = readConfig().CADESK_ACME_TLS_PORT;
  const servername = identifier.type === "ip" ? reverseName(identifier.value) : identifier.value;
  const addresses = await addressesFor(identifier);
  let answer: { alpn: string | false; der: Buffer | undefined } | undefined;
  let lastError: Failure | undefined;
  let target = "";
  for (const address of addresses) {
    target = hostPort(address, port);
    try {
      answer = await tlsConnect(address, port, servername);
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "";
      const message = (error as Error).message;
      lastError = /no application protocol/i.test(message)
        ? // RFC 7301 3.2: a server that speaks none of the offered protocols answers this alert.
          fail(
            "tls",
            `${target} did not negotiate the acme-tls/1 protocol (it answered the TLS alert no_application_protocol): a regular TLS server answered, not the ACME client's challenge responder.`,
            target,
            identifier,
          )
        : code.startsWith("ERR_SSL") || /alert|handshake|protocol/i.test(message)
          ? fail(
              "tls",
              `The TLS handshake with ${target} (SNI ${servername}, ALPN acme-tls/1) failed: ${(error as Error).message}. Does the client's server speak acme-tls/1?`,
              target,
              identifier,
            )
          : connectError(error, address, port, "the ACME client's tls-alpn-01 server", identifier);
      if (address !== addresses.at(-1)) record(target, "invalid", lastError.problem.detail);
    }
  }
  if (!answer) throw lastError!;
  if (answer.alpn !== "acme-tls/1") {
    throw fail(
      "tls",
      `${target} did not negotiate the acme-tls/1 protocol (ALPN ${answer.alpn || "none"}): a regular web server answered, not the ACME client's challenge responder.`,
      target,
      identifier,
    );
  }
  if (!answer.der) throw fail("tls", `${target} sent no certificate.`, target, identifier);
  let certificate: x509.X509Certificate;
  try {
    certificate = new x509.X509Certificate(new Uint8Array(answer.der));
  } catch {
    throw fail("tls", `The certificate from ${target} could not be parsed.`, target, identifier);
  }
  const san = certificate.getExtension(x509.SubjectAlternativeNameExtension);
  const names = san?.names.items.map((n) => `${n.type}:${n.value}`) ?? [];
  const wanted = `${identifier.type}:${identifier.value}`;
  const got = names.map((n) => (n.startsWith("ip:") ? "ip:" + canonicalIp(n.slice(3)) : n.toLowerCase()));
  if (got.length !== 1 || got[0] !== wanted) {
    throw fail(
      "unauthorized",
      `The tls-alpn-01 certificate from ${target} must name exactly ${identifier.value} in its SAN (RFC 8737 3), but names ${names.join(", ") || "nothing"}.`,
      target,
      identifier,
    );
  }
  const ext = certificate.extensions.find((e) => e.type === ACME_IDENTIFIER_OID);
  if (!ext) {
    throw fail(
      "unauthorized",
      `The certificate for tls-alpn-01 from ${target} lacks the acmeIdentifier extension (${ACME_IDENTIFIER_OID}).`,
      target,
      identifier,
    );
  }
  if (!ext.critical) {
    throw fail(
      "unauthorized",
      `The acmeIdentifier extension in the certificate from ${target} must be critical (RFC 8737 3).`,
      target,
      identifier,
    );
  }
  const digest = createHash("sha256").update(input.keyAuthorization).digest();
  const expected = Buffer.concat([Buffer.from([0x04, 0x20]), digest]);
  if (!Buffer.from(ext.value).equals(expected)) {
    throw fail(
      "incorrectResponse",
      `The acmeIdentifier extension from ${target} holds a different digest than SHA-256 of this challenge's key authorization: a certificate left from another order?`,
      target,
      identifier,
    );
  }
  record(target, "valid", `acme-tls/1 negotiated; the certificate names ${identifier.value} and carries the expected acmeIdentifier`);
}

function canonicalIp(value: string): string {
  return isIP(value) === 6 ? new URL(`http://[${value}]/`).hostname.slice(1, -1) : value;
}
