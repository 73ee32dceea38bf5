/**
 * Inspect anything pasted or uploaded: each certificate, CSR or CRL with its OpenSSL-identical
 * text, a summary and plain-words findings; and for a leaf with its chain, whether it verifies
 * against cadesk's CAs (or a pasted root) for a host name.
 */
import { getDb } from "../db";
import { AppError, assertUploadSize } from "../errors";
import { parseCsr, verifyCsrSignature } from "../pki/csr";
import { children } from "../pki/der";
import { detectObjects, type FoundObject, type ObjectKind } from "../pki/inspect/detect";
import { fallbackSummary } from "../pki/inspect/fallback-summary";
import { lintCertificate, type Lint } from "../pki/inspect/lint";
import { readPkcs12Certificates } from "../pki/inspect/pkcs12-read";
import { isCaCertificate, verifyChain, type Anchor, type ChainResult } from "../pki/inspect/verify-chain";
import { parsePemBlocks, toPem } from "../pki/pem";
import { summarizeCertificate } from "../pki/summary";
import { certificateText } from "../pki/text/certificate";
import { crlFields, crlText, integerHex } from "../pki/text/crl";
import { csrText } from "../pki/text/csr";
import { printName } from "../pki/text/name";
import { parseTime, printTime } from "../pki/text/time";
import { DAY } from "../time";

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
  chain?: ChainResult;
  skipped: string[];
}

export interface InspectInput {
  input: string | Uint8Array;
  password?: string;
  hostname?: string;
  rootPem?: string;
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

async function inspectCertificate(found: FoundObject, now: Date): Promise<InspectedObject> {
  const s = await summarizeCertificate(found.der).catch(() => fallbackSummary(found.der));
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
        return lintCertificate(found.der, now);
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

/**
 * Trust anchors as a client holds them: a pasted root, else cadesk's root CAs. Intermediates are
 * not anchors, so a chain that leaves one out fails here as it would for real clients.
 */
async function trustAnchors(rootPem: string | undefined): Promise<Anchor[]> {
  if (rootPem?.trim()) {
    const roots = detectObjects(rootPem).objects.filter((o) => o.kind === "certificate");
    if (roots.length === 0) throw new AppError("INVALID_PEM", "The trusted root you pasted holds no certificate.", "rootPem");
    return roots.map((r) => ({ der: r.der, name: "the root you pasted" }));
  }
  const roots = await getDb().authority.findMany({ where: { parentId: null }, select: { commonName: true, certificatePem: true } });
  return roots.map((a) => ({ der: parsePemBlocks(a.certificatePem)[0]!.der, name: `cadesk CA "${a.commonName}"` }));
}

/** When the missing issuer is one of cadesk's own CAs, say which file supplies it. */
async function withStoreHint(chain: ChainResult): Promise<ChainResult> {
  if (!chain.missingIssuer) return chain;
  const known = await getDb().authority.findUnique({ where: { subjectDn: chain.missingIssuer }, select: { commonName: true } });
  return known
    ? {
        ...chain,
        explanation: `${chain.explanation} "${known.commonName}" is a cadesk CA: its certificate is in every fullchain and chain download.`,
      }
    : chain;
}

export async function inspect({ input, password, hostname, rootPem }: InspectInput, now = new Date()): Promise<InspectResult> {
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
  for (const found of detected.objects) {
    try {
      objects.push(
        found.kind === "certificate"
          ? await inspectCertificate(found, now)
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
  const host = hostname?.trim().toLowerCase() || undefined;
  if (host && (host.length > 253 || /[\s/]/.test(host)))
    throw new AppError("INVALID_INPUT", `"${host.slice(0, 60)}" is not a host name or IP address.`, "hostname");
  // Only CAs and no host name: there is no leaf to check.
  const allCas = certificates.every((c) => isCaCertificate(c.der));
  const chain =
    certificates.length && (!allCas || host)
      ? await withStoreHint(
          verifyChain(
            certificates.map((c) => c.der),
            await trustAnchors(rootPem),
            host,
            now,
          ),
        )
      : undefined;
  return { objects, chain, skipped: detected.skipped };
}
