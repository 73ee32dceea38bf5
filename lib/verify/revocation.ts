/**
 * Revocation from CRLs supplied with the chain (RFC 5280 6.3, without delta CRLs or distribution
 * point scopes): a CRL counts for a certificate when its issuer name matches and its signature
 * verifies with the issuer's key; a broken CRL from that issuer is itself a failure.
 */
import { children, oidOf, parseDer, type Tlv } from "../pki/der";
import { parseDerTime, type ParsedCertificate } from "./certificate";
import { parseName, type NameValue } from "./names";
import { OID } from "./oids";
import { KU } from "./rules";
import { verifySignature } from "./signature";

export interface ParsedCrl {
  tbs: Uint8Array;
  signatureAlgorithm: Uint8Array;
  signature: Uint8Array;
  issuer: NameValue;
  thisUpdate: Date;
  nextUpdate?: Date;
  /** serial (hex, no leading zeros) -> revocation date and reason code. */
  entries: Map<string, { date: Date; reason?: number }>;
  crlNumber?: { critical: boolean };
  unknownCritical: string[];
}

const REASONS = [
  "unspecified",
  "keyCompromise",
  "cACompromise",
  "affiliationChanged",
  "superseded",
  "cessationOfOperation",
  "certificateHold",
  "",
  "removeFromCRL",
  "privilegeWithdrawn",
  "aACompromise",
];

export const serialKey = (serial: Uint8Array) =>
  Buffer.from(serial)
    .toString("hex")
    .replace(/^(00)+(?=.)/, "");

/** Reads a DER CRL, or undefined when it is not one. */
export function parseCrl(der: Uint8Array): ParsedCrl | undefined {
  try {
    const [tbsNode, alg, sig] = children(parseDer(der));
    const fields = children(tbsNode!);
    let i = fields[0]?.tag === 0x02 ? 1 : 0;
    i++; // signature algorithm
    const issuer = parseName(fields[i++]!);
    const thisUpdate = parseDerTime(fields[i++]!);
    let nextUpdate: Date | undefined;
    if (fields[i] && (fields[i]!.tag === 0x17 || fields[i]!.tag === 0x18)) nextUpdate = parseDerTime(fields[i++]!);
    const entries = new Map<string, { date: Date; reason?: number }>();
    if (fields[i]?.tag === 0x30) {
      for (const entry of children(fields[i++]!)) {
        const [serial, date, exts] = children(entry);
        let reason: number | undefined;
        for (const ext of exts ? children(exts) : []) {
          const parts = children(ext);
          if (oidOf(parts[0]!) === OID.crlReason) reason = parseDer(parts[parts.length - 1]!.value).value[0];
        }
        entries.set(serialKey(serial!.value), { date: parseDerTime(date!), reason });
      }
    }
    const crl: ParsedCrl = {
      tbs: tbsNode!.der,
      signatureAlgorithm: alg!.der,
      signature: sig!.value.subarray(1),
      issuer,
      thisUpdate,
      nextUpdate,
      entries,
      unknownCritical: [],
    };
    const extField: Tlv | undefined = fields[i]?.tag === 0xa0 ? fields[i] : undefined;
    for (const ext of extField ? children(children(extField)[0]!) : []) {
      const parts = children(ext);
      const oid = oidOf(parts[0]!);
      const critical = parts.length === 3 && parts[1]!.value[0] !== 0;
      if (oid === OID.crlNumber) crl.crlNumber = { critical };
      else if (critical && oid !== OID.authorityKeyIdentifier && oid !== OID.issuingDistributionPoint && oid !== OID.deltaCrlIndicator)
        crl.unknownCritical.push(oid);
    }
    return crl;
  } catch {
    return undefined;
  }
}

export type CrlOutcome =
  | { status: "good" }
  | { status: "revoked"; date: Date; reason: string }
  | { status: "unusable"; why: string; section: string }
  | { status: "none" };

/** Checks `cert` against the CRLs its issuer signed; "none" when no CRL is from that issuer. */
export function checkCrls(cert: ParsedCertificate, issuer: ParsedCertificate, crls: ParsedCrl[], time: Date): CrlOutcome {
  const mine = crls.filter(
    (c) => c.issuer.key === issuer.subject.key && verifySignature(c.tbs, c.signature, c.signatureAlgorithm, issuer.spki),
  );
  if (mine.length === 0) return { status: "none" };
  for (const crl of mine) {
    if (issuer.keyUsage && !issuer.keyUsage.has(KU.cRLSign))
      return { status: "unusable", why: "the CRL's issuer lacks cRLSign in its key usage", section: "RFC 5280 6.3.3 (f)" };
    if (!crl.crlNumber) return { status: "unusable", why: "the CRL has no CRL Number extension", section: "RFC 5280 5.2.3" };
    if (crl.crlNumber.critical) return { status: "unusable", why: "the CRL's CRL Number extension is critical", section: "RFC 5280 5.2.3" };
    if (crl.unknownCritical.length)
      return {
        status: "unusable",
        why: `the CRL has unknown critical extensions (${crl.unknownCritical.join(", ")})`,
        section: "RFC 5280 5.2",
      };
    if (crl.nextUpdate && crl.nextUpdate < time)
      return { status: "unusable", why: "the CRL is past its next update", section: "RFC 5280 6.3.3 (a)" };
    const entry = crl.entries.get(serialKey(cert.serial));
    if (entry && entry.date <= time) return { status: "revoked", date: entry.date, reason: REASONS[entry.reason ?? 0] || "unspecified" };
  }
  return { status: "good" };
}
