/** OpenSSL's hex dump layouts, shared by keys, signatures and extensions. */

const hex = (b: number) => b.toString(16).padStart(2, "0");

/** Lowercase colon-separated hex, `perLine` bytes a line, each line indented. */
function hexDump(bytes: Uint8Array, indent: number, perLine: number): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += perLine) {
    const chunk = Array.from(bytes.subarray(i, i + perLine), hex).join(":");
    lines.push(" ".repeat(indent) + chunk + (i + perLine < bytes.length ? ":" : ""));
  }
  return lines.join("\n") + "\n";
}

/** ASN1_buf_print (keys): 15 bytes a line. */
export const bufPrint = (bytes: Uint8Array, indent: number) => hexDump(bytes, indent, 15);

/** X509_signature_dump: 18 bytes a line. */
export const signatureDump = (bytes: Uint8Array, indent: number) => hexDump(bytes, indent, 18);

/** ASN1_bn_print: small numbers as "name value (0xhex)", larger ones as a 15-a-line dump. */
export function bnPrint(label: string, magnitude: Uint8Array, indent: number): string {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const bytes = magnitude.subarray(start);
  const pad = " ".repeat(indent);
  if (bytes.length === 1 && bytes[0] === 0) return `${pad}${label} 0\n`;
  if (bytes.length <= 8) {
    const n = BigInt("0x" + Buffer.from(bytes).toString("hex"));
    return `${pad}${label} ${n} (0x${n.toString(16)})\n`;
  }
  const withSign = bytes[0]! & 0x80 ? new Uint8Array([0, ...bytes]) : bytes;
  return `${pad}${label}\n` + bufPrint(withSign, indent + 4);
}

/** i2s_ASN1_OCTET_STRING: uppercase hex pairs joined by ":". */
export function upperHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => hex(b).toUpperCase()).join(":");
}

/** ASN1_STRING_print: printable ASCII as is (with CR/LF), anything else as ".". */
export function asciiPrint(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => (b > 0x7e || (b < 0x20 && b !== 0x0a && b !== 0x0d) ? "." : String.fromCharCode(b))).join("");
}
