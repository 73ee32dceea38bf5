/**
 * Random but valid certificates and CSRs for the text-view differential test, reproducible from
 * a seed. Names are written in ASN1_generate_nconf syntax (one `openssl asn1parse -genconf` run
 * encodes them all), so openssl itself produces every string type and raw byte: DirectoryString
 * types, IA5String with bytes 0x80-0xFF, BMPString and UniversalString, empty and very long
 * values, multi-valued RDNs. Extensions are built here as DER: every GeneralName kind, policies
 * and notices, name constraints, the common extensions and unusual or unknown ones.
 */
import { encodeTree, type DerNode } from "./der-tree";

/** mulberry32: small, fast, and the same sequence on every machine. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const chance = (p: number) => next() < p;
  return { next, int, pick, chance };
}
export type Rng = ReturnType<typeof prng>;

const ATTRIBUTES = [
  "2.5.4.3", // CN
  "2.5.4.6", // C
  "2.5.4.7", // L
  "2.5.4.8", // ST
  "2.5.4.9", // street
  "2.5.4.10", // O
  "2.5.4.11", // OU
  "2.5.4.5", // serialNumber
  "2.5.4.12", // title
  "2.5.4.13", // description
  "2.5.4.15", // businessCategory
  "2.5.4.17", // postalCode
  "2.5.4.4", // SN
  "2.5.4.42", // GN
  "2.5.4.43", // initials
  "2.5.4.46", // dnQualifier
  "2.5.4.65", // pseudonym
  "2.5.4.97", // organizationIdentifier
  "1.2.840.113549.1.9.1", // emailAddress
  "0.9.2342.19200300.100.1.25", // DC
  "0.9.2342.19200300.100.1.1", // UID
  "1.3.6.1.4.1.311.60.2.1.3", // jurisdictionC
  "1.2.3.4.5.6.7", // unknown
  "2.999.12345", // unknown, large arc
];

/**
 * The string tags OpenSSL reads in names: UTF8, Numeric, Printable, T61, IA5, Universal, BMP
 * (VisibleString and the other ISO 2022 types are refused there; notices below use them).
 */
const STRING_TAGS = [12, 18, 19, 20, 22, 28, 30] as const;

const ASCII_SPECIALS = " ,+\"\\<>;#=/.-_:@*()!?'";

/** Code points for a value: ASCII with RFC 2253 specials, controls, Latin-1, other scripts, astral. */
function codePoints(rng: Rng, tag: number): number[] {
  const style = rng.pick(["ascii", "ascii", "specials", "controls", "high", "unicode", "empty", "long"] as const);
  const length = style === "long" ? rng.int(100, 700) : style === "empty" ? 0 : rng.int(1, 24);
  const wide = tag === 12 || tag === 28 || tag === 30;
  const out: number[] = [];
  for (let i = 0; i < length; i++) {
    const r = rng.next();
    if (style === "ascii" || style === "long" || r < 0.4)
      out.push(rng.pick([rng.int(0x61, 0x7a), rng.int(0x41, 0x5a), rng.int(0x30, 0x39), 0x20]));
    else if (style === "specials") out.push(ASCII_SPECIALS.charCodeAt(rng.int(0, ASCII_SPECIALS.length - 1)));
    else if (style === "controls") out.push(rng.pick([0, 1, 9, 10, 13, 0x1b, 0x1f, 0x7f]));
    else if (style === "high" || !wide) out.push(rng.int(0x80, 0xff));
    else {
      const ranges: [number, number][] = [
        [0xa0, 0xff],
        [0x391, 0x3c9],
        [0x410, 0x44f],
        [0x4e00, 0x4fff],
        [0xfffd, 0xfffd],
        [0x1f600, 0x1f64f],
      ];
      const [lo, hi] = rng.pick(tag === 30 ? ranges.slice(0, 5) : ranges);
      out.push(rng.int(lo, hi));
    }
  }
  return out;
}

/** The content octets of a string of that type holding those code points. */
function encodeString(tag: number, points: number[]): Uint8Array {
  if (tag === 12) return new Uint8Array(Buffer.from(String.fromCodePoint(...points), "utf8"));
  if (tag === 30) return new Uint8Array(points.flatMap((p) => [p >> 8, p & 255]));
  if (tag === 28) return new Uint8Array(points.flatMap((p) => [p >>> 24, (p >> 16) & 255, (p >> 8) & 255, p & 255]));
  return new Uint8Array(points.map((p) => p & 255));
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex").toUpperCase();
const GENCONF_NAMES: Record<number, string> = {
  12: "UTF8",
  19: "PRINTABLESTRING",
  22: "IA5",
  26: "VISIBLESTRING",
  30: "BMP",
  28: "UNIV",
  20: "T61",
};

/**
 * One value in ASN1_generate_nconf syntax: the type's own keyword for plain alphanumeric text
 * (openssl converts it, to BMP and UniversalString too), else the raw octets re-tagged from an
 * OCTET STRING (`IMP:22U,FORMAT:HEX,OCT:...`), which is how bytes outside a type's alphabet get in.
 */
export function genconfValue(tag: number, content: Uint8Array, points: number[]): string {
  const plain = points.length > 0 && points.every((p) => /[A-Za-z0-9]/.test(String.fromCharCode(p))) && points.length < 60;
  const keyword = GENCONF_NAMES[tag];
  if (plain && keyword) return `${keyword}:${String.fromCharCode(...points)}`;
  return content.length ? `IMP:${tag}U,FORMAT:HEX,OCT:${hex(content)}` : `IMP:${tag}U,OCT:`;
}

export interface GeneratedName {
  /** ASN1_generate_nconf sections for this name; the first is `[<id>]`. */
  sections: string[];
  id: string;
}

/** A random Name: 0-5 RDNs, some multi-valued, every string type. */
export function randomName(rng: Rng, id: string): GeneratedName {
  const sections: string[] = [];
  const rdns = rng.chance(0.05) ? 0 : rng.int(1, 5);
  const top: string[] = [];
  for (let r = 0; r < rdns; r++) {
    const set: string[] = [];
    const count = rng.chance(0.2) ? rng.int(2, 3) : 1;
    for (let a = 0; a < count; a++) {
      const tag = rng.pick(STRING_TAGS);
      const points = codePoints(rng, tag);
      const atv = `${id}_${r}_${a}`;
      sections.push(`[${atv}]\ntype = OID:${rng.pick(ATTRIBUTES)}\nvalue = ${genconfValue(tag, encodeString(tag, points), points)}\n`);
      set.push(`a${a} = SEQUENCE:${atv}`);
    }
    sections.push(`[${id}_${r}]\n${set.join("\n")}\n`);
    top.push(`r${r} = SET:${id}_${r}`);
  }
  sections.unshift(`[${id}]\n${top.join("\n")}\n`);
  return { sections, id };
}

// --- raw DER for extension values --------------------------------------------------------

const node = (tag: number, value: Uint8Array | number[]): DerNode => ({
  tag,
  value: value instanceof Uint8Array ? value : new Uint8Array(value),
});
const cons = (tag: number, children: DerNode[]): DerNode => ({ tag, children });
const seq = (...children: DerNode[]) => cons(0x30, children);
const ascii = (s: string) => new Uint8Array(Buffer.from(s, "latin1"));

export function oidBytes(oid: string): Uint8Array {
  const parts = oid.split(".").map(Number);
  const arcs = [parts[0]! * 40 + parts[1]!, ...parts.slice(2)];
  const out: number[] = [];
  for (const arc of arcs) {
    const group: number[] = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) group.unshift((v & 0x7f) | 0x80);
    out.push(...group);
  }
  return new Uint8Array(out);
}
const oidNode = (oid: string) => node(0x06, oidBytes(oid));

/** An IA5 value: a host, address or URI, sometimes with bytes 0x80-0xFF or controls. */
function ia5(rng: Rng, kind: "dns" | "email" | "uri"): Uint8Array {
  const base =
    kind === "dns"
      ? `h${rng.int(0, 999)}.example.com`
      : kind === "email"
        ? `u${rng.int(0, 99)}@example.org`
        : `https://example.net/p${rng.int(0, 99)}`;
  const bytes = Array.from(ascii(base));
  if (rng.chance(0.35)) bytes.splice(rng.int(0, bytes.length), 0, ...Array.from({ length: rng.int(1, 4) }, () => rng.int(0x80, 0xff)));
  if (rng.chance(0.1)) bytes.splice(rng.int(0, bytes.length), 0, rng.pick([0, 9, 10, 13, 0x7f]));
  if (rng.chance(0.05)) return new Uint8Array();
  return new Uint8Array(bytes);
}

/** Every GeneralName kind (RFC 5280 4.2.1.6), the directory names taken from `dirNames`. */
export function randomGeneralName(rng: Rng, dirNames: Uint8Array[]): DerNode {
  switch (rng.int(0, 8)) {
    case 0: {
      const type = rng.pick(["1.3.6.1.4.1.311.20.2.3", "1.3.6.1.5.5.7.8.9", "1.3.6.1.5.5.7.8.5", "1.2.3.4.99"]);
      const valueTag = rng.pick([12, 12, 22, 0x04, 0x02]);
      const value = valueTag === 0x02 ? [1, rng.int(0, 127)] : Array.from(ia5(rng, "email"));
      return cons(0xa0, [oidNode(type), cons(0xa0, [node(valueTag, valueTag === 0x02 ? value.slice(1) : value)])]);
    }
    case 1:
      return node(0x81, ia5(rng, "email"));
    case 2:
      return node(0x82, ia5(rng, "dns"));
    case 3:
      return cons(0xa3, [seq(node(0x13, ascii("x400")))]);
    case 4:
      return { tag: 0xa4, value: rng.pick(dirNames) };
    case 5:
      return cons(0xa5, [cons(0xa1, [node(0x0c, ascii("party"))])]);
    case 6:
      return node(0x86, ia5(rng, "uri"));
    case 7: {
      const length = rng.pick([4, 4, 16, 16, 0, 5, 8]);
      return node(
        0x87,
        Array.from({ length }, () => rng.int(0, 255)),
      );
    }
    default:
      return node(0x88, oidBytes(`1.2.${rng.int(0, 9999)}.${rng.int(0, 99)}`));
  }
}

const generalNames = (rng: Rng, dirNames: Uint8Array[], min = 1) =>
  seq(...Array.from({ length: rng.int(min, 5) }, () => randomGeneralName(rng, dirNames)));

function displayText(rng: Rng): DerNode {
  const tag = rng.pick([22, 26, 30, 12]);
  const points = codePoints(rng, tag).slice(0, 200);
  return node(tag, encodeString(tag, points));
}

/** Extensions openssl's config language cannot say, or not with every byte: written as DER. */
export function rawExtensions(rng: Rng, dirNames: Uint8Array[]): [string, Uint8Array][] {
  const out: [string, Uint8Array][] = [];
  const add = (p: number, name: string, value: () => DerNode) => {
    if (rng.chance(p)) out.push([name, encodeTree(value())]);
  };
  add(0.55, "2.5.29.17", () => generalNames(rng, dirNames));
  add(0.2, "2.5.29.18", () => generalNames(rng, dirNames));
  add(0.25, "2.5.29.31", () =>
    seq(
      ...Array.from({ length: rng.int(1, 3) }, () => {
        const parts: DerNode[] = [];
        if (rng.chance(0.8)) parts.push(cons(0xa0, [cons(0xa0, generalNames(rng, dirNames).children!)]));
        if (rng.chance(0.2)) parts.push(node(0x81, [rng.int(0, 7), rng.int(0, 255) & 0xfe]));
        if (rng.chance(0.2)) parts.push(cons(0xa2, generalNames(rng, dirNames).children!));
        return seq(...parts);
      }),
    ),
  );
  add(0.3, "1.3.6.1.5.5.7.1.1", () =>
    seq(
      ...Array.from({ length: rng.int(1, 3) }, () =>
        seq(oidNode(rng.pick(["1.3.6.1.5.5.7.48.1", "1.3.6.1.5.5.7.48.2", "1.2.3.4"])), randomGeneralName(rng, dirNames)),
      ),
    ),
  );
  add(0.1, "1.3.6.1.5.5.7.1.11", () => seq(seq(oidNode("1.3.6.1.5.5.7.48.5"), randomGeneralName(rng, dirNames))));
  add(0.3, "2.5.29.32", () =>
    seq(
      ...Array.from({ length: rng.int(1, 3) }, (_, i) => {
        const qualifiers: DerNode[] = [];
        if (rng.chance(0.5)) qualifiers.push(seq(oidNode("1.3.6.1.5.5.7.2.1"), node(0x16, ia5(rng, "uri"))));
        if (rng.chance(0.5)) {
          const notice: DerNode[] = [];
          if (rng.chance(0.4))
            notice.push(seq(displayText(rng), seq(...Array.from({ length: rng.int(1, 3) }, () => node(0x02, [rng.int(1, 120)])))));
          if (rng.chance(0.8)) notice.push(displayText(rng));
          qualifiers.push(seq(oidNode("1.3.6.1.5.5.7.2.2"), seq(...notice)));
        }
        return seq(
          oidNode(rng.chance(0.2) ? "2.5.29.32.0" : `1.3.6.1.4.1.${rng.int(1, 60000)}.${i}`),
          ...(qualifiers.length ? [seq(...qualifiers)] : []),
        );
      }),
    ),
  );
  add(0.15, "2.5.29.30", () => {
    const subtrees = (tag: number) =>
      cons(
        tag,
        Array.from({ length: rng.int(1, 3) }, () => {
          const gn = rng.chance(0.3)
            ? node(
                0x87,
                Array.from({ length: rng.pick([8, 32]) }, () => rng.int(0, 255)),
              )
            : randomGeneralName(rng, dirNames);
          return seq(gn);
        }),
      );
    return seq(...(rng.chance(0.7) ? [subtrees(0xa0)] : []), ...(rng.chance(0.5) ? [subtrees(0xa1)] : [subtrees(0xa1)]));
  });
  add(0.15, "2.16.840.1.113730.1.13", () => displayText(rng));
  add(0.1, "2.5.29.16", () => seq(node(0x80, ascii("20250101000000Z")), node(0x81, ascii("20300101000000Z"))));
  add(0.15, `1.2.3.${rng.int(1, 99)}`, () => rng.pick([seq(node(0x0c, ascii("x"))), node(0x04, [1, 2, 3]), displayText(rng)]));
  add(0.05, "2.5.29.17", () => seq());
  return out;
}

const KEY_USAGE_BITS = 9;
const EKUS = [
  "1.3.6.1.5.5.7.3.1",
  "1.3.6.1.5.5.7.3.2",
  "1.3.6.1.5.5.7.3.3",
  "1.3.6.1.5.5.7.3.4",
  "1.3.6.1.5.5.7.3.8",
  "1.3.6.1.5.5.7.3.9",
  "1.3.6.1.5.5.7.3.17",
  "2.5.29.37.0",
  "1.2.3.4.5",
];

/** A BIT STRING of named bits, DER-trimmed (X.690 11.2.2: no trailing zero bits). */
function namedBits(bits: number[]): DerNode {
  const max = Math.max(-1, ...bits);
  if (max < 0) return node(0x03, [0]);
  const bytes = new Array(Math.floor(max / 8) + 1).fill(0);
  for (const b of bits) bytes[b >> 3] |= 0x80 >> (b & 7);
  return node(0x03, [7 - (max % 8), ...bytes]);
}

const integer = (n: number) => {
  const bytes: number[] = [];
  let v = n;
  do {
    bytes.unshift(v & 0xff);
    v = Math.floor(v / 256);
  } while (v > 0);
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return node(0x02, bytes);
};

/** The common extensions (what openssl's config words make), encoded here. */
export function commonExtensions(rng: Rng): [string, Uint8Array][] {
  const out: [string, Uint8Array][] = [];
  const add = (p: number, oid: string, value: () => DerNode) => {
    if (rng.chance(p)) out.push([oid, encodeTree(value())]);
  };
  add(0.6, "2.5.29.19", () =>
    seq(...(rng.chance(0.5) ? [node(0x01, [0xff]), ...(rng.chance(0.5) ? [integer(rng.int(0, 300))] : [])] : [])),
  );
  add(0.6, "2.5.29.15", () => namedBits(Array.from({ length: KEY_USAGE_BITS }, (_, i) => i).filter(() => rng.chance(0.35))));
  add(0.5, "2.5.29.37", () => seq(...EKUS.filter(() => rng.chance(0.35)).map(oidNode)));
  add(0.5, "2.5.29.14", () =>
    node(
      0x04,
      Array.from({ length: rng.pick([20, 20, 8, 32, 1]) }, () => rng.int(0, 255)),
    ),
  );
  add(0.3, "2.5.29.35", () => {
    const parts: DerNode[] = [
      node(
        0x80,
        Array.from({ length: 20 }, () => rng.int(0, 255)),
      ),
    ];
    if (rng.chance(0.3)) parts.push(cons(0xa1, [randomGeneralNameSimple(rng)]), node(0x82, [rng.int(1, 127), rng.int(0, 255)]));
    return seq(...parts);
  });
  add(0.1, "2.5.29.36", () =>
    seq(...(rng.chance(0.7) ? [node(0x80, [rng.int(0, 5)])] : []), ...(rng.chance(0.5) ? [node(0x81, [rng.int(0, 5)])] : [])),
  );
  add(0.1, "2.5.29.54", () => integer(rng.int(0, 5)));
  add(0.1, "2.5.29.33", () => seq(seq(oidNode(`1.2.3.${rng.int(1, 9)}`), oidNode(`1.2.4.${rng.int(1, 9)}`))));
  add(0.1, "1.3.6.1.5.5.7.1.24", () => seq(integer(rng.pick([5, 17, 3]))));
  add(0.1, "2.16.840.1.113730.1.1", () => namedBits(Array.from({ length: 8 }, (_, i) => i).filter(() => rng.chance(0.4))));
  return out;
}

function randomGeneralNameSimple(rng: Rng): DerNode {
  return node(0x82, ascii(`ca${rng.int(0, 99)}.example.com`));
}
