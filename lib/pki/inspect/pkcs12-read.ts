/**
 * The certificates inside a PKCS#12 (.p12/.pfx) file. The MAC is checked first, so a wrong
 * password gets its own message; then each bag is decrypted: PBES2 (OpenSSL 3's default) or the
 * legacy SHA-1 PBE schemes (3DES, RC2) that older OpenSSL, Java and Windows write.
 */
import { createDecipheriv, createHmac, pbkdf2Sync, timingSafeEqual } from "node:crypto";
import forge from "node-forge";
import { AppError } from "../../errors";
import { children, integerOf, oidOf, parseDer, TAG, type Tlv } from "../der";
import type { Bytes } from "../pem";
import { pkcs12Kdf, type Pkcs12Hash } from "../pkcs12";
import { CIPHER, CONTENT_TYPE, HASH, HMAC, PBE, PKCS12 } from "../oids";

const OID = {
  data: CONTENT_TYPE.data,
  encryptedData: CONTENT_TYPE.encryptedData,
  certBag: PKCS12.certBag,
  pbes2: PBE.pbes2,
  pbeSha3Des: PBE.pbeWithSha1And3DesCbc,
  pbeShaRc2_128: PBE.pbeWithSha1And128BitRc2Cbc,
  pbeShaRc2_40: PBE.pbeWithSha1And40BitRc2Cbc,
};

const HASHES: Record<string, Pkcs12Hash> = {
  [HASH.sha1]: "sha1",
  [HASH.sha256]: "sha256",
  [HASH.sha384]: "sha384",
  [HASH.sha512]: "sha512",
};
const HMAC_PRFS: Record<string, Pkcs12Hash> = {
  [HMAC.sha1]: "sha1",
  [HMAC.sha256]: "sha256",
  [HMAC.sha384]: "sha384",
  [HMAC.sha512]: "sha512",
};
const CIPHERS: Record<string, string> = {
  [CIPHER.aes128Cbc]: "aes-128-cbc",
  [CIPHER.aes192Cbc]: "aes-192-cbc",
  [CIPHER.aes256Cbc]: "aes-256-cbc",
  [CIPHER.desEde3Cbc]: "des-ede3-cbc",
};

const wrongPassword = () =>
  new AppError(
    "INVALID_INPUT",
    "The PKCS#12 password is wrong (its integrity check failed). Type the password the file was exported with.",
    "password",
  );
const unsupported = (what: string) =>
  new AppError(
    "INVALID_INPUT",
    `This PKCS#12 uses ${what}, which cadesk cannot read. Re-export it with \`openssl pkcs12 -export\` (OpenSSL 3 defaults).`,
    "input",
  );

/** The octets of a ContentInfo's [0] content (an OCTET STRING, possibly constructed). */
function contentOctets(contentInfo: Tlv): Uint8Array {
  const wrapped = children(children(contentInfo)[1]!)[0]!;
  return wrapped.constructed ? Buffer.concat(children(wrapped).map((c) => c.value)) : wrapped.value;
}

function verifyMac(macData: Tlv, authSafe: Uint8Array, password: string): void {
  const [digestInfo, salt, iterations] = children(macData);
  const [algorithm, digest] = children(digestInfo!);
  const hash = HASHES[oidOf(children(algorithm!)[0]!)];
  if (!hash) throw unsupported("an unknown MAC digest");
  const key = pkcs12Kdf(
    password,
    salt!.value,
    3,
    iterations ? Number(integerOf(iterations)) : 1,
    { sha1: 20, sha256: 32, sha384: 48, sha512: 64 }[hash],
    hash,
  );
  const mac = createHmac(hash, key).update(authSafe).digest();
  if (mac.length !== digest!.value.length || !timingSafeEqual(mac, digest!.value)) throw wrongPassword();
}

function decrypt(algorithm: Tlv, ciphertext: Uint8Array, password: string): Uint8Array {
  const [oidNode, params] = children(algorithm);
  const oid = oidOf(oidNode!);
  try {
    if (oid === OID.pbes2) {
      const [kdf, scheme] = children(params!);
      const kdfParams = children(children(kdf!)[1]!);
      const salt = kdfParams[0]!.value;
      const iterations = Number(integerOf(kdfParams[1]!));
      const prfNode = kdfParams.find((p, i) => i >= 2 && p.tag === TAG.SEQUENCE);
      const prf = prfNode ? HMAC_PRFS[oidOf(children(prfNode)[0]!)] : "sha1";
      const [cipherOid, iv] = children(scheme!);
      const cipher = CIPHERS[oidOf(cipherOid!)];
      if (!cipher || !prf) throw unsupported("an unsupported PBES2 cipher or PRF");
      const keyLength = cipher === "des-ede3-cbc" ? 24 : Number(cipher.split("-")[1]) / 8;
      const key = pbkdf2Sync(Buffer.from(password, "utf8"), salt, iterations, keyLength, prf);
      const d = createDecipheriv(cipher, key, iv!.value);
      return Buffer.concat([d.update(ciphertext), d.final()]);
    }
    const [saltNode, iterNode] = children(params!);
    const salt = saltNode!.value;
    const iterations = Number(integerOf(iterNode!));
    if (oid === OID.pbeSha3Des) {
      const key = pkcs12Kdf(password, salt, 1, iterations, 24, "sha1");
      const iv = pkcs12Kdf(password, salt, 2, iterations, 8, "sha1");
      const d = createDecipheriv("des-ede3-cbc", key, iv);
      return Buffer.concat([d.update(ciphertext), d.final()]);
    }
    if (oid === OID.pbeShaRc2_40 || oid === OID.pbeShaRc2_128) {
      const bits = oid === OID.pbeShaRc2_40 ? 40 : 128;
      const key = pkcs12Kdf(password, salt, 1, iterations, bits / 8, "sha1");
      const iv = pkcs12Kdf(password, salt, 2, iterations, 8, "sha1");
      // RC2 is gone from OpenSSL 3's default provider, so Node cannot decrypt it; forge can.
      const cipher = forge.rc2.createDecryptionCipher(forge.util.createBuffer(key.toString("binary")), bits);
      cipher.start(forge.util.createBuffer(iv.toString("binary")));
      cipher.update(forge.util.createBuffer(Buffer.from(ciphertext).toString("binary")));
      if (!cipher.finish()) throw wrongPassword();
      return new Uint8Array(Buffer.from(cipher.output.getBytes(), "binary"));
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw wrongPassword();
  }
  throw unsupported(`the encryption ${oid}`);
}

/** Certificates in a PKCS#12 file, in the order they are stored. */
export function readPkcs12Certificates(der: Bytes, password: string): Bytes[] {
  const [, authSafeInfo, macData] = children(parseDer(der));
  const authSafe = contentOctets(authSafeInfo!);
  if (macData) verifyMac(macData, authSafe, password);
  const certificates: Bytes[] = [];
  for (const contentInfo of children(parseDer(authSafe))) {
    const type = oidOf(children(contentInfo)[0]!);
    let safeContents: Uint8Array;
    if (type === OID.data) {
      safeContents = contentOctets(contentInfo);
    } else if (type === OID.encryptedData) {
      const encryptedData = children(children(children(contentInfo)[1]!)[0]!);
      const [, algorithm, encrypted] = children(encryptedData[1]!);
      const octets = encrypted!.constructed ? Buffer.concat(children(encrypted!).map((c) => c.value)) : encrypted!.value;
      safeContents = decrypt(algorithm!, octets, password);
    } else {
      continue;
    }
    for (const bag of children(parseDer(safeContents))) {
      const [bagId, bagValue] = children(bag);
      if (oidOf(bagId!) !== OID.certBag) continue;
      const certBag = children(children(bagValue!)[0]!);
      certificates.push(new Uint8Array(children(certBag[1]!)[0]!.value));
    }
  }
  return certificates;
}
