/**
 * Certificate Transparency SCT lists (RFC 6962 3.3) as OpenSSL prints them (crypto/ct/ct_prn.c).
 */
import { TAG, type Tlv } from "../der";
import { printTime } from "./time";

/** BIO_hex_string: uppercase pairs, 16 a line, continuation lines at `indent`. */
function hexString(bytes: Uint8Array, indent: number): string {
  let out = "";
  bytes.forEach((b, i) => {
    if (i && i % 16 === 0) out += " ".repeat(indent);
    out += b.toString(16).toUpperCase().padStart(2, "0");
    if (i < bytes.length - 1) out += ":" + ((i + 1) % 16 === 0 ? "\n" : "");
  });
  return out;
}

/** The GeneralizedTime OpenSSL builds from milliseconds since the epoch, with .mmm kept. */
function timestamp(ms: bigint): string {
  const iso = new Date(Number(ms)).toISOString(); // 2023-03-20T20:43:46.537Z
  const text = iso.replace(/[-:T]/g, "").replace(/\.(\d{3})Z$/, ".$1Z");
  return printTime({ tag: TAG.GeneralizedTime, value: new Uint8Array(Buffer.from(text, "latin1")) } as Tlv);
}

const SIGNATURES: Record<string, string> = { "4,3": "ecdsa-with-SHA256", "4,1": "sha256WithRSAEncryption" };

/**
 * The list's text, or null where OpenSSL rejects the list and prints raw octets instead: it
 * refuses every SCT whose hash/signature pair it cannot name (o2i_SCT_signature).
 */
export function printSctList(octets: Uint8Array, indent: number): string | null {
  const data = Buffer.from(octets);
  const pad = (n: number) => " ".repeat(n);
  const entries: string[] = [];
  let offset = 2;
  const end = 2 + data.readUInt16BE(0);
  while (offset < end) {
    const length = data.readUInt16BE(offset);
    const sct = data.subarray(offset + 2, offset + 2 + length);
    offset += 2 + length;
    let out = `${pad(indent)}Signed Certificate Timestamp:\n${pad(indent + 4)}Version   : `;
    if (sct[0] !== 0) {
      entries.push(out + `unknown\n${pad(indent + 16)}` + hexString(sct, indent + 16));
      continue;
    }
    const logId = sct.subarray(1, 33);
    const time = sct.readBigUInt64BE(33);
    const extLength = sct.readUInt16BE(41);
    const extensions = sct.subarray(43, 43 + extLength);
    let p = 43 + extLength;
    const hash = sct[p]!;
    const sig = sct[p + 1]!;
    const sigLength = sct.readUInt16BE(p + 2);
    const signature = sct.subarray(p + 4, p + 4 + sigLength);
    p += 4 + sigLength;
    out += "v1 (0x0)";
    out += `\n${pad(indent + 4)}Log ID    : ${hexString(logId, indent + 16)}`;
    out += `\n${pad(indent + 4)}Timestamp : ${timestamp(time)}`;
    out += `\n${pad(indent + 4)}Extensions: ${extLength ? hexString(extensions, indent + 16) : "none"}`;
    const name = SIGNATURES[`${hash},${sig}`];
    if (!name) return null;
    out += `\n${pad(indent + 4)}Signature : ${name}`;
    out += `\n${pad(indent + 4)}            ${hexString(signature, indent + 16)}`;
    entries.push(out);
  }
  return entries.join("\n");
}
