/**
 * An OCSP responder's core (RFC 6960): read a request, and sign a BasicOCSPResponse with the
 * CA's delegated responder key (4.2.2.2), answering good, revoked (time and reason) or unknown,
 * echoing the request's nonce. Encoded straight to DER from precomputed parts (issue #13: the
 * responder's ResponderID, certificate and AlgorithmIdentifier are bytes made once per
 * responder), byte-for-byte what the earlier node-forge encoder wrote (ocsp.test.ts compares).
 */
import { createHash } from "node:crypto";
import type { Issuer } from "./certificate";
import { REASON_CODES, type RevocationReason } from "./revocation-reasons";
import { children, oidOf, parseDer, TAG } from "./der";
import { ecdsaSigValue, SEQUENCE, tlv } from "./der-build";
import { HASH, OCSP, PUBLIC_KEY, SIGNATURE } from "./oids";

const HASHES: Record<string, "sha1" | "sha256"> = { [HASH.sha1]: "sha1", [HASH.sha256]: "sha256" };

/** GeneralizedTime, whole seconds (RFC 6960 4.2.2.1 and RFC 5280 4.1.2.5.2: no fraction, Z). */
function genTime(d: Date): Buffer {
  return tlv(
    0x18,
    Buffer.from(
      d
        .toISOString()
        .replace(/[-:T]/g, "")
        .replace(/\.\d+Z$/, "Z"),
      "latin1",
    ),
  );
}
const enumerated = (n: number) => Buffer.from([0x0a, 0x01, n]);
const explicit = (n: number, ...inner: Uint8Array[]) => tlv(0xa0 | n, ...inner);
/** The DER of an OBJECT IDENTIFIER, from its dotted form. */
function oidDer(dotted: string): Buffer {
  const arcs = dotted.split(".").map(Number);
  const bytes: number[] = [arcs[0]! * 40 + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const groups: number[] = [];
    for (let v = arc; ; v = Math.floor(v / 128)) {
      groups.unshift(v & 0x7f);
      if (v < 128) break;
    }
    bytes.push(...groups.map((g, i) => (i < groups.length - 1 ? g | 0x80 : g)));
  }
  return tlv(0x06, Buffer.from(bytes));
}

export interface CertId {
  hash: "sha1" | "sha256";
  hashOid: string;
  issuerNameHash: Uint8Array;
  issuerKeyHash: Uint8Array;
  /** Lowercase hex, without a sign octet. */
  serialHex: string;
  /** The CertID's own DER, echoed in the response. */
  der: Uint8Array;
}

export interface OcspRequest {
  certIds: CertId[];
  nonce?: Uint8Array;
}

/** Reads an OCSPRequest; returns null for anything malformed (answered "malformedRequest"). */
export function parseOcspRequest(bytes: Uint8Array): OcspRequest | null {
  try {
    const request = parseDer(bytes);
    if (request.der.length !== bytes.length) return null;
    const tbs = children(children(request)[0]!);
    const list = tbs.find((f) => f.tag === TAG.SEQUENCE)!;
    const certIds = children(list).map((r) => {
      const certId = children(r)[0]!;
      const [alg, nameHash, keyHash, serial] = children(certId);
      const hashOid = oidOf(children(alg!)[0]!);
      const hash = HASHES[hashOid];
      if (!hash) throw new Error("unsupported hash");
      let s = serial!.value;
      while (s.length > 1 && s[0] === 0) s = s.subarray(1);
      return {
        hash,
        hashOid,
        issuerNameHash: nameHash!.value,
        issuerKeyHash: keyHash!.value,
        serialHex: Buffer.from(s).toString("hex"),
        der: certId.der,
      };
    });
    let nonce: Uint8Array | undefined;
    const extensions = tbs.find((f) => f.cls === "context" && f.tagNumber === 2);
    for (const ext of extensions ? children(children(extensions)[0]!) : []) {
      const parts = children(ext);
      if (oidOf(parts[0]!) === OCSP.nonce) nonce = parts[parts.length - 1]!.value;
    }
    return certIds.length ? { certIds, nonce } : null;
  } catch {
    return null;
  }
}

/** The name and key hashes a CertID may carry for one issuer, per hash algorithm (RFC 6960 4.1.1). */
export type IssuerHashes = Record<CertId["hash"], { name: Buffer; key: Buffer }>;

/** The subject DN and public key bits of a certificate, as CertIDs hash them. */
function subjectAndKeyBits(certificateDer: Uint8Array): { subject: Uint8Array; keyBits: Uint8Array } {
  const [tbs] = children(parseDer(certificateDer));
  const fields = children(tbs!);
  const offset = fields[0]!.cls === "context" ? 1 : 0;
  return { subject: fields[offset + 4]!.der, keyBits: children(fields[offset + 5]!)[1]!.value.subarray(1) };
}

/** Computed once per CA (the OCSP service keeps them): hashing the issuer per request costs more than the lookup. */
export function issuerHashes(issuerCertificateDer: Uint8Array): IssuerHashes {
  const { subject, keyBits } = subjectAndKeyBits(issuerCertificateDer);
  const h = (alg: string, data: Uint8Array) => createHash(alg).update(data).digest();
  return {
    sha1: { name: h("sha1", subject), key: h("sha1", keyBits) },
    sha256: { name: h("sha256", subject), key: h("sha256", keyBits) },
  };
}

/** Whether a CertID names this issuer: hashes of its subject DN and of its public key bits. */
export function matchesIssuer(id: CertId, issuer: Uint8Array | IssuerHashes): boolean {
  const hashes = issuer instanceof Uint8Array ? issuerHashes(issuer) : issuer;
  const { name, key } = hashes[id.hash];
  return name.equals(id.issuerNameHash) && key.equals(id.issuerKeyHash);
}

export type CertStatus = { status: "good" } | { status: "unknown" } | { status: "revoked"; revokedAt: Date; reason: RevocationReason };

/** OCSPResponseStatus values (RFC 6960 4.2.1); 4 is not used. */
export const OCSP_RESPONSE_STATUS = {
  successful: 0,
  /** Illegal confirmation request. */
  malformedRequest: 1,
  /** Internal error in issuer. */
  internalError: 2,
  /** Try again later. */
  tryLater: 3,
  /** Must sign the request. */
  sigRequired: 5,
  /** Request unauthorized: here, a CA this responder does not answer for. */
  unauthorized: 6,
} as const;

export type OcspErrorStatus = Exclude<keyof typeof OCSP_RESPONSE_STATUS, "successful">;

/** An OCSPResponse carrying only an error status, with no responseBytes (RFC 6960 4.2.1). */
export function ocspErrorResponse(status: OcspErrorStatus): Uint8Array {
  return new Uint8Array(tlv(SEQUENCE, enumerated(OCSP_RESPONSE_STATUS[status])));
}

const SIGNATURE_OIDS: Record<string, string> = {
  "ECDSA/SHA-256": SIGNATURE.ecdsaWithSha256,
  "ECDSA/SHA-384": SIGNATURE.ecdsaWithSha384,
  "RSASSA-PKCS1-v1_5/SHA-256": SIGNATURE.sha256WithRsa,
  "Ed25519/": PUBLIC_KEY.ed25519,
};

/**
 * Everything about the responder a response carries, as bytes made once per responder: its
 * ResponderID byKey (4.2.2.3: SHA-1 of the public key bits), the signature AlgorithmIdentifier,
 * its certificate (sent along, 4.2.1 `certs`, so clients need no -issuer) and how to sign.
 */
export interface OcspResponder {
  responderId: Buffer;
  signatureAlgorithm: Buffer;
  certificates: Buffer;
  /** The signature over the DER ResponseData, as the BIT STRING carries it (ECDSA: ECDSA-Sig-Value). */
  sign(tbs: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

/** The responder parts for a certificate and a WebCrypto-shaped Signer (any key type, an HSM too). */
export function ocspResponder(responder: Issuer, signerCertificateDer: Uint8Array): OcspResponder {
  const { signer } = responder;
  const algorithm = signer.algorithm as Algorithm & { hash?: string };
  const hashName = typeof algorithm.hash === "string" ? algorithm.hash : "";
  const sigOid = SIGNATURE_OIDS[`${algorithm.name}/${hashName}`];
  if (!sigOid) throw new Error(`no OCSP signature algorithm for ${algorithm.name}`);
  const ecdsa = algorithm.name === "ECDSA";
  return responderParts(signerCertificateDer, sigOid, async (tbs) => {
    const signature = await signer.sign(tbs);
    return ecdsa ? ecdsaSigValue(signature) : signature;
  });
}

/** The responder parts from its certificate, signature algorithm OID and a signing function. */
export function responderParts(certificateDer: Uint8Array, signatureOid: string, sign: OcspResponder["sign"]): OcspResponder {
  const keyHash = createHash("sha1").update(subjectAndKeyBits(certificateDer).keyBits).digest();
  const rsa = signatureOid === SIGNATURE.sha256WithRsa;
  return {
    responderId: explicit(2, tlv(0x04, keyHash)),
    signatureAlgorithm: tlv(SEQUENCE, oidDer(signatureOid), ...(rsa ? [Buffer.from([0x05, 0x00])] : [])),
    certificates: explicit(0, tlv(SEQUENCE, certificateDer)),
    sign,
  };
}

const NONCE_OID = oidDer(OCSP.nonce);
const BASIC_OID = oidDer(OCSP.basic);
const GOOD = Buffer.from([0x80, 0x00]);
const UNKNOWN = Buffer.from([0x82, 0x00]);

function certStatus(status: CertStatus): Buffer {
  if (status.status === "good") return GOOD;
  if (status.status === "unknown") return UNKNOWN;
  // revoked [1] IMPLICIT RevokedInfo { revocationTime, revocationReason [0] EXPLICIT CRLReason OPTIONAL }
  return tlv(
    0xa1,
    genTime(status.revokedAt),
    ...(status.reason === "unspecified" ? [] : [explicit(0, enumerated(REASON_CODES[status.reason]))]),
  );
}

/** The signed response: one SingleResponse per request, the nonce echoed, valid until nextUpdate. */
export async function signOcspResponse(params: {
  /** The CA itself or its delegated responder (RFC 6960 4.2.2.2): a Signer and its certificate, or parts made once. */
  responder: Issuer | OcspResponder;
  /** With an Issuer: its certificate, sent along. */
  signerCertificateDer?: Uint8Array;
  responses: { certId: CertId; status: CertStatus }[];
  nonce?: Uint8Array;
  now: Date;
  nextUpdate: Date;
}): Promise<Uint8Array> {
  const responder =
    "responderId" in params.responder ? params.responder : ocspResponder(params.responder, params.signerCertificateDer ?? new Uint8Array());
  const now = genTime(params.now);
  const nextUpdate = explicit(0, genTime(params.nextUpdate));
  const singles = params.responses.map(({ certId, status }) => tlv(SEQUENCE, certId.der, certStatus(status), now, nextUpdate));
  const tbs = tlv(
    SEQUENCE,
    responder.responderId,
    now,
    tlv(SEQUENCE, ...singles),
    ...(params.nonce ? [explicit(1, tlv(SEQUENCE, tlv(SEQUENCE, NONCE_OID, tlv(0x04, params.nonce))))] : []),
  );
  const signature = await responder.sign(tbs);
  const basic = tlv(SEQUENCE, tbs, responder.signatureAlgorithm, tlv(0x03, Buffer.from([0]), signature), responder.certificates);
  return new Uint8Array(
    tlv(SEQUENCE, enumerated(OCSP_RESPONSE_STATUS.successful), explicit(0, tlv(SEQUENCE, BASIC_OID, tlv(0x04, basic)))),
  );
}
