/**
 * ACME Renewal Information (RFC 9773). A certificate is named by its ARI certID:
 * base64url(AKI keyIdentifier) "." base64url(serial number DER content octets) (RFC 9773 4.1).
 * Pure: no storage.
 */
import { problem } from "./problem";

/** The DER content octets of a positive serial given as hex: minimal, with a 0x00 when the top bit is set. */
export function serialOctets(serialHex: string): Buffer {
  let hex = serialHex.toLowerCase().replace(/^(00)+/, "");
  if (hex.length % 2) hex = "0" + hex;
  const bytes = Buffer.from(hex || "00", "hex");
  return bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
}

export function ariCertId(akiHex: string, serialHex: string): string {
  return `${Buffer.from(akiHex, "hex").toString("base64url")}.${serialOctets(serialHex).toString("base64url")}`;
}

export function parseAriCertId(certId: string): { akiHex: string; serialHex: string } {
  const match = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(certId);
  if (!match) {
    throw problem.malformed(
      `"${certId.slice(0, 100)}" is not an ARI certificate identifier: base64url(authority key identifier) "." base64url(serial), RFC 9773 4.1.`,
    );
  }
  const aki = Buffer.from(match[1]!, "base64url");
  const serial = Buffer.from(match[2]!, "base64url");
  if (aki.length === 0 || serial.length === 0 || serial.length > 21) {
    throw problem.malformed(`"${certId.slice(0, 100)}" does not hold a key identifier and a serial number (RFC 9773 4.1).`);
  }
  return { akiHex: aki.toString("hex"), serialHex: serial.toString("hex") };
}
