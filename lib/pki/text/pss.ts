/**
 * RSASSA-PSS parameters (RFC 4055) as OpenSSL 3.0 prints them: after a signature algorithm
 * (rsa_pss_param_print, with its quirks: trailing indent, " Salt Length") and under an RSA-PSS
 * key (the provider's text encoder, with its own names such as "SHA2-256").
 */
import { children, integerOf, oidOf, type Tlv } from "../der";
import { longName } from "./oids";

interface PssParams {
  hash?: string;
  mgf?: string;
  mgfHash?: string;
  saltLength?: Uint8Array;
  trailer?: Uint8Array;
}

function readParams(params: Tlv | undefined): PssParams | null {
  if (!params || params.tag !== 0x30) return null;
  const out: PssParams = {};
  for (const field of children(params)) {
    const inner = children(field)[0];
    if (!inner) continue;
    if (field.tagNumber === 0) out.hash = oidOf(children(inner)[0]!);
    if (field.tagNumber === 1) {
      const [mgf, mgfParams] = children(inner);
      out.mgf = oidOf(mgf!);
      if (mgfParams) out.mgfHash = oidOf(children(mgfParams)[0]!);
    }
    if (field.tagNumber === 2) out.saltLength = inner.value;
    if (field.tagNumber === 3) out.trailer = inner.value;
  }
  return out;
}

/** i2a_ASN1_INTEGER: the magnitude in uppercase hex, without a sign octet. */
function hexUpper(bytes: Uint8Array): string {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  return bytes.length ? Array.from(bytes.subarray(start), (b) => b.toString(16).toUpperCase().padStart(2, "0")).join("") : "00";
}

/** The lines after "Signature Algorithm: rsassaPss" (which this continues with a trailing indent). */
export function pssSignatureParams(params: Tlv | undefined, indent: number): string {
  const pad = " ".repeat(indent);
  const pss = readParams(params);
  if (!pss) return `${pad}(INVALID PSS PARAMETERS)\n`;
  let out = `${pad}\n`;
  out += `${pad}Hash Algorithm: ${pss.hash ? longName(pss.hash) : "sha1 (default)"}\n`;
  out += `${pad}Mask Algorithm: ${pss.mgf ? `${longName(pss.mgf)} with ${pss.mgfHash ? longName(pss.mgfHash) : "INVALID"}` : "mgf1 with sha1 (default)"}\n`;
  out += `${pad} Salt Length: 0x${pss.saltLength ? hexUpper(pss.saltLength) : "14 (default)"}\n`;
  out += `${pad}Trailer Field: 0x${pss.trailer ? hexUpper(pss.trailer) : "01 (default)"}\n`;
  return out;
}

const PROVIDER_HASH_NAMES: Record<string, string> = {
  "1.3.14.3.2.26": "SHA1",
  "2.16.840.1.101.3.4.2.4": "SHA2-224",
  "2.16.840.1.101.3.4.2.1": "SHA2-256",
  "2.16.840.1.101.3.4.2.2": "SHA2-384",
  "2.16.840.1.101.3.4.2.3": "SHA2-512",
};
const SHA1 = "1.3.14.3.2.26";

/** The restriction lines under an RSA-PSS public key. */
export function pssKeyRestrictions(params: Tlv | undefined, indent: number): string {
  const pad = " ".repeat(indent);
  const pss = readParams(params);
  if (!pss) return `${pad}No PSS parameter restrictions\n`;
  const hash = pss.hash ?? SHA1;
  const mgfHash = pss.mgfHash ?? SHA1;
  const salt = pss.saltLength ? Number(integerOf({ value: pss.saltLength } as Tlv)) : 20;
  const trailer = pss.trailer ? Number(integerOf({ value: pss.trailer } as Tlv)) : 1;
  return (
    `${pad}PSS parameter restrictions:\n` +
    `${pad}  Hash Algorithm: ${PROVIDER_HASH_NAMES[hash] ?? hash}${hash === SHA1 ? " (default)" : ""}\n` +
    `${pad}  Mask Algorithm: MGF1 with ${PROVIDER_HASH_NAMES[mgfHash] ?? mgfHash}${mgfHash === SHA1 ? " (default)" : ""}\n` +
    `${pad}  Minimum Salt Length: ${salt}${salt === 20 ? " (default)" : ""}\n` +
    `${pad}  Trailer Field: 0x${trailer.toString(16)}${trailer === 1 ? " (default)" : ""}\n`
  );
}
