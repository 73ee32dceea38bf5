/**
 * Findings about a certificate in plain words, each with what to do: the problems that make
 * clients reject certificates, or that public CAs and browsers would refuse.
 */
import { x509 } from "../crypto-provider";
import { children, oidOf, parseDer } from "../der";
import type { Bytes } from "../pem";
import { EKU, SIGNATURE } from "../oids";
import { DAY } from "../../time";
import type { ParsedCertificate } from "../../verify";
import { certificateFindings } from "../../verify/rules";
import { verifySignature } from "../../verify/signature";
import { PastedCertificate } from "./pasted";

export interface Lint {
  severity: "error" | "warning";
  code: string;
  message: string;
}

const SHA1_SIGNATURES = new Set<string>([SIGNATURE.sha1WithRsa, SIGNATURE.ecdsaWithSha1, SIGNATURE.dsaWithSha1]);
const SERVER_AUTH = EKU.serverAuth;
const CLIENT_AUTH = EKU.clientAuth;
/** Lints a certificate: its DER, or one Inspect has read already (each reading made once). */
export function lintCertificate(input: Bytes | PastedCertificate, now = new Date()): Lint[] {
  const pasted = input instanceof PastedCertificate ? input : new PastedCertificate(input);
  const der = pasted.der;
  const cert = pasted.x509();
  const lints: Lint[] = [];
  const add = (severity: Lint["severity"], code: string, message: string) => lints.push({ severity, code, message });

  const basic = cert.getExtension(x509.BasicConstraintsExtension);
  const isCa = basic?.ca ?? false;
  const ku = cert.getExtension(x509.KeyUsagesExtension);
  const eku = cert.getExtension(x509.ExtendedKeyUsageExtension);
  const ekus = (eku?.usages ?? []).map(String);
  const sanExt = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const sans = sanExt?.names.items ?? [];
  const cn = cert.subjectName.getField("CN")[0];
  const hostNames = sans.filter((n) => n.type === "dns" || n.type === "ip").map((n) => n.value.toLowerCase());
  const looksLikeServer = ekus.includes(SERVER_AUTH) || (!eku && !isCa && (hostNames.length > 0 || !!cn));

  if (cert.notAfter < now) {
    add(
      "error",
      "EXPIRED",
      `Expired on ${cert.notAfter.toISOString().slice(0, 10)}: every client rejects it. Renew it and deploy the new certificate.`,
    );
  } else if (cert.notBefore > now) {
    add(
      "error",
      "NOT_YET_VALID",
      `Not valid until ${cert.notBefore.toISOString().replace("T", " ").slice(0, 16)} UTC: clients reject it until then. Check the clock of whoever issued it.`,
    );
  }

  // CA/B Forum BR 6.3.2: 398 days at most for anything a browser may see as a server, CA:TRUE or not.
  const lifetime = Math.round((cert.notAfter.getTime() - cert.notBefore.getTime()) / DAY);
  if ((looksLikeServer || ekus.includes(SERVER_AUTH)) && lifetime > 398) {
    add(
      "warning",
      "LONG_VALIDITY",
      `Valid for ${lifetime} days with serverAuth: browsers reject public TLS server certificates valid for more than 398 days (200 days since March 2026)${isCa ? ", and a CA:TRUE certificate used as a server is no exception" : ""}. Shorter lifetimes with automated renewal are safer.`,
    );
  }

  if (!isCa) {
    if (sans.length === 0) {
      add(
        "error",
        "NO_SAN",
        "There is no Subject Alternative Name: Chrome, Go and modern OpenSSL clients ignore the Common Name, so this certificate is valid for no name at all. Reissue it with the host names in the SAN.",
      );
    } else if (cn && !sans.some((n) => n.value.toLowerCase() === cn.toLowerCase())) {
      add(
        "warning",
        "CN_NOT_IN_SAN",
        `The Common Name "${cn}" is not among the SANs: clients match only the SANs, so "${cn}" will not be accepted as a name.`,
      );
    }
    if (eku && hostNames.length > 0 && !ekus.includes(SERVER_AUTH) && !ekus.includes(EKU.any)) {
      add(
        "error",
        "NO_SERVER_AUTH",
        'It names hosts but its Extended Key Usage lacks serverAuth: TLS clients refuse it as a server certificate ("wrong key usage"). Reissue it with the TLS server profile.',
      );
    }
    if (eku && !ekus.includes(SERVER_AUTH) && !ekus.includes(CLIENT_AUTH) && !ekus.includes(EKU.any)) {
      add("warning", "NO_TLS_USAGE", "Its Extended Key Usage has neither serverAuth nor clientAuth: it cannot be used for TLS or mTLS.");
    }
    if (ku && basic?.ca === false && (ku.usages & x509.KeyUsageFlags.keyCertSign) !== 0) {
      add("warning", "LEAF_KEY_CERT_SIGN", "It is not a CA but its key usage allows signing certificates (keyCertSign).");
    }
  } else {
    if (ku && (ku.usages & x509.KeyUsageFlags.keyCertSign) === 0) {
      add(
        "error",
        "CA_WITHOUT_KEY_CERT_SIGN",
        "It is a CA (CA:TRUE) but its key usage lacks keyCertSign: certificates it signs will be rejected. Reissue the CA with keyCertSign and cRLSign.",
      );
    }
    if (hostNames.length > 0 && ekus.includes(SERVER_AUTH)) {
      add(
        "warning",
        "LEAF_WITH_CA_TRUE",
        "It looks like a server certificate (host names, serverAuth) but says CA:TRUE: anyone holding its key could issue certificates. Reissue it as a leaf (CA:FALSE).",
      );
    }
  }

  const key = pasted.key();
  if ((key.algorithm === "RSA" || key.algorithm === "RSA-PSS") && (key.bits ?? 0) < 2048) {
    add(
      "error",
      "WEAK_RSA",
      `The key is ${key.label}: RSA under 2048 bits is refused by browsers, Go and OpenSSL's default security level. Use RSA 2048+ or ECDSA P-256.`,
    );
  }
  const sigOid = sigAlgorithmOid(der);
  if (SHA1_SIGNATURES.has(sigOid) && !isSelfSigned(cert)) {
    add(
      "error",
      "SHA1_SIGNATURE",
      "It is signed with SHA-1, which is broken: browsers, Go and OpenSSL 3 at default security reject it. Reissue it with SHA-256.",
    );
  }

  const serial = serialBytes(der);
  if (serial.length > 20)
    add(
      "error",
      "SERIAL_TOO_LONG",
      `Its serial number is ${serial.length} octets; RFC 5280 allows at most 20, and strict clients reject longer ones.`,
    );
  if (serial.length > 0 && (serial[0]! & 0x80) !== 0)
    add("error", "SERIAL_NEGATIVE", "Its serial number is negative; RFC 5280 requires a positive serial.");
  if (serial.every((b) => b === 0)) add("error", "SERIAL_ZERO", "Its serial number is zero; RFC 5280 requires a positive serial.");
  const servesHosts = looksLikeServer || (ekus.includes(SERVER_AUTH) && hostNames.length > 0);
  lints.push(...validatorLints(pasted, { isCa, servesHosts, already: new Set(lints.map((l) => l.code)) }));
  return lints;
}

/**
 * The rules of the chain verdict's two modes (lib/verify) that can be judged on one certificate:
 * key usage against the key type, a self-signed server, an empty subject without a critical SAN,
 * the RFC 5280 profile, and the CA/Browser Forum rules as warnings naming who would refuse.
 */
function validatorLints(pasted: PastedCertificate, ctx: { isCa: boolean; servesHosts: boolean; already: Set<string> }): Lint[] {
  let parsed: ParsedCertificate;
  try {
    parsed = pasted.parsed();
  } catch {
    return [];
  }
  const out: Lint[] = [];
  const ku = parsed.keyUsage;
  const keyType = parsed.key.algorithm;
  // RFC 8813 / RFC 8410 5: EC and EdDSA keys cannot encipher a key; TLS 1.2 RSA key exchange is RSA-only.
  if (ku?.has(KEY_USAGE.keyEncipherment) && (keyType === "EC" || keyType === "Ed25519" || keyType === "Ed448"))
    out.push({
      severity: "warning",
      code: "KEY_USAGE_FOR_KEY_TYPE",
      message: `Its key usage asserts keyEncipherment, which an ${keyType} key cannot do (RFC 8813 2, RFC 8410 5): certificate linters (zlint) flag it and strict clients may refuse it. Use digitalSignature only.`,
    });
  // The signature check last: a CA in a pasted chain does not serve hosts and needs none.
  if (
    ctx.servesHosts &&
    parsed.subjectAltNames &&
    parsed.selfIssued &&
    verifySignature(parsed.tbs, parsed.signature, parsed.signatureAlgorithm, parsed.spki)
  )
    out.push({
      severity: "warning",
      code: "SELF_SIGNED_SERVER",
      message:
        "It is self-signed and used as a server certificate: every client must trust this one certificate as a root (and cannot revoke it). Issue it from a CA instead, so clients trust the CA once.",
    });
  if (parsed.subject.empty && !parsed.subjectAltNames?.critical)
    out.push({
      severity: "error",
      code: "EMPTY_SUBJECT_SAN_NOT_CRITICAL",
      message:
        "Its subject is empty but its Subject Alternative Name is not critical (or absent): RFC 5280 4.2.1.6 requires a critical SAN then, and strict verifiers refuse it.",
    });
  // A CA:TRUE certificate that names hosts with serverAuth is linted as the leaf it is used as.
  const role = ctx.isCa && !ctx.servesHosts ? "intermediate" : "leaf";
  const said: Record<string, string> = {
    NO_SAN: "name their hosts in the SAN",
    CN_NOT_IN_SAN: "Common Name",
    LEAF_WITH_CA_TRUE: "CA certificate must not be used as a leaf",
  };
  for (const f of certificateFindings(parsed, role, { purpose: "server", mode: "webpki" }, true)) {
    // Findings the lints above already say in their own words, and chain-only ones, are skipped.
    if (
      SKIP.has(f.code) ||
      (f.code === "MALFORMED_CERTIFICATE" && /serial/.test(f.rule)) ||
      (f.code === "WEAK_KEY" && ctx.already.has("WEAK_RSA"))
    )
      continue;
    if (f.code === "KEY_USAGE" && ctx.already.has("LEAF_KEY_CERT_SIGN") && /keyCertSign/.test(f.rule)) continue;
    if (f.code === "NOT_A_CA" || Object.entries(said).some(([code, text]) => ctx.already.has(code) && f.rule.includes(text))) continue;
    const code = f.webpki ? `WEBPKI_${slug(f.rule)}` : `${f.code}_${slug(f.rule)}`;
    if (out.some((l) => l.code === code)) continue;
    out.push({
      severity: f.webpki ? "warning" : "error",
      code,
      message: f.webpki
        ? `${f.clients ?? "strict clients would refuse this"}: ${f.rule} (${f.section}). ${f.message}`
        : `${f.message} RFC 5280 says ${f.rule} (${f.section}).`,
    });
  }
  return out;
}

const SKIP = new Set(["WRONG_USAGE", "HOSTNAME_MISMATCH"]);
const KEY_USAGE = { keyEncipherment: 2 } as const;
const slug = (s: string) =>
  s
    .replace(/[^a-z0-9]+/gi, "_")
    .replace(/^_|_$/g, "")
    .toUpperCase()
    .slice(0, 48);

function isSelfSigned(cert: x509.X509Certificate): boolean {
  return cert.subject === cert.issuer;
}

/** The outer signature algorithm OID, read from the DER directly. */
function sigAlgorithmOid(der: Bytes): string {
  return oidOf(children(children(parseDer(der))[1]!)[0]!);
}
/** The serial's raw octets: x509 libraries hide a negative sign or an over-long encoding. */
function serialBytes(der: Bytes): Uint8Array {
  const tbs = children(children(parseDer(der))[0]!);
  return (tbs[0]!.cls === "context" ? tbs[1]! : tbs[0]!).value;
}
