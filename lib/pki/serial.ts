import { randomBytes } from "node:crypto";

/**
 * A random positive 128-bit serial as lowercase hex. RFC 5280 4.1.2.2 wants it positive and at
 * most 20 octets; CA/B Forum wants at least 64 random bits. Clearing the top bit keeps the DER
 * INTEGER positive without a 0x00 pad, and a non-zero first byte keeps its encoding at 16 octets.
 */
export function randomSerial(random: (size: number) => Uint8Array = randomBytes): string {
  const bytes = random(16);
  bytes[0] = bytes[0]! & 0x7f || 0x01;
  return Buffer.from(bytes).toString("hex");
}

/** Formats hex as OpenSSL's colon-separated uppercase pairs: "3A:0F:...". */
export function colonHex(hex: string): string {
  return (hex.length % 2 ? "0" + hex : hex).toUpperCase().match(/../g)!.join(":");
}
