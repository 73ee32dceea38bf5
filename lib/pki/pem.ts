import { AppError } from "../errors";

/** Bytes backed by a plain ArrayBuffer, which WebCrypto and @peculiar/x509 take. */
export type Bytes = Uint8Array<ArrayBuffer>;

export interface PemBlock {
  label: string;
  der: Bytes;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;

/**
 * Every PEM block in a text, in order. Text outside blocks (openssl's "Bag Attributes", comments)
 * is ignored, as OpenSSL does. A block with a broken body or mismatched END line is an error that
 * says which block, rather than a silent skip that would hide a truncated paste.
 */
export function parsePemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  let index = 0;
  for (const match of text.matchAll(PEM_BLOCK)) {
    index += 1;
    const [, begin, body = "", end] = match;
    if (begin !== end) {
      throw new AppError("INVALID_PEM", `PEM block ${index} begins with "${begin}" but ends with "${end}".`);
    }
    const lines = body
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l.length > 0);
    // Encrypted legacy keys carry RFC 1421 headers ("Proc-Type: ...") before the base64 body.
    const base64 = lines.filter((l) => !/^[A-Za-z-]+:/.test(l)).join("");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 !== 0 || base64.length === 0) {
      throw new AppError(
        "INVALID_PEM",
        `The "${begin}" block is not valid base64: it may have been truncated or edited. Paste the whole block, from -----BEGIN to -----END.`,
      );
    }
    blocks.push({ label: begin!, der: new Uint8Array(Buffer.from(base64, "base64")) });
  }
  if (blocks.length === 0 && /-----BEGIN /.test(text)) {
    throw new AppError("INVALID_PEM", "The PEM text has a -----BEGIN line but no matching -----END line: it looks truncated.");
  }
  return blocks;
}

/**
 * PEM-encodes DER bytes with 64-character lines, as OpenSSL writes them (RFC 7468 2). Node's
 * base64 of a view of the bytes, sliced: a regular expression split cost ~7 us more per
 * certificate, and a string-at-a-time encoder more than signing a 100,000-entry CRL.
 */
export function toPem(der: Uint8Array | ArrayBuffer, label: string): string {
  const bytes = der instanceof Uint8Array ? der : new Uint8Array(der);
  const base64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
  const lines: string[] = [];
  for (let i = 0; i < base64.length; i += 64) lines.push(base64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/**
 * Reads input that is either PEM text or raw DER bytes (an upload) and returns the DER of the
 * single object with one of the wanted labels. `what` names the object in error messages.
 */
export function readPemOrDer(input: string | Uint8Array, labels: string[], what: string): Bytes {
  const text = typeof input === "string" ? input : looksLikeText(input) ? Buffer.from(input).toString("utf8") : null;
  if (text === null) return new Uint8Array(input as Uint8Array);
  if (text.trim().length === 0) throw new AppError("INVALID_PEM", `The ${what} is empty: paste the PEM text or upload the file.`);
  const blocks = parsePemBlocks(text);
  if (blocks.length === 0) {
    throw new AppError("INVALID_PEM", `That is not a PEM ${what}: expected a block starting with -----BEGIN ${labels[0]}-----.`);
  }
  const wanted = blocks.find((b) => labels.includes(b.label));
  if (!wanted) {
    const found = blocks.map((b) => b.label).join(", ");
    throw new AppError(
      "INVALID_PEM",
      `Expected a ${what} (-----BEGIN ${labels[0]}-----) but found ${found}.${hintFor(blocks[0]!.label, labels[0]!)}`,
    );
  }
  return wanted.der;
}

function hintFor(found: string, wanted: string): string {
  if (wanted === "CERTIFICATE REQUEST" && found === "CERTIFICATE") {
    return " You pasted a certificate; a CSR is what `openssl req -new` writes.";
  }
  if (found.includes("PRIVATE KEY")) return " Never paste private keys where they are not asked for.";
  return "";
}

function looksLikeText(bytes: Uint8Array): boolean {
  // DER always starts with a SEQUENCE tag (0x30); PEM starts with printable text.
  const first = bytes.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09);
  return first !== undefined && first !== 0x30;
}
