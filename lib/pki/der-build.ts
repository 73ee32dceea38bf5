/**
 * The few DER (X.690) encodings the certificate and CRL templates need: definite lengths,
 * minimal INTEGERs, RFC 5280 times, signature AlgorithmIdentifiers and ECDSA-Sig-Value.
 */
import type { KeyType } from "./key-types";

/** Octets of a definite length's encoding (X.690 8.1.3: short form below 128, else 0x80|count then the count's bytes). */
function lengthOctets(n: number): number {
  return n < 0x80 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : n < 0x1000000 ? 4 : 5;
}

/** One DER element: the tag, the definite length, the parts. One allocation, each part copied once (issue #13). */
export function tlv(tag: number, ...parts: Uint8Array[]): Buffer {
  let n = 0;
  for (const part of parts) n += part.length;
  const octets = lengthOctets(n);
  const out = Buffer.allocUnsafe(1 + octets + n);
  out[0] = tag;
  if (octets === 1) out[1] = n;
  else {
    out[1] = 0x80 | (octets - 1);
    for (let i = octets, v = n; i >= 2; i--, v = Math.floor(v / 256)) out[i] = v & 0xff;
  }
  let offset = 1 + octets;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export const SEQUENCE = 0x30;
export const INTEGER = 0x02;
export const BIT_STRING = 0x03;

/** A non-negative INTEGER in minimal form (leading zeros dropped, 0x00 before a high bit), as toPositiveIntegerOctets does. */
export function unsignedInteger(bytes: Uint8Array): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const trimmed = bytes.subarray(i);
  return tlv(INTEGER, ...(trimmed.length === 0 ? [Buffer.from([0])] : trimmed[0]! > 0x7f ? [Buffer.from([0]), trimmed] : [trimmed]));
}

const two = (n: number) => String(n).padStart(2, "0");

/** RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050, whole seconds, Z. */
export function derTime(date: Date): Buffer {
  const y = date.getUTCFullYear();
  const rest = `${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}${two(date.getUTCHours())}${two(date.getUTCMinutes())}${two(date.getUTCSeconds())}Z`;
  return y > 2049 ? tlv(0x18, Buffer.from(`${y}${rest}`, "latin1")) : tlv(0x17, Buffer.from(`${two(y % 100)}${rest}`, "latin1"));
}

// ---- Signature algorithms (RFC 5758 3.2, RFC 4055 5, RFC 8410 3) --------------------------------

const ALGORITHM_IDENTIFIER: Record<KeyType, Buffer> = {
  "ecdsa-p256": Buffer.from("300a06082a8648ce3d040302", "hex"),
  "ecdsa-p384": Buffer.from("300a06082a8648ce3d040303", "hex"),
  ed25519: Buffer.from("300506032b6570", "hex"),
  "rsa-2048": Buffer.from("300d06092a864886f70d01010b0500", "hex"),
  "rsa-3072": Buffer.from("300d06092a864886f70d01010b0500", "hex"),
  "rsa-4096": Buffer.from("300d06092a864886f70d01010b0500", "hex"),
};

/** WebCrypto's ECDSA signature (IEEE P1363 r||s) as the ECDSA-Sig-Value X.509 carries (RFC 3279 2.2.3). */
export function ecdsaSigValue(p1363: Uint8Array): Buffer {
  const half = p1363.length / 2;
  return tlv(SEQUENCE, unsignedInteger(p1363.subarray(0, half)), unsignedInteger(p1363.subarray(half)));
}

/** The signature AlgorithmIdentifier for what a CA's key signs (as @peculiar/x509 writes it). */
export function algorithmIdentifier(keyType: KeyType): Buffer {
  return ALGORITHM_IDENTIFIER[keyType];
}
