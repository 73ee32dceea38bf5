/**
 * The summary of a certificate that @peculiar/x509 cannot decode although it is well-formed DER
 * (an extension value or a name value its schemas refuse, a key it cannot read). OpenSSL prints
 * such certificates, so Inspect shows them too: these fields come from cadesk's own DER reader,
 * and whatever cannot be read is left out rather than guessed.
 */
import { createHash } from "node:crypto";
import { children, oidOf, parseDer, TAG, type Tlv } from "../der";
import { describePublicKey } from "../keys";
import { colonHex } from "../serial";
import type { CertificateSummary } from "../summary";
import { generalNames } from "../text/general-names";
import { printName } from "../text/name";
import { algorithmName } from "../text/signature";
import { parseTime } from "../text/time";
import { EXTENSION } from "../oids";

const SUBJECT_ALT_NAME = EXTENSION.subjectAltName;
const BASIC_CONSTRAINTS = EXTENSION.basicConstraints;

/** Reads what it can; `undefined` when the part does not decode. */
function attempt<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/** The extension values by OID (the certificate passed structure.ts, so the list is well formed). */
function extensionValues(extensions: Tlv | undefined): Map<string, Uint8Array> {
  const values = new Map<string, Uint8Array>();
  for (const ext of extensions ? children(children(extensions)[0]!) : []) {
    const parts = children(ext);
    values.set(oidOf(parts[0]!), parts[parts.length - 1]!.value);
  }
  return values;
}

/** A CertificateSummary from the raw DER, for certificates the typed parser refuses. */
export function fallbackSummary(der: Uint8Array): CertificateSummary {
  const [tbs, sigAlg] = children(parseDer(der));
  const fields = children(tbs!);
  const i = fields[0]?.cls === "context" && fields[0].tagNumber === 0 ? 1 : 0;
  const serial = fields[i]!;
  const [notBefore, notAfter] = children(fields[i + 3]!);
  const extensions = extensionValues(fields.slice(i + 6).find((f) => f.cls === "context" && f.tagNumber === 3));
  const sanValue = extensions.get(SUBJECT_ALT_NAME);
  const sans = sanValue ? (attempt(() => generalNames(parseDer(sanValue)).map(([type, value]) => `${type}:${value}`)) ?? []) : [];
  const basic = attempt(() => children(parseDer(extensions.get(BASIC_CONSTRAINTS)!)));
  const hex = (algorithm: string) => colonHex(createHash(algorithm).update(der).digest("hex"));
  const key = describePublicKey(fields[i + 5]!.der);
  return {
    subject: attempt(() => printName(fields[i + 4]!)) ?? "(unreadable)",
    issuer: attempt(() => printName(fields[i + 2]!)) ?? "(unreadable)",
    serial: colonHex(Buffer.from(serial.value).toString("hex") || "00"),
    notBefore: parseTime(notBefore!),
    notAfter: parseTime(notAfter!),
    key: key.keyType ? key.label : `${attempt(() => algorithmName(children(fields[i + 5]!)[0]!)) ?? "unknown"} (the key does not decode)`,
    signatureAlgorithm: attempt(() => algorithmName(sigAlg!)) ?? "unknown",
    sans,
    keyUsages: [],
    extendedKeyUsages: [],
    isCa: basic?.[0]?.tag === TAG.BOOLEAN && basic[0].value[0] !== 0,
    pathLength: null,
    sha256: hex("sha256"),
    sha1: hex("sha1"),
  };
}
