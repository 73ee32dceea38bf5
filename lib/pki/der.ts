/**
 * A minimal DER reader: tag-length-value nodes over the original bytes. Printing certificates
 * the way OpenSSL does needs the raw string tags, bytes and order that typed schemas hide.
 */
export interface Tlv {
  /** The identifier octet: class, constructed bit and tag number together. */
  tag: number;
  cls: "universal" | "application" | "context" | "private";
  constructed: boolean;
  tagNumber: number;
  /** The whole encoding (header + value). */
  der: Uint8Array;
  value: Uint8Array;
}

/**
 * Bytes that are not a DER encoding. `ber` marks encodings BER allows and DER forbids (X.690
 * 10.1-10.2, 8.1.2.4, 10.2: indefinite or non-minimal lengths, constructed strings, long-form tag
 * numbers under 31), which OpenSSL's decoder tolerates but RFC 5280 4.1 rules out for
 * certificates and CRLs: the message says so, so a user knows to re-encode rather than suspect
 * corruption.
 */
export class DerError extends Error {
  constructor(
    message: string,
    readonly ber = false,
  ) {
    super(message);
    this.name = "DerError";
  }
}

export function readTlv(bytes: Uint8Array, offset = 0): { node: Tlv; next: number } {
  if (offset + 2 > bytes.length) throw new DerError("truncated DER: no room for a header");
  const tag = bytes[offset]!;
  let tagNumber = tag & 0x1f;
  let pos = offset + 1;
  if (tagNumber === 0x1f) {
    tagNumber = 0;
    for (;;) {
      if (pos >= bytes.length) throw new DerError("truncated DER tag");
      const b = bytes[pos++]!;
      tagNumber = tagNumber * 128 + (b & 0x7f);
      if (!(b & 0x80)) break;
    }
  }
  if (pos >= bytes.length) throw new DerError("truncated DER length");
  let length = bytes[pos++]!;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0) throw new DerError(`an indefinite length at byte ${offset} (BER allows it, DER does not)`, true);
    if (count > 4) throw new DerError(`a length of ${count} octets at byte ${offset}, longer than any file cadesk reads`);
    length = 0;
    for (let i = 0; i < count; i++) {
      if (pos >= bytes.length) throw new DerError("truncated DER length");
      length = length * 256 + bytes[pos++]!;
    }
  }
  const end = pos + length;
  if (end > bytes.length) throw new DerError("truncated DER: a value runs past the end");
  const classes = ["universal", "application", "context", "private"] as const;
  return {
    node: {
      tag,
      cls: classes[tag >> 6]!,
      constructed: (tag & 0x20) !== 0,
      tagNumber,
      der: bytes.subarray(offset, end),
      value: bytes.subarray(pos, end),
    },
    next: end,
  };
}

export function parseDer(bytes: Uint8Array): Tlv {
  return readTlv(bytes, 0).node;
}

/** Universal types X.690 10.2 requires in primitive form (strings, times, and the scalars). */
const PRIMITIVE_ONLY = new Set([1, 2, 3, 4, 5, 6, 9, 10, 12, 13, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 30]);
const NESTING_LIMIT = 64;

/**
 * Walks a whole encoding and throws a DerError at the first place it is not DER: BER forms
 * (indefinite or non-minimal lengths, long-form tag numbers under 31, constructed strings) carry
 * `ber`, plain damage (truncation, trailing bytes) does not. Primitive contents (extension values
 * inside OCTET STRINGs) are not entered: OpenSSL decodes those lazily and prints what it cannot.
 */
export function assertDer(bytes: Uint8Array): Tlv {
  const walk = (buf: Uint8Array, base: number, depth: number) => {
    if (depth > NESTING_LIMIT) throw new DerError(`nested more than ${NESTING_LIMIT} levels deep`);
    let offset = 0;
    while (offset < buf.length) {
      const header = describeHeader(buf, offset, base);
      const { node, next } = readTlv(buf, offset);
      if (node.cls === "universal" && node.constructed && PRIMITIVE_ONLY.has(node.tagNumber))
        throw new DerError(
          `constructed ${universalName(node.tagNumber)} at byte ${base + offset} (BER allows strings in pieces, DER does not)`,
          true,
        );
      if (node.constructed) walk(node.value, base + offset + header, depth + 1);
      offset = next;
    }
  };
  const { node, next } = readTlv(bytes, 0);
  if (next !== bytes.length) throw new DerError(`${bytes.length - next} bytes follow the end of the DER object (at byte ${next})`);
  walk(bytes, 0, 0);
  return node;
}

/** The header length of the TLV at `offset`, after checking it is in DER's minimal form. */
function describeHeader(buf: Uint8Array, offset: number, base: number): number {
  let pos = offset + 1;
  if ((buf[offset]! & 0x1f) === 0x1f) {
    if (buf[pos] === 0x80) throw new DerError(`a tag number with a leading zero octet at byte ${base + offset}`, true);
    let n = 0;
    while (pos < buf.length && buf[pos]! & 0x80) n = n * 128 + (buf[pos++]! & 0x7f);
    n = n * 128 + ((buf[pos++] ?? 0) & 0x7f);
    if (n < 31) throw new DerError(`tag number ${n} in long form at byte ${base + offset} (DER uses the one-octet form below 31)`, true);
  }
  const first = buf[pos];
  if (first === 0x80) throw new DerError(`an indefinite length at byte ${base + offset} (BER allows it, DER does not)`, true);
  if (first !== undefined && first & 0x80) {
    const count = first & 0x7f;
    const lead = buf[pos + 1];
    if (lead === 0 || (count === 1 && lead !== undefined && lead < 0x80))
      throw new DerError(`a length in more octets than needed at byte ${base + offset} (BER allows it, DER does not)`, true);
    return pos + 1 + count - offset;
  }
  return pos + 1 - offset;
}

function universalName(tagNumber: number): string {
  const names: Record<number, string> = {
    3: "BIT STRING",
    4: "OCTET STRING",
    12: "UTF8String",
    19: "PrintableString",
    22: "IA5String",
    23: "UTCTime",
    24: "GeneralizedTime",
  };
  return names[tagNumber] ?? `universal type ${tagNumber}`;
}

/** The nodes inside a constructed node. */
export function children(node: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let offset = 0;
  while (offset < node.value.length) {
    const { node: child, next } = readTlv(node.value, offset);
    out.push(child);
    offset = next;
  }
  return out;
}

/** Dotted form; arcs as bigints, since fuzzed and private OIDs exceed 2^53. */
export function decodeOid(value: Uint8Array): string {
  const parts: bigint[] = [];
  let n = 0n;
  for (const b of value) {
    n = n * 128n + BigInt(b & 0x7f);
    if (!(b & 0x80)) {
      parts.push(n);
      n = 0n;
    }
  }
  const first = parts.shift() ?? 0n;
  const head = first < 80n ? [first / 40n, first % 40n] : [2n, first - 80n];
  return [...head, ...parts].join(".");
}

export function oidOf(node: Tlv): string {
  return decodeOid(node.value);
}

/** An INTEGER's value as a bigint (two's complement). */
export function integerOf(node: Tlv): bigint {
  let n = 0n;
  for (const b of node.value) n = (n << 8n) | BigInt(b);
  if (node.value.length && node.value[0]! & 0x80) n -= 1n << BigInt(node.value.length * 8);
  return n;
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8String: 0x0c,
  SEQUENCE: 0x30,
  SET: 0x31,
  PrintableString: 0x13,
  T61String: 0x14,
  IA5String: 0x16,
  UTCTime: 0x17,
  GeneralizedTime: 0x18,
  VisibleString: 0x1a,
  UniversalString: 0x1c,
  BMPString: 0x1e,
} as const;
