/**
 * A leaf's subject Name (RFC 5280 4.1.2.6) encoded and read directly (issue #13), instead of
 * through @peculiar/x509's ASN.1 object graph: parsing a CSR's subject and serializing it again
 * cost ~90 us per issuance there, building the form's one ~45 us, and both fed the GC.
 *
 * The result is an x509.Name (a subclass), so everything that takes one still does, and it is
 * byte-for-byte what x509.Name makes of the same input: the same DER (the same attribute order and
 * string types: PrintableString when the value fits X.520's PrintableString alphabet, IA5String
 * for E and DC, UTF8String otherwise), the same DN text the store keeps (x509.Name's toString
 * escaping, quirks included), the same getField and toJSON (subject-name.test.ts compares every
 * subject shape the form and CSRs produce). Only the plain shapes are handled here: one attribute
 * per RDN, a type @peculiar/x509 names, a string value without quotes or backslashes (which its
 * parser rewrites), and from DER only PrintableString, IA5String and UTF8String values that read
 * back to the same bytes. Anything else is left to x509.Name itself, so its behaviour, and its
 * errors, stay exactly what they were.
 */
import { x509 } from "./crypto-provider";
import { tlv, SEQUENCE } from "./der-build";
import { readTlv } from "./der";

/** The attribute types x509.Name knows by name (its `names` table), by OID DER content (hex). */
const TYPES: Record<string, { name: string; oid: string }> = {
  "550403": { name: "CN", oid: "2.5.4.3" },
  "550407": { name: "L", oid: "2.5.4.7" },
  "550408": { name: "ST", oid: "2.5.4.8" },
  "55040a": { name: "O", oid: "2.5.4.10" },
  "55040b": { name: "OU", oid: "2.5.4.11" },
  "550406": { name: "C", oid: "2.5.4.6" },
  "0992268993f22c640119": { name: "DC", oid: "0.9.2342.19200300.100.1.25" },
  "2a864886f70d010901": { name: "E", oid: "1.2.840.113549.1.9.1" },
  "55042a": { name: "G", oid: "2.5.4.42" },
  "55042b": { name: "I", oid: "2.5.4.43" },
  "550404": { name: "SN", oid: "2.5.4.4" },
  "55040c": { name: "T", oid: "2.5.4.12" },
};
const BY_NAME = new Map(Object.entries(TYPES).map(([hex, t]) => [t.name, { ...t, der: Buffer.from(hex, "hex") }]));
const BY_OID = new Map([...BY_NAME.values()].map((t) => [t.oid, t]));

const PRINTABLE_STRING = 0x13;
const IA5_STRING = 0x16;
const UTF8_STRING = 0x0c;
const SET = 0x31;
const OID = 0x06;

/** x509.Name.isPrintableString: the alphabet of X.520 PrintableString. */
const PRINTABLE = /^[A-Za-z0-9 '()+,-./:=?]*$/;
const VISIBLE_ASCII = /^[\x20-\x7e]*$/;

/** x509.Name's escaping of a value in its DN text (RFC 4514 2.4 in part; only the first CR, LF or TAB is hex-escaped, as there). */
function escapeValue(value: string): string {
  return value
    .replace(/([,+"\\<>;])/g, "\\$1")
    .replace(/^([ #])/, "\\$1")
    .replace(/([ ]$)/, "\\$1")
    .replace(/([\r\n\t])/, (_match, char: string) => `\\${Buffer.from(char, "utf8").toString("hex").toUpperCase()}`);
}

interface Attribute {
  name: string;
  oid: string;
  value: string;
}

/** A subject Name whose DER, DN text and fields are known without @peculiar/x509's ASN.1 objects. */
export class DerName extends x509.Name {
  /** The Name's DER, as it goes into the certificate. */
  readonly der: Uint8Array<ArrayBuffer>;
  readonly #attributes: Attribute[];
  #text?: string;

  constructor(der: Uint8Array<ArrayBuffer>, attributes: Attribute[]) {
    super([]);
    this.der = der;
    this.#attributes = attributes;
  }

  override getField(idOrName: string): string[] {
    const oid = BY_NAME.get(idOrName)?.oid ?? idOrName;
    const out: string[] = [];
    for (const a of this.#attributes) if (a.oid === oid) out.push(a.value);
    return out;
  }

  override toString(): string {
    return (this.#text ??= this.#attributes.map((a) => `${a.name}=${escapeValue(a.value)}`).join(", "));
  }

  override toJSON(): x509.JsonName {
    return this.#attributes.map((a) => ({ [a.name]: [a.value] }));
  }

  override toArrayBuffer(): ArrayBuffer {
    return this.der.slice().buffer;
  }
}

// x509.Name's own ASN.1 object (private there), for code that reaches into it: read from the DER
// when asked. An accessor on the prototype, so x509.Name's constructor assigning it lands nowhere.
const asnOf = new WeakMap<DerName, unknown>();
Object.defineProperty(DerName.prototype, "asn", {
  configurable: true,
  get(this: DerName) {
    if (!asnOf.has(this)) asnOf.set(this, (new x509.Name(this.der) as unknown as { asn: unknown }).asn);
    return asnOf.get(this);
  },
  set() {},
});

/** A Name's DER: DerName's own bytes, or x509.Name's serialization. */
export function nameDer(name: x509.Name): Uint8Array {
  return name instanceof DerName ? name.der : new Uint8Array(name.toArrayBuffer());
}

function encode(attributes: { der: Buffer; tag: number; bytes: Buffer }[]): Uint8Array<ArrayBuffer> {
  return new Uint8Array(tlv(SEQUENCE, ...attributes.map((a) => tlv(SET, tlv(SEQUENCE, tlv(OID, a.der), tlv(a.tag, a.bytes))))));
}

/**
 * The Name x509.Name builds from this JSON (`[{C: ["DE"]}, {O: ["Acme"]}, {CN: ["api"]}]`), as a
 * DerName when every RDN is one plain attribute; otherwise x509.Name itself.
 */
export function nameFromJson(rdns: x509.JsonName): x509.Name {
  const attributes: Attribute[] = [];
  const parts: { der: Buffer; tag: number; bytes: Buffer }[] = [];
  for (const rdn of rdns) {
    const keys = Object.keys(rdn);
    const values = keys.length === 1 ? rdn[keys[0]!] : undefined;
    const type = BY_NAME.get(keys[0]!);
    const value = values?.length === 1 ? values[0] : undefined;
    // x509.Name reads "#..." as hex and rewrites quotes and backslashes; an empty value is its own case there.
    if (!type || typeof value !== "string" || value === "" || value.startsWith("#") || /["\\]/.test(value)) return new x509.Name(rdns);
    let tag: number;
    if (type.name === "E" || type.name === "DC") {
      if (!VISIBLE_ASCII.test(value)) return new x509.Name(rdns);
      tag = IA5_STRING;
    } else tag = PRINTABLE.test(value) ? PRINTABLE_STRING : UTF8_STRING;
    const bytes = Buffer.from(value, tag === UTF8_STRING ? "utf8" : "latin1");
    // A lone surrogate has no UTF-8 form (x509.Name throws on it).
    if (tag === UTF8_STRING && bytes.toString("utf8") !== value) return new x509.Name(rdns);
    attributes.push({ name: type.name, oid: type.oid, value });
    parts.push({ der: type.der, tag, bytes });
  }
  return new DerName(encode(parts), attributes);
}

/**
 * A Name read from DER (a CSR's subject) as a DerName, when it is one of the plain shapes and
 * @peculiar/x509 would encode it back to the same bytes; undefined otherwise (read it with x509.Name).
 */
export function nameFromDer(der: Uint8Array): DerName | undefined {
  try {
    const { node: outer, next } = readTlv(der, 0);
    if (outer.tag !== SEQUENCE || next !== der.length) return undefined;
    const attributes: Attribute[] = [];
    const parts: { der: Buffer; tag: number; bytes: Buffer }[] = [];
    for (let offset = 0; offset < outer.value.length;) {
      const { node: set, next: afterSet } = readTlv(outer.value, offset);
      offset = afterSet;
      const { node: atv, next: afterAtv } = readTlv(set.value, 0);
      if (set.tag !== SET || afterAtv !== set.value.length || atv.tag !== SEQUENCE) return undefined;
      const { node: oid, next: afterOid } = readTlv(atv.value, 0);
      const { node: value, next: afterValue } = readTlv(atv.value, afterOid);
      if (oid.tag !== OID || afterValue !== atv.value.length) return undefined;
      const type = TYPES[Buffer.from(oid.value).toString("hex")];
      if (!type) return undefined;
      const bytes = Buffer.from(value.value);
      if (bytes.length === 0) return undefined;
      let text: string;
      if (value.tag === PRINTABLE_STRING || value.tag === IA5_STRING) {
        text = bytes.toString("latin1");
        if (!VISIBLE_ASCII.test(text)) return undefined;
      } else if (value.tag === UTF8_STRING) {
        text = bytes.toString("utf8");
        // Invalid UTF-8 (or a BOM some decoders drop) would not come back as the same bytes.
        if (text.startsWith("\ufeff") || !Buffer.from(text, "utf8").equals(bytes)) return undefined;
      } else return undefined;
      attributes.push({ name: type.name, oid: type.oid, value: text });
      parts.push({ der: BY_OID.get(type.oid)!.der, tag: value.tag, bytes });
    }
    const encoded = encode(parts);
    // Non-minimal lengths and the like: x509.Name would re-encode them, so it reads this one.
    if (!Buffer.from(encoded).equals(der)) return undefined;
    return new DerName(encoded, attributes);
  } catch {
    return undefined;
  }
}
