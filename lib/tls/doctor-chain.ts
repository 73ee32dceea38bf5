/**
 * The connection doctor's chain check: the server's certificates through the same validator as
 * Inspect (lib/verify). The most common misconfiguration in the field is a server that sends its
 * own certificate without the intermediate (nginx pointed at cert.pem instead of fullchain.pem):
 * when the chain stops at a leaf whose issuer is no trust anchor, the doctor names the missing
 * issuer, looks for it in cadesk's store and at the leaf's AIA caIssuers URL (RFC 5280 4.2.2.1),
 * and says MISSING_INTERMEDIATE with the fix.
 */
import { createHash, X509Certificate } from "node:crypto";
import tls from "node:tls";
import { detectObjects } from "../pki/inspect/detect";
import { parsePemBlocks } from "../pki/pem";
import {
  verifyChain,
  type AnchorInput,
  type IntermediateInput,
  type RevocationStatus,
  type Verdict,
  type VerifyCode,
  type VerifyMode,
} from "../verify";

/** Doctor codes that are named differently from the validator's. */
const DOCTOR_NAMES: Partial<Record<VerifyCode, string>> = {
  EXPIRED: "CERT_EXPIRED",
  NOT_YET_VALID: "CERT_NOT_YET_VALID",
  WRONG_USAGE: "SERVER_CERT_WRONG_USAGE",
  KEY_USAGE: "SERVER_CERT_WRONG_USAGE",
};

export interface ChainCheckInput {
  /** What the server sent, leaf first (DER). */
  sent: Uint8Array[];
  trust: { pems: string[]; label: string } | "system";
  serverName: string;
  now: Date;
  mode?: VerifyMode;
  /** cadesk's intermediate CAs, to name (and confirm) one the server did not send. */
  storeIntermediates?: { der: Uint8Array; name: string }[];
  /** cadesk's revocation state for these SHA-256 fingerprints. */
  revocationFor?: (sha256s: string[]) => Promise<Map<string, RevocationStatus>>;
  /** Fetches an AIA caIssuers URL (default: fetchCaIssuers, http only, 3 s, 64 KiB); undefined when it fails. */
  fetchIssuer?: (url: string) => Promise<Uint8Array | undefined>;
}

export interface ChainCheck {
  ok: boolean;
  /** A DoctorCode ("CERT_EXPIRED", "MISSING_INTERMEDIATE", "NAME_CONSTRAINT_VIOLATION" ...). */
  code?: string;
  explanation: string;
  /** The step's detail line. */
  detail: string;
  verdict: Verdict;
}

/** A caIssuers answer is one certificate or a small PKCS#7 bundle (RFC 5280 4.2.2.1): more is not one. */
export const CA_ISSUERS_MAX_BYTES = 64 * 1024;
const CA_ISSUERS_TIMEOUT_MS = 3000;
const CA_ISSUERS_REDIRECTS = 3;

/**
 * GETs an AIA caIssuers URL: plain http only (caIssuers is HTTP by design, RFC 5280 4.2.2.1, and
 * fetching over TLS would need the very chain being checked), a few http redirects, one deadline
 * for the whole exchange, and the body read no further than `maxBytes`. Undefined when any of it fails.
 */
export async function fetchCaIssuers(
  url: string,
  { timeoutMs = CA_ISSUERS_TIMEOUT_MS, maxBytes = CA_ISSUERS_MAX_BYTES } = {},
): Promise<Uint8Array | undefined> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    let target = url;
    for (let hop = 0; hop <= CA_ISSUERS_REDIRECTS; hop++) {
      if (!/^http:\/\//i.test(target)) return undefined;
      const response = await fetch(target, { signal, redirect: "manual" });
      const location = response.headers.get("location");
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel();
        target = new URL(location, target).href;
        continue;
      }
      if (!response.ok || !response.body) return undefined;
      if (Number(response.headers.get("content-length") ?? 0) > maxBytes) {
        await response.body.cancel();
        return undefined;
      }
      const parts: Uint8Array[] = [];
      let size = 0;
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return new Uint8Array(Buffer.concat(parts));
        size += value.length;
        if (size > maxBytes) {
          await reader.cancel();
          return undefined;
        }
        parts.push(value);
      }
    }
    return undefined;
  } catch {
    return undefined;
  }
}

/** Certificates in a caIssuers response: DER, PEM or a PKCS#7 "certs-only" bundle. */
function certificatesIn(body: Uint8Array): Uint8Array[] {
  try {
    return detectObjects(body)
      .objects.filter((o) => o.kind === "certificate")
      .map((o) => o.der);
  } catch {
    return [];
  }
}

/** Verifies the server's chain for `serverName` as a TLS client would, and names what is wrong. */
export async function checkServerChain(input: ChainCheckInput): Promise<ChainCheck> {
  const anchors: AnchorInput[] =
    input.trust === "system"
      ? tls.rootCertificates.map((pem) => ({ der: new Uint8Array(new X509Certificate(pem).raw), name: "the system roots" }))
      : input.trust.pems.flatMap((pem) =>
          parsePemBlocks(pem)
            .filter((b) => b.label === "CERTIFICATE")
            .map((b) => ({ der: b.der, name: (input.trust as { label: string }).label })),
        );
  const store: IntermediateInput[] = (input.storeIntermediates ?? []).map((i) => ({
    der: i.der,
    source: `cadesk's store (CA "${i.name}")`,
    supplied: false,
  }));
  const revoked = await input.revocationFor?.([...input.sent, ...store.map((i) => i.der)].map(sha256));
  const run = (extra: IntermediateInput[]) =>
    verifyChain({
      leaf: input.sent[0]!,
      // Only what the server sent counts as supplied: a self-signed root it sent is no anchor.
      intermediates: [...input.sent.slice(1).map((der) => ({ der, source: "sent by the server", supplied: true })), ...store, ...extra],
      anchors,
      time: input.now,
      purpose: "server",
      mode: input.mode,
      hostname: input.serverName,
      // A system store's old roots predate RFC 5280's profile: trust them as they are.
      strictAnchors: input.trust !== "system",
      revocation: revoked ? (cert) => revoked.get(cert.sha256) : undefined,
    });
  let verdict = run([]);
  const trusted = input.trust === "system" ? "the system roots" : input.trust.label;

  // A lone leaf whose issuer is not a trust anchor: the intermediate was not sent.
  if (verdict.code === "UNKNOWN_AUTHORITY" && verdict.missingIssuer && verdict.path.length === 1) {
    let confirmed = "";
    for (const url of verdict.caIssuers ?? []) {
      const body = await (input.fetchIssuer ?? fetchCaIssuers)(url);
      const found = body ? certificatesIn(body) : [];
      if (!found.length) {
        confirmed = ` Its AIA caIssuers URL ${url} did not answer with a certificate.`;
        continue;
      }
      const withAia = run(found.map((der) => ({ der, source: `the AIA caIssuers URL ${url}`, supplied: false })));
      if (withAia.code === "MISSING_INTERMEDIATE") {
        verdict = withAia;
        break;
      }
      confirmed = ` The certificate at its AIA caIssuers URL ${url} does not complete the chain to ${trusted} either.`;
    }
    if (verdict.code !== "MISSING_INTERMEDIATE") {
      const explanation = `The server sent only its own certificate "${verdict.path[0]!.subject}", and its issuer "${verdict.missingIssuer}" is not a trust anchor here (${trusted}): the intermediate CA is missing (RFC 8446 4.4.2: a server sends its certificate followed by the CAs that certify it).${confirmed} Configure the server with the fullchain file (its certificate followed by the intermediate), not the certificate alone; if "${verdict.missingIssuer}" is itself a root, trust it instead.`;
      return { ok: false, code: "MISSING_INTERMEDIATE", explanation, detail: explanation, verdict };
    }
  }
  if (verdict.code === "MISSING_INTERMEDIATE") {
    const added = verdict.addedIntermediates?.map((a) => `"${a.subject}" (found in ${a.source})`).join(", ");
    const explanation = `The server did not send the intermediate CA ${added}, so clients cannot link its certificate "${verdict.path[0]!.subject}" to ${trusted}: "unable to get local issuer certificate" (RFC 8446 4.4.2: a server sends its certificate followed by the CAs that certify it). Configure the server with the fullchain file (its certificate followed by the intermediate), not the certificate alone: in nginx, ssl_certificate points at the fullchain.`;
    return { ok: false, code: "MISSING_INTERMEDIATE", explanation, detail: verdict.explanation, verdict };
  }
  if (!verdict.ok) {
    const code = DOCTOR_NAMES[verdict.code!] ?? verdict.code!;
    const explanation =
      verdict.explanation + (verdict.code === "UNKNOWN_AUTHORITY" && input.trust !== "system" ? ` Trusted here: ${trusted}.` : "");
    return { ok: false, code, explanation, detail: verdict.explanation, verdict };
  }
  // TLS servers send the leaf first, then each issuer (RFC 8446 4.4.2): accepted, but worth fixing.
  const sent = input.sent.map(sha256);
  const onPath = verdict.path.map((p) => p.sha256).filter((h) => sent.includes(h));
  const ordered = sent.filter((h) => onPath.includes(h)).join() === onPath.join();
  const warnings = verdict.warnings.map((w) => `${w.clients ? `${w.clients}: ` : ""}${w.rule}`);
  return {
    ok: true,
    explanation: verdict.explanation,
    detail: `${verdict.explanation}${ordered ? "" : " (accepted, but the server sends its chain out of order: send the leaf first, then each issuer)"}${warnings.length ? ` Warnings: ${warnings.join("; ")}.` : ""}`,
    verdict,
  };
}

const sha256 = (der: Uint8Array) => createHash("sha256").update(der).digest("hex");
