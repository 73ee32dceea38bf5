import { children, oidOf, parseDer, TAG, type Tlv } from "../der";
import { bnPrint, bufPrint } from "./dump";
import { longName } from "./oids";
import { pssKeyRestrictions } from "./pss";

const RSASSA_PSS = "1.2.840.113549.1.1.10";

const CURVES: Record<string, { bits: number; nist?: string }> = {
  "1.2.840.10045.3.1.7": { bits: 256, nist: "P-256" },
  "1.3.132.0.34": { bits: 384, nist: "P-384" },
  "1.3.132.0.35": { bits: 521, nist: "P-521" },
  "1.3.132.0.33": { bits: 224, nist: "P-224" },
  "1.3.132.0.10": { bits: 256 },
  "1.3.36.3.3.2.8.1.1.7": { bits: 256 },
  "1.3.36.3.3.2.8.1.1.11": { bits: 384 },
  "1.3.36.3.3.2.8.1.1.13": { bits: 512 },
};

/**
 * EVP_PKEY_print_public at the given indent, for a SubjectPublicKeyInfo; when the key does not
 * decode (or is of a type printed here), X509_print_ex's "Unable to load Public Key" at 12 spaces.
 * OpenSSL follows that line with its error queue, which names its own thread: not reproduced.
 */
export function printPublicKey(spki: Tlv, indent: number): string {
  try {
    return printKnownKey(spki, indent) ?? `${" ".repeat(12)}Unable to load Public Key\n`;
  } catch {
    return `${" ".repeat(12)}Unable to load Public Key\n`;
  }
}

function printKnownKey(spki: Tlv, indent: number): string | null {
  const [algorithm, keyBits] = children(spki);
  const [algOid, params] = children(algorithm!);
  const oid = oidOf(algOid!);
  const key = keyBits!.value.subarray(1);
  const pad = " ".repeat(indent);
  if (oid === "1.2.840.113549.1.1.1" || oid === RSASSA_PSS) {
    const [modulus, exponent] = children(parseDer(key));
    let m = modulus!.value;
    while (m.length > 1 && m[0] === 0) m = m.subarray(1);
    const bitLength = (m.length - 1) * 8 + (32 - Math.clz32(m[0]!));
    const text =
      `${pad}Public-Key: (${bitLength} bit)\n` +
      bnPrint("Modulus:", modulus!.value, indent) +
      bnPrint("Exponent:", exponent!.value, indent);
    return oid === RSASSA_PSS ? text + pssKeyRestrictions(params, indent) : text;
  }
  if (oid === "1.2.840.10045.2.1" && params?.tag === TAG.OID) {
    const curveOid = oidOf(params);
    const curve = CURVES[curveOid];
    let out = `${pad}Public-Key: (${curve?.bits ?? "?"} bit)\n${pad}pub:\n` + bufPrint(key, indent + 4);
    out += `${pad}ASN1 OID: ${longName(curveOid)}\n`;
    if (curve?.nist) out += `${pad}NIST CURVE: ${curve.nist}\n`;
    return out;
  }
  if (oid === "1.3.101.112" || oid === "1.3.101.113") {
    return `${pad}${longName(oid)} Public-Key:\n${pad}pub:\n` + bufPrint(key, indent + 4);
  }
  return null;
}
