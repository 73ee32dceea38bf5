import { randomFillSync } from "node:crypto";

/**
 * The CSPRNG bytes every serial is made of, drawn 4 KiB (256 serials) at a time: one
 * randomBytes(16) per certificate was ~4 us in-process and ~20 us in the server under load (each
 * call is a crypto job with its async hooks, and Next wraps it). Serials stay 127 bits of the
 * CSPRNG's output (CA/B Forum BR 7.1: at least 64), each byte used once.
 */
const serialPool = { bytes: Buffer.alloc(4096), used: 4096 };
export function pooledRandom(size: number): Uint8Array {
  if (serialPool.used + size > serialPool.bytes.length) {
    randomFillSync(serialPool.bytes);
    serialPool.used = 0;
  }
  const out = serialPool.bytes.subarray(serialPool.used, serialPool.used + size);
  serialPool.used += size;
  return out;
}

/**
 * A random positive 128-bit serial as lowercase hex. RFC 5280 4.1.2.2 wants it positive and at
 * most 20 octets; CA/B Forum wants at least 64 random bits. Clearing the top bit keeps the DER
 * INTEGER positive without a 0x00 pad, and a non-zero first byte keeps its encoding at 16 octets.
 */
export function randomSerial(random: (size: number) => Uint8Array = pooledRandom): string {
  const bytes = random(16);
  bytes[0] = bytes[0]! & 0x7f || 0x01;
  return Buffer.from(bytes).toString("hex");
}

/** Formats hex as OpenSSL's colon-separated uppercase pairs: "3A:0F:...". */
export function colonHex(hex: string): string {
  return (hex.length % 2 ? "0" + hex : hex).toUpperCase().match(/../g)!.join(":");
}
