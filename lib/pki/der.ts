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

export class DerError extends Error {}

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
    if (count === 0 || count > 4) throw new DerError("unsupported DER length");
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

export function decodeOid(value: Uint8Array): string {
  const parts: number[] = [];
  let n = 0;
  for (const b of value) {
    n = n * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      parts.push(n);
      n = 0;
    }
  }
  const first = parts.shift() ?? 0;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
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
