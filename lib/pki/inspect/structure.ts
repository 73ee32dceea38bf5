/**
 * Checks that a certificate, CRL or CSR is well formed before anything prints or summarizes it:
 * strict DER (X.690 10), the ASN.1 structure of RFC 5280 4.1 / 5.1 and RFC 2986 4 as OpenSSL's
 * decoder reads it (same tags, same optional fields, nothing extra), the primitive encodings
 * OpenSSL refuses (padded or empty INTEGERs, bad OIDs, BOOLEANs of the wrong size), the name
 * strings OpenSSL cannot convert to UTF-8, and RFC 5280 4.1.2.5 times. Each problem is one
 * sentence naming the field, so Inspect can answer 400 with it rather than print nonsense.
 *
 * Deliberately tolerated, as OpenSSL and real CAs do: an explicitly encoded DEFAULT (critical
 * FALSE, version v1), unsorted SET OF, unknown versions and algorithms, extension values that do
 * not decode (they print as hex, as in OpenSSL).
 */
import { assertDer, children, DerError, TAG, type Tlv } from "../der";
import { timeProblem } from "../text/time";

export class StructureError extends Error {
  constructor(
    message: string,
    /** The encoding is BER (which DER forbids), not damaged. */
    readonly ber = false,
  ) {
    super(message);
    this.name = "StructureError";
  }
}

const fail = (message: string): never => {
  throw new StructureError(message);
};

const CONTEXT = (n: number, constructed: boolean) => 0x80 | (constructed ? 0x20 : 0) | n;

/** The children of a SEQUENCE (or SET, or explicit tag) checked for its identifier octet. */
function seq(node: Tlv | undefined, what: string, tag: number = TAG.SEQUENCE): Tlv[] {
  if (!node) return fail(`${what} is missing`);
  if (node.tag !== tag) return fail(`${what} has tag 0x${node.tag.toString(16).padStart(2, "0")} where 0x${tag.toString(16)} belongs`);
  return children(node);
}

function expectTag(node: Tlv | undefined, tag: number, what: string): Tlv {
  if (!node) return fail(`${what} is missing`);
  if (node.tag !== tag) return fail(`${what} has tag 0x${node.tag.toString(16).padStart(2, "0")} where 0x${tag.toString(16)} belongs`);
  return node;
}

function noMore(items: Tlv[], used: number, what: string) {
  if (items.length > used) fail(`${what} has ${items.length - used} unexpected field${items.length - used === 1 ? "" : "s"} at the end`);
}

/** X.690 8.3: at least one octet, and no leading 0x00/0xFF that the next octet makes redundant. */
function integer(node: Tlv | undefined, what: string, tag: number = TAG.INTEGER): Tlv {
  const n = expectTag(node, tag, what);
  const v = n.value;
  if (v.length === 0) fail(`${what} is an INTEGER with no content octets`);
  if (v.length > 1 && ((v[0] === 0 && !(v[1]! & 0x80)) || (v[0] === 0xff && v[1]! & 0x80)))
    fail(`${what} is an INTEGER padded with a redundant leading octet (X.690 8.3.2)`);
  return n;
}

/** X.690 8.19: each subidentifier in minimal base-128, the last octet ending one. */
function oid(node: Tlv | undefined, what: string): Tlv {
  const n = expectTag(node, TAG.OID, what);
  const v = n.value;
  if (v.length === 0) fail(`${what} is an OBJECT IDENTIFIER with no content octets`);
  if (v[v.length - 1]! & 0x80) fail(`${what} is an OBJECT IDENTIFIER whose last subidentifier is cut off`);
  for (let i = 0; i < v.length; i++) {
    const starts = i === 0 || !(v[i - 1]! & 0x80);
    if (starts && v[i] === 0x80) fail(`${what} is an OBJECT IDENTIFIER with a padded subidentifier (X.690 8.19.2)`);
  }
  return n;
}

function boolean(node: Tlv, what: string) {
  if (node.value.length !== 1) fail(`${what} is a BOOLEAN of ${node.value.length} octets, not 1`);
  if (node.value[0] !== 0 && node.value[0] !== 0xff)
    throw new StructureError(
      `${what} is a BOOLEAN encoded as 0x${node.value[0]!.toString(16)}: BER allows it, DER requires 0xFF (X.690 11.1)`,
      true,
    );
}

/** X.690 8.6 and 11.2: an unused-bits octet 0-7, zero when empty, padding bits zero in DER. */
function bitString(node: Tlv | undefined, what: string, tag: number = TAG.BIT_STRING): Tlv {
  const n = expectTag(node, tag, what);
  const v = n.value;
  if (v.length === 0) fail(`${what} is a BIT STRING without its unused-bits octet`);
  const unused = v[0]!;
  if (unused > 7) fail(`${what} is a BIT STRING claiming ${unused} unused bits (at most 7)`);
  if (v.length === 1 && unused !== 0) fail(`${what} is an empty BIT STRING claiming ${unused} unused bits`);
  if (unused && v[v.length - 1]! & ((1 << unused) - 1))
    throw new StructureError(`${what} is a BIT STRING with non-zero padding bits: BER allows them, DER does not (X.690 11.2.1)`, true);
  return n;
}

function algorithm(node: Tlv | undefined, what: string) {
  const parts = seq(node, what);
  oid(parts[0], `${what}'s algorithm`);
  noMore(parts, 2, what);
  if (parts[1]?.tag === TAG.NULL && parts[1].value.length) fail(`${what}'s NULL parameters have content`);
  if (parts[1]?.tag === TAG.BOOLEAN) boolean(parts[1], `${what}'s parameters`);
}

/**
 * The universal tags OpenSSL's X509_NAME_ENTRY value accepts (B_ASN1_PRINTABLE through
 * tag2bit in tasn_dec.c): note that VisibleString, VideotexString, GraphicString and
 * GeneralString are not among them, while BIT STRING and SEQUENCE are.
 */
const NAME_VALUE_TAGS = new Set([3, 7, 8, 9, 11, 12, 13, 14, 15, 18, 19, 20, 22, 28, 29, 30]);

/** Whether a code point can be written as UTF-8 (no surrogates, at most U+10FFFF), as OpenSSL checks. */
const unicodeOk = (cp: number) => cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff);

/** Strict UTF-8 (RFC 3629): no overlong forms, surrogates or code points beyond U+10FFFF. */
export function utf8Problem(v: Uint8Array): string | null {
  for (let i = 0; i < v.length;) {
    const b = v[i]!;
    const need = b < 0x80 ? 0 : b >= 0xc0 && b < 0xe0 ? 1 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xf0 && b < 0xf8 ? 3 : -1;
    if (need < 0) return `byte 0x${b.toString(16)} at ${i} cannot start a UTF-8 character`;
    let cp = need === 0 ? b : b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = v[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return `the UTF-8 character at ${i} is cut off`;
      cp = cp * 64 + (c & 0x3f);
    }
    if ((need === 1 && cp < 0x80) || (need === 2 && cp < 0x800) || (need === 3 && cp < 0x10000)) return `an overlong UTF-8 form at ${i}`;
    if (!unicodeOk(cp)) return `U+${cp.toString(16).toUpperCase()} at ${i} is not a Unicode scalar value`;
    i += need + 1;
  }
  return null;
}

/** x509_name_canon converts each value to UTF-8; what it cannot convert, OpenSSL refuses to load. */
function nameValue(node: Tlv | undefined, what: string) {
  if (!node) return fail(`${what} has no value`);
  if (node.cls !== "universal" || !(NAME_VALUE_TAGS.has(node.tagNumber) || node.tag === TAG.SEQUENCE) || node.tagNumber > 30)
    fail(`${what} has a value of tag 0x${node.tag.toString(16)}, which is not a string type`);
  const v = node.value;
  if (node.tag === TAG.UTF8String) {
    const problem = utf8Problem(v);
    if (problem) fail(`${what} is a UTF8String that is not UTF-8: ${problem}`);
  } else if (node.tag === TAG.BMPString) {
    if (v.length % 2) fail(`${what} is a BMPString of ${v.length} octets, not a multiple of 2`);
    for (let i = 0; i < v.length; i += 2)
      if (!unicodeOk((v[i]! << 8) | v[i + 1]!)) fail(`${what} is a BMPString holding a lone surrogate, which has no UTF-8 form`);
  } else if (node.tag === TAG.UniversalString) {
    if (v.length % 4) fail(`${what} is a UniversalString of ${v.length} octets, not a multiple of 4`);
    for (let i = 0; i < v.length; i += 4)
      if (!unicodeOk(((v[i]! << 24) | (v[i + 1]! << 16) | (v[i + 2]! << 8) | v[i + 3]!) >>> 0))
        fail(`${what} is a UniversalString holding a character beyond Unicode`);
  }
}

/** Name ::= SEQUENCE OF SET OF SEQUENCE { type OID, value } (RFC 5280 4.1.2.4). */
function name(node: Tlv | undefined, what: string) {
  seq(node, what).forEach((rdn, i) =>
    seq(rdn, `${what}'s RDN ${i + 1}`, TAG.SET).forEach((atv, j) => {
      const label = `${what}'s attribute ${i + 1}.${j + 1}`;
      const parts = seq(atv, label);
      oid(parts[0], `${label}'s type`);
      nameValue(parts[1], label);
      noMore(parts, 2, label);
    }),
  );
}

function time(node: Tlv | undefined, what: string) {
  if (!node) return fail(`${what} is missing`);
  const problem = timeProblem(node, what);
  if (problem) fail(problem);
}

/** Extensions ::= SEQUENCE OF SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }. */
function extensions(list: Tlv | undefined, what: string) {
  seq(list, what).forEach((ext, i) => {
    const label = `${what.replace(/s$/, "")} ${i + 1}`;
    const parts = seq(ext, label);
    oid(parts[0], `${label}'s OID`);
    let k = 1;
    if (parts[1]?.tag === TAG.BOOLEAN) boolean(parts[k++]!, `${label}'s critical flag`);
    expectTag(parts[k++], TAG.OCTET_STRING, `${label}'s value`);
    noMore(parts, k, label);
  });
}

function spki(node: Tlv | undefined, what: string) {
  const parts = seq(node, what);
  algorithm(parts[0], `${what}'s algorithm`);
  bitString(parts[1], `${what}'s key`);
  noMore(parts, 2, what);
}

function signed(der: Uint8Array, kind: string): Tlv[] {
  const parts = seq(assertDerNode(der), `the ${kind}`);
  algorithm(parts[1], `the ${kind}'s signatureAlgorithm`);
  bitString(parts[2], `the ${kind}'s signature`);
  noMore(parts, 3, `the ${kind}`);
  return seq(parts[0], `the ${kind}'s ${kind === "CRL" ? "tbsCertList" : kind === "CSR" ? "certificationRequestInfo" : "tbsCertificate"}`);
}

function assertDerNode(der: Uint8Array): Tlv {
  try {
    return assertDer(der);
  } catch (error) {
    if (error instanceof DerError) throw new StructureError(error.message, error.ber);
    throw error;
  }
}

/** RFC 5280 4.1, as OpenSSL's X509 template decodes it. */
export function checkCertificate(der: Uint8Array) {
  const f = signed(der, "certificate");
  let i = 0;
  if (f[0]?.tag === CONTEXT(0, true)) {
    const v = seq(f[i++], "the certificate's version", CONTEXT(0, true));
    integer(v[0], "the certificate's version");
    noMore(v, 1, "the certificate's version");
  }
  integer(f[i++], "the certificate's serialNumber");
  algorithm(f[i++], "the certificate's signature algorithm");
  name(f[i++], "the certificate's issuer");
  const validity = seq(f[i++], "the certificate's validity");
  time(validity[0], "the certificate's notBefore");
  time(validity[1], "the certificate's notAfter");
  noMore(validity, 2, "the certificate's validity");
  name(f[i++], "the certificate's subject");
  spki(f[i++], "the certificate's subjectPublicKeyInfo");
  if (f[i]?.tag === CONTEXT(1, false)) bitString(f[i++], "the certificate's issuerUniqueID", CONTEXT(1, false));
  if (f[i]?.tag === CONTEXT(2, false)) bitString(f[i++], "the certificate's subjectUniqueID", CONTEXT(2, false));
  if (f[i]?.tag === CONTEXT(3, true)) {
    const wrapper = seq(f[i++], "the certificate's extensions", CONTEXT(3, true));
    extensions(wrapper[0], "the certificate's extensions");
    noMore(wrapper, 1, "the certificate's extensions");
  }
  noMore(f, i, "the certificate's tbsCertificate");
}

/** RFC 5280 5.1, as OpenSSL's X509_CRL template decodes it. */
export function checkCrl(der: Uint8Array) {
  const f = signed(der, "CRL");
  let i = 0;
  if (f[0]?.tag === TAG.INTEGER) integer(f[i++], "the CRL's version");
  algorithm(f[i++], "the CRL's signature algorithm");
  name(f[i++], "the CRL's issuer");
  time(f[i++], "the CRL's thisUpdate");
  if (f[i]?.tag === TAG.UTCTime || f[i]?.tag === TAG.GeneralizedTime) time(f[i++], "the CRL's nextUpdate");
  if (f[i]?.tag === TAG.SEQUENCE) {
    seq(f[i++], "the CRL's revokedCertificates").forEach((entry, n) => {
      const label = `the CRL's revoked entry ${n + 1}`;
      const parts = seq(entry, label);
      integer(parts[0], `${label}'s userCertificate`);
      time(parts[1], `${label}'s revocationDate`);
      let k = 2;
      if (parts[2]) extensions(parts[k++], `${label}'s extensions`);
      noMore(parts, k, label);
    });
  }
  if (f[i]?.tag === CONTEXT(0, true)) {
    const wrapper = seq(f[i++], "the CRL's crlExtensions", CONTEXT(0, true));
    extensions(wrapper[0], "the CRL's crlExtensions");
    noMore(wrapper, 1, "the CRL's crlExtensions");
  }
  noMore(f, i, "the CRL's tbsCertList");
}

/** RFC 2986 4.1; the attributes are optional here as in OpenSSL 3.0, which tolerates CSRs without them. */
export function checkCsr(der: Uint8Array) {
  const f = signed(der, "CSR");
  integer(f[0], "the CSR's version");
  name(f[1], "the CSR's subject");
  spki(f[2], "the CSR's subjectPublicKeyInfo");
  let i = 3;
  if (f[3]?.tag === CONTEXT(0, true)) {
    seq(f[i++], "the CSR's attributes", CONTEXT(0, true)).forEach((attribute, n) => {
      const label = `the CSR's attribute ${n + 1}`;
      const parts = seq(attribute, label);
      oid(parts[0], `${label}'s type`);
      seq(parts[1], `${label}'s values`, TAG.SET);
      noMore(parts, 2, label);
    });
  }
  noMore(f, i, "the CSR's certificationRequestInfo");
}
