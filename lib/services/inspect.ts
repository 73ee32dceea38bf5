import { assertCan } from "../auth/actor";
/**
 * Inspect anything pasted or uploaded: each certificate, CSR or CRL with its OpenSSL-identical
 * text, a summary and plain-words findings; and for a leaf with its chain, whether it verifies
 * against cadesk's CAs (or a pasted root) for a host name.
 */
import { getDb } from "../db";
import { revocationState } from "./revocation-state";
import { AppError, assertUploadSize } from "../errors";
import { parseCsr, verifyCsrSignature } from "../pki/csr";
import { children } from "../pki/der";
import { detectObjects, type FoundObject, type ObjectKind } from "../pki/inspect/detect";
import { fallbackSummary } from "../pki/inspect/fallback-summary";
import { lintCertificate, type Lint } from "../pki/inspect/lint";
import { readPkcs12Certificates } from "../pki/inspect/pkcs12-read";
import { parsePemBlocks, toPem } from "../pki/pem";
import { PastedCertificate } from "../pki/inspect/pasted";
import { summarizeRead } from "../pki/summary";
import { certificateText } from "../pki/text/certificate";
import { crlFields, crlText, integerHex } from "../pki/text/crl";
import { csrText } from "../pki/text/csr";
import { printName } from "../pki/text/name";
import { parseTime, printTime } from "../pki/text/time";
import { DAY } from "../time";
import {
  CertificateParseError,
  parseCertificate,
  verifyChain,
  type AnchorInput,
  type IntermediateInput,
  type ParsedCertificate,
  type Purpose,
  type RevocationStatus,
  type Verdict,
  type VerifyMode,
} from "../verify";

export interface SummaryField {
  label: string;
  value: string;
}

export interface InspectedObject {
  kind: ObjectKind;
  source: string;
  title: string;
  text: string;
  pem: string;
  summary: SummaryField[];
  lints: Lint[];
}

export interface InspectResult {
  objects: InspectedObject[];
  chain?: Verdict;
  skipped: string[];
}

export interface InspectInput {
  input: string | Uint8Array;
  password?: string;
  hostname?: string;
  /** One or more trust anchors (PEM); default: cadesk's root CAs. */
  rootPem?: string;
  /** Validate at this time instead of now. */
  validationTime?: Date;
  purpose?: Purpose;
  mode?: VerifyMode;
}

const PEM_LABELS: Record<ObjectKind, string> = { certificate: "CERTIFICATE", csr: "CERTIFICATE REQUEST", crl: "X509 CRL" };

const readableDate = (d: Date) => d.toISOString().slice(0, 19).replace("T", " ") + " UTC";

function countdown(notAfter: Date, now: Date): string {
  const days = Math.floor((notAfter.getTime() - now.getTime()) / DAY);
  return days >= 0 ? `expires in ${days} day${days === 1 ? "" : "s"}` : `expired ${-days} day${days === -1 ? "" : "s"} ago`;
}

/**
 * detect.ts has checked the DER and its structure; a part @peculiar/x509 still refuses (an
 * extension or name value OpenSSL prints as raw bytes) must not hide the rest of the certificate.
 */
const UNREADABLE: Lint = {
  severity: "error",
  code: "UNREADABLE_PART",
  message:
    "Part of this certificate (an extension or name value) does not decode: OpenSSL shows it as raw bytes, and clients will likely reject it.",
};

function summaryOf(pasted: PastedCertificate) {
  try {
    return summarizeRead({ cert: pasted.x509(), key: pasted.key(), sha256: pasted.sha256(), sha1: pasted.sha1() });
  } catch {
    return fallbackSummary(pasted.der);
  }
}

function inspectCertificate(found: FoundObject, pasted: PastedCertificate, now: Date): InspectedObject {
  const s = summaryOf(pasted);
  const cn = /CN=([^,]+)/.exec(s.subject)?.[1];
  const summary: SummaryField[] = [
    { label: "For", value: s.sans.length ? s.sans.join(", ") : cn ? `${cn} (Common Name only)` : s.subject },
    { label: "Subject", value: s.subject },
    { label: "Issued by", value: s.issuer === s.subject ? `${s.issuer} (self-signed)` : s.issuer },
    { label: "Valid from", value: readableDate(s.notBefore) },
    { label: "Valid until", value: `${readableDate(s.notAfter)} (${countdown(s.notAfter, now)})` },
    { label: "Key", value: s.key },
    { label: "Signature", value: s.signatureAlgorithm },
    { label: "Key usage", value: s.keyUsages.join(", ") || "(not restricted)" },
    { label: "Extended key usage", value: s.extendedKeyUsages.join(", ") || "(not restricted)" },
    { label: "CA", value: s.isCa ? `yes${s.pathLength !== null ? `, path length ${s.pathLength}` : ""}` : "no" },
    { label: "Serial", value: s.serial },
    { label: "SHA-256", value: s.sha256 },
    { label: "SHA-1", value: s.sha1 },
  ];
  return {
    kind: "certificate",
    source: found.source,
    title: cn ?? s.subject,
    text: certificateText(found.der),
    pem: toPem(found.der, "CERTIFICATE"),
    summary,
    lints: (() => {
      try {
        return lintCertificate(pasted, now);
      } catch {
        return [UNREADABLE];
      }
    })(),
  };
}

async function inspectCsr(found: FoundObject): Promise<InspectedObject> {
  const pem = toPem(found.der, "CERTIFICATE REQUEST");
  const csr = parseCsr(pem);
  const lints: Lint[] = [];
  let signature = "verified: the requester holds the private key";
  try {
    await verifyCsrSignature(csr);
  } catch (error) {
    signature = "INVALID";
    lints.push({
      severity: "error",
      code: "BAD_CSR_SIGNATURE",
      message: error instanceof Error ? error.message : "The CSR's signature does not verify.",
    });
  }
  if (csr.sans.length === 0)
    lints.push({
      severity: "warning",
      code: "NO_SAN",
      message: "The CSR asks for no Subject Alternative Names: add the host names when signing, or clients will accept it for no name.",
    });
  if (csr.keyInfo.algorithm === "RSA" && (csr.keyInfo.bits ?? 0) < 2048)
    lints.push({
      severity: "error",
      code: "WEAK_RSA",
      message: `The key is ${csr.keyInfo.label}: RSA under 2048 bits is refused by modern clients.`,
    });
  const summary: SummaryField[] = [
    { label: "Subject", value: csr.subjectText || "(empty)" },
    { label: "Asks for names", value: csr.sans.map((n) => `${n.type.toUpperCase()}:${n.value}`).join(", ") || "(none)" },
    { label: "Key", value: csr.keyInfo.label },
    { label: "Signature", value: `${csr.signatureAlgorithm}, ${signature}` },
  ];
  return {
    kind: "csr",
    source: found.source,
    title: csr.commonName || csr.subjectText || "CSR",
    text: csrText(found.der),
    pem,
    summary,
    lints,
  };
}

function inspectCrl(found: FoundObject, now: Date): InspectedObject {
  const { issuer: issuerName, thisUpdate: lastUpdate, nextUpdate: next, revoked: entries } = crlFields(found.der);
  const issuer = printName(issuerName);
  const lints: Lint[] = [];
  if (next && parseTime(next) < now)
    lints.push({
      severity: "error",
      code: "CRL_STALE",
      message: `Its next update was due ${printTime(next!)}: clients that check revocation treat a stale CRL as a failure. Publish a fresh CRL.`,
    });
  const summary: SummaryField[] = [
    { label: "Issuer", value: issuer },
    { label: "Last update", value: printTime(lastUpdate) },
    { label: "Next update", value: next ? printTime(next) : "none" },
    {
      label: "Revoked",
      value: entries.length
        ? entries
            .slice(0, 20)
            .map((e) => integerHex(children(e)[0]!))
            .join(", ") + (entries.length > 20 ? ` … (${entries.length} in all)` : "")
        : "none",
    },
  ];
  return {
    kind: "crl",
    source: found.source,
    title: `CRL of ${issuer}`,
    text: crlText(found.der),
    pem: toPem(found.der, PEM_LABELS.crl),
    summary,
    lints,
  };
}

interface StoreState {
  anchors: AnchorInput[];
  intermediates: IntermediateInput[];
  revocation: (cert: ParsedCertificate) => RevocationStatus | undefined;
}

/**
 * What cadesk knows: its root CAs as trust anchors (unless roots were pasted: then only those,
 * as a client that trusts them holds them), its intermediates as candidates the path may need
 * (a path that does is a missing intermediate), and the revocation state of every certificate
 * and CA it issued, by fingerprint (the same state its CRLs and OCSP responder publish).
 */
async function storeState(rootPem: string | undefined, pasted: string[]): Promise<StoreState> {
  const db = getDb();
  const authorities = await db.authority.findMany({
    select: {
      commonName: true,
      certificatePem: true,
      parentId: true,
      fingerprintSha256: true,
      status: true,
      revokedAt: true,
      revocationReason: true,
    },
  });
  let anchors: AnchorInput[];
  if (rootPem?.trim()) {
    const roots = detectObjects(rootPem).objects.filter((o) => o.kind === "certificate");
    if (roots.length === 0) throw new AppError("INVALID_PEM", "The trusted root you pasted holds no certificate.", "rootPem");
    anchors = roots.map((r) => ({ der: r.der, name: roots.length > 1 ? "a root you pasted" : "the root you pasted" }));
  } else {
    anchors = authorities
      .filter((a) => !a.parentId)
      .map((a) => ({ der: parsePemBlocks(a.certificatePem)[0]!.der, name: `cadesk CA "${a.commonName}"` }));
  }
  const intermediates = authorities
    .filter((a) => a.parentId)
    .map((a) => ({ der: parsePemBlocks(a.certificatePem)[0]!.der, source: `cadesk's store (CA "${a.commonName}")`, supplied: false }));
  // The pasted certificates and cadesk's intermediates may all be on the path.
  const revoked = await revocationState([...pasted, ...authorities.map((a) => a.fingerprintSha256)]);
  return { anchors, intermediates, revocation: (cert) => revoked.get(cert.sha256) };
}

/** The leaf among pasted certificates: the one that issued none of the others, a non-CA first. */
function pickLeaf(certs: ParsedCertificate[]): ParsedCertificate {
  const issuesOther = (c: ParsedCertificate) => certs.some((o) => o !== c && o.sha256 !== c.sha256 && o.issuer.key === c.subject.key);
  const candidates = certs.filter((c) => !issuesOther(c));
  return candidates.find((c) => !c.basicConstraints?.ca) ?? candidates[0] ?? certs[0]!;
}

/**
 * Verifies the pasted chain with the one validator: path building over what was pasted and
 * cadesk's CAs, RFC 5280 rules, the purpose and mode asked, and cadesk's revocation state.
 */
async function verifyPasted(
  pasted: PastedCertificate[],
  { hostname, rootPem, validationTime, purpose, mode }: Pick<InspectInput, "hostname" | "rootPem" | "validationTime" | "purpose" | "mode">,
  crls: Uint8Array[],
  now: Date,
): Promise<Verdict | undefined> {
  const parsed: ParsedCertificate[] = [];
  for (const p of pasted) {
    try {
      parsed.push(p.parsed());
    } catch (error) {
      if (!(error instanceof CertificateParseError)) throw error;
    }
  }
  if (parsed.length === 0) return undefined;
  // Only CAs and no host name: there is no leaf to check.
  if (parsed.every((c) => c.basicConstraints?.ca) && !hostname) return undefined;
  const leaf = pickLeaf(parsed);
  const byDer = new Map<Uint8Array, PastedCertificate>(pasted.map((p) => [p.der, p]));
  const store = await storeState(
    rootPem,
    parsed.map((c) => c.sha256),
  );
  const verdict = verifyChain({
    leaf: leaf.der,
    intermediates: [
      ...parsed.filter((c) => c !== leaf).map((c) => ({ der: c.der, source: "pasted", supplied: true })),
      ...store.intermediates,
    ],
    anchors: store.anchors,
    time: validationTime ?? now,
    purpose,
    mode,
    hostname,
    crls,
    revocation: store.revocation,
    // Each pasted certificate was read once already, for its card's lints.
    read: (der) => byDer.get(der)?.parsed() ?? parseCertificate(der),
  });
  // Servers must send the leaf first, then each issuer: say so beside a verdict, not instead of it.
  const order = parsed.map((c) => c.sha256);
  const pathOrder = verdict.path.map((p) => p.sha256).filter((h) => order.includes(h));
  if (verdict.path.length > 1 && order.join() !== pathOrder.join() && order.length === pathOrder.length)
    verdict.warnings.push({
      code: "WEBPKI_RULE",
      rule: "a TLS server sends its certificate first, then each issuer in turn",
      section: "RFC 8446 4.4.2 / RFC 5246 7.4.2",
      certificate: leaf.subject.text,
      role: "leaf",
      message: `The certificates were pasted in another order than the path (${verdict.path.map((p) => `"${p.subject}"`).join(" → ")}). cadesk found the path anyway; a server should send them leaf first.`,
      clients: "TLS 1.2 clients may refuse other orders",
    });
  return verdict;
}

export async function inspect(
  { input, password, hostname, rootPem, validationTime, purpose, mode }: InspectInput,
  now = new Date(),
): Promise<InspectResult> {
  assertCan("view", "inspect input");
  assertUploadSize(typeof input === "string" ? Buffer.byteLength(input) : input.length, "input");
  if (typeof input === "string" ? !input.trim() : input.length === 0)
    throw new AppError("INVALID_INPUT", "Paste a certificate, CSR, CRL or chain in PEM, or choose a file.", "input");
  if (rootPem) assertUploadSize(Buffer.byteLength(rootPem), "rootPem");
  const detected = detectObjects(input);
  if (detected.pkcs12) {
    if (!password)
      throw new AppError(
        "INVALID_INPUT",
        "This is a PKCS#12 (.p12/.pfx) file: enter its password to read the certificates inside.",
        "password",
      );
    detected.objects.push(
      ...readPkcs12Certificates(detected.pkcs12, password).map((der, i) => ({
        kind: "certificate" as const,
        der,
        source: `PKCS#12 certificate ${i + 1}`,
      })),
    );
  }
  if (detected.objects.length === 0)
    throw new AppError(
      "INVALID_INPUT",
      `Nothing to inspect: ${detected.skipped.join(" ") || "no certificate, CSR or CRL found."}`,
      "input",
    );

  const objects: InspectedObject[] = [];
  const pasted = new Map(detected.objects.filter((o) => o.kind === "certificate").map((o) => [o, new PastedCertificate(o.der)]));
  for (const found of detected.objects) {
    try {
      objects.push(
        found.kind === "certificate"
          ? inspectCertificate(found, pasted.get(found)!, now)
          : found.kind === "csr"
            ? await inspectCsr(found)
            : inspectCrl(found, now),
      );
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError(
        "INVALID_INPUT",
        `${found.source} could not be decoded as a ${found.kind}: it may be truncated or corrupted.`,
        "input",
      );
    }
  }

  const certificates = detected.objects.filter((o) => o.kind === "certificate");
  const crls = detected.objects.filter((o) => o.kind === "crl").map((o) => o.der);
  const host = hostname?.trim().toLowerCase() || undefined;
  if (host && (host.length > 253 || /[\s/]/.test(host)))
    throw new AppError("INVALID_INPUT", `"${host.slice(0, 60)}" is not a host name or IP address.`, "hostname");
  const chain = certificates.length
    ? await verifyPasted(
        certificates.map((c) => pasted.get(c)!),
        { hostname: host, rootPem, validationTime, purpose, mode },
        crls,
        now,
      )
    : undefined;
  // The certificate's own card says it too, not only the verdict (a revoked one has "no problems" otherwise).
  if (chain?.revoked) {
    const index = certificates.findIndex((c) => pasted.get(c)!.sha256() === chain.revoked!.sha256);
    objects[detected.objects.indexOf(certificates[index]!)]?.lints.unshift({
      severity: "error",
      code: "REVOKED",
      message: `Revoked on ${chain.revoked.revokedAt.slice(0, 10)} for ${chain.revoked.reason} (${chain.revoked.source}): clients that check revocation refuse it. Issue a new certificate and deploy that.`,
    });
  }
  return { objects, chain, skipped: detected.skipped };
}
