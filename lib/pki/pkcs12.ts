import { createCipheriv, createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";
import forge from "node-forge";
import { AppError } from "../errors";
import { CIPHER, CONTENT_TYPE, HASH, HMAC, PBE, PKCS12 } from "./oids";

const { asn1 } = forge;
const U = asn1.Class.UNIVERSAL;
const T = asn1.Type;

const OID = {
  data: CONTENT_TYPE.data,
  ...PKCS12,
  pbes2: PBE.pbes2,
  pbkdf2: PBE.pbkdf2,
  hmacWithSha256: HMAC.sha256,
  aes256Cbc: CIPHER.aes256Cbc,
  sha256: HASH.sha256,
};

/** OpenSSL 3's defaults for `pkcs12 -export`: PBES2 with 2048 PBKDF2 rounds, HMAC-SHA256 MAC. */
const ITERATIONS = 2048;
export const MIN_PKCS12_PASSWORD = 4;

type Node = forge.asn1.Asn1;
const bin = (bytes: Uint8Array) => Buffer.from(bytes).toString("binary");
const seq = (...items: Node[]) => asn1.create(U, T.SEQUENCE, true, items);
const set = (...items: Node[]) => asn1.create(U, T.SET, true, items);
const oid = (value: string) => asn1.create(U, T.OID, false, asn1.oidToDer(value).getBytes());
const octets = (bytes: Uint8Array) => asn1.create(U, T.OCTETSTRING, false, bin(bytes));
const int = (n: number) => asn1.create(U, T.INTEGER, false, asn1.integerToDer(n).getBytes());
const explicit0 = (node: Node) => asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [node]);
const der = (node: Node) => new Uint8Array(Buffer.from(asn1.toDer(node).getBytes(), "binary"));
// forge writes a BMPSTRING's JS string as UTF-16BE code units itself.
const bmp = (text: string) => asn1.create(U, T.BMPSTRING, false, text);

export interface Pkcs12Input {
  /** The private key as PKCS#8 DER (any key type). */
  pkcs8: Uint8Array;
  /** DER of the certificate, then its issuers up to the root. */
  certificates: Uint8Array[];
  password: string;
  friendlyName: string;
}

/**
 * Builds a password-protected PKCS#12 (.p12/.pfx) holding the key, its certificate and the chain.
 * node-forge's own builder only takes RSA keys, so the structure (RFC 7292) is assembled here with
 * its ASN.1 helpers, using OpenSSL 3's defaults that OpenSSL, Java keytool, macOS and Windows read:
 * PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) for the key, HMAC-SHA256 for the integrity MAC.
 */
export function buildPkcs12(input: Pkcs12Input): Uint8Array {
  if (input.password.length < MIN_PKCS12_PASSWORD) {
    throw new AppError(
      "INVALID_INPUT",
      `Choose a PKCS#12 password of at least ${MIN_PKCS12_PASSWORD} characters: Java keytool and macOS refuse shorter or empty ones.`,
      "password",
    );
  }
  const [leaf, ...chain] = input.certificates;
  if (!leaf) throw new Error("buildPkcs12 needs at least the certificate");
  const localKeyId = createHash("sha1").update(leaf).digest();
  const keyAttributes = set(seq(oid(OID.friendlyName), set(bmp(input.friendlyName))), seq(oid(OID.localKeyId), set(octets(localKeyId))));

  const keyBag = seq(oid(OID.pkcs8ShroudedKeyBag), explicit0(encryptPrivateKeyInfo(input.pkcs8, input.password)), keyAttributes);
  const certBag = (cert: Uint8Array, attributes?: Node) =>
    seq(oid(OID.certBag), explicit0(seq(oid(OID.x509Certificate), explicit0(octets(cert)))), ...(attributes ? [attributes] : []));
  const certBags = [certBag(leaf, keyAttributes), ...chain.map((c) => certBag(c))];

  const dataContentInfo = (safeContents: Node) => seq(oid(OID.data), explicit0(octets(der(safeContents))));
  const authenticatedSafe = der(seq(dataContentInfo(seq(...certBags)), dataContentInfo(seq(keyBag))));

  const macSalt = randomBytes(16);
  const macKey = pkcs12Kdf(input.password, macSalt, 3, ITERATIONS, 32);
  const mac = createHmac("sha256", macKey).update(authenticatedSafe).digest();
  const macData = seq(seq(seq(oid(OID.sha256), asn1.create(U, T.NULL, false, "")), octets(mac)), octets(macSalt), int(ITERATIONS));

  return der(seq(int(3), seq(oid(OID.data), explicit0(octets(authenticatedSafe))), macData));
}

function encryptPrivateKeyInfo(pkcs8: Uint8Array, password: string): Node {
  const salt = randomBytes(16);
  const iv = randomBytes(16);
  const key = pbkdf2Sync(Buffer.from(password, "utf8"), salt, ITERATIONS, 32, "sha256");
  const cipher = createCipheriv("aes-256-cbc", key, iv);
  const encrypted = Buffer.concat([cipher.update(pkcs8), cipher.final()]);
  const kdf = seq(oid(OID.pbkdf2), seq(octets(salt), int(ITERATIONS), seq(oid(OID.hmacWithSha256), asn1.create(U, T.NULL, false, ""))));
  const scheme = seq(oid(OID.aes256Cbc), octets(iv));
  return seq(seq(oid(OID.pbes2), seq(kdf, scheme)), octets(encrypted));
}

export type Pkcs12Hash = "sha1" | "sha256" | "sha384" | "sha512";
/** Output size u and block size v of each hash, in bytes. */
const HASH_SIZES: Record<Pkcs12Hash, { u: number; v: number }> = {
  sha1: { u: 20, v: 64 },
  sha256: { u: 32, v: 64 },
  sha384: { u: 48, v: 128 },
  sha512: { u: 64, v: 128 },
};

/**
 * The PKCS#12 key derivation (RFC 7292 appendix B.2): MAC keys, and keys and IVs of the legacy
 * PBE schemes. node-forge has one too, but it hard-codes SHA-1's sizes.
 */
export function pkcs12Kdf(
  password: string,
  salt: Uint8Array,
  id: number,
  iterations: number,
  length: number,
  hash: Pkcs12Hash = "sha256",
): Buffer {
  const { u, v } = HASH_SIZES[hash];
  const pass = Buffer.concat([Buffer.from(password, "utf16le").swap16(), Buffer.alloc(2)]);
  const fill = (src: Buffer) => {
    const out = Buffer.alloc(src.length === 0 ? 0 : v * Math.ceil(src.length / v));
    for (let i = 0; i < out.length; i++) out[i] = src[i % src.length]!;
    return out;
  };
  const I = Buffer.concat([fill(Buffer.from(salt)), fill(pass)]);
  const D = Buffer.alloc(v, id);
  const result: Buffer[] = [];
  for (let produced = 0; produced < length; produced += u) {
    let A = createHash(hash).update(D).update(I).digest();
    for (let r = 1; r < iterations; r++) A = createHash(hash).update(A).digest();
    result.push(A);
    const B = fill(A);
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = I[j + k]! + B[k]! + carry;
        I[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(result).subarray(0, length);
}
