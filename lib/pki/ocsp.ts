/**
 * An OCSP responder's core (RFC 6960): read a request, and sign a BasicOCSPResponse with the
 * CA's own key (4.2.2.2, the CA as responder), answering good, revoked (time and reason) or
 * unknown, echoing the request's nonce. Encoded with forge's ASN.1 helpers, signed natively.
 */
import { createHash } from "node:crypto";
import forge from "node-forge";
import type { Issuer } from "./certificate";
import { REASON_CODES, type RevocationReason } from "./revocation-reasons";
import { children, oidOf, parseDer, TAG } from "./der";
import { HASH, OCSP, PUBLIC_KEY, SIGNATURE } from "./oids";

const { asn1 } = forge;
const U = asn1.Class.UNIVERSAL;
const T = asn1.Type;
type Node = forge.asn1.Asn1;

const HASHES: Record<string, "sha1" | "sha256"> = { [HASH.sha1]: "sha1", [HASH.sha256]: "sha256" };

const bin = (b: Uint8Array) => Buffer.from(b).toString("binary");
const seq = (...items: Node[]) => asn1.create(U, T.SEQUENCE, true, items);
const oid = (v: string) => asn1.create(U, T.OID, false, asn1.oidToDer(v).getBytes());
const octets = (b: Uint8Array) => asn1.create(U, T.OCTETSTRING, false, bin(b));
const explicit = (tag: number, node: Node) => asn1.create(asn1.Class.CONTEXT_SPECIFIC, tag, true, [node]);
const genTime = (d: Date) =>
  asn1.create(
    U,
    T.GENERALIZEDTIME,
    false,
    d
      .toISOString()
      .replace(/[-:T]/g, "")
      .replace(/\.\d+Z$/, "Z"),
  );
const enumerated = (n: number) => asn1.create(U, T.ENUMERATED, false, String.fromCharCode(n));
const der = (node: Node) => new Uint8Array(Buffer.from(asn1.toDer(node).getBytes(), "binary"));
const raw = (bytes: Uint8Array) => asn1.fromDer(forge.util.createBuffer(bin(bytes)));

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

/** Whether a CertID names this issuer: hashes of its subject DN and of its public key bits. */
export function matchesIssuer(id: CertId, issuerCertificateDer: Uint8Array): boolean {
  const [tbs] = children(parseDer(issuerCertificateDer));
  const fields = children(tbs!);
  const offset = fields[0]!.cls === "context" ? 1 : 0;
  const subject = fields[offset + 4]!;
  const spki = fields[offset + 5]!;
  const keyBits = children(spki)[1]!.value.subarray(1);
  const h = (data: Uint8Array) => createHash(id.hash).update(data).digest();
  return h(subject.der).equals(Buffer.from(id.issuerNameHash)) && h(keyBits).equals(Buffer.from(id.issuerKeyHash));
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
  return der(seq(enumerated(OCSP_RESPONSE_STATUS[status])));
}

/** IEEE P1363 (r || s), what WebCrypto returns for ECDSA, to the DER SEQUENCE X.509 expects. */
function ecdsaDer(p1363: Uint8Array): Uint8Array {
  const half = p1363.length / 2;
  const int = (b: Uint8Array) => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    const v = b.subarray(i);
    return asn1.create(U, T.INTEGER, false, bin(v[0]! & 0x80 ? new Uint8Array([0, ...v]) : v));
  };
  return der(seq(int(p1363.subarray(0, half)), int(p1363.subarray(half))));
}

const SIGNATURE_OIDS: Record<string, string> = {
  "ECDSA/SHA-256": SIGNATURE.ecdsaWithSha256,
  "ECDSA/SHA-384": SIGNATURE.ecdsaWithSha384,
  "RSASSA-PKCS1-v1_5/SHA-256": SIGNATURE.sha256WithRsa,
  "Ed25519/": PUBLIC_KEY.ed25519,
};

/** The signed response: one SingleResponse per request, the nonce echoed, valid until nextUpdate. */
export async function signOcspResponse(params: {
  /** The CA itself or its delegated responder (RFC 6960 4.2.2.2). */
  responder: Issuer;
  signerCertificateDer: Uint8Array;
  responses: { certId: CertId; status: CertStatus }[];
  nonce?: Uint8Array;
  now: Date;
  nextUpdate: Date;
}): Promise<Uint8Array> {
  const [tbs] = children(parseDer(params.signerCertificateDer));
  const fields = children(tbs!);
  const spki = fields[(fields[0]!.cls === "context" ? 1 : 0) + 5]!;
  const keyHash = createHash("sha1").update(children(spki)[1]!.value.subarray(1)).digest();

  const singles = params.responses.map(({ certId, status }) => {
    const certStatus =
      status.status === "good"
        ? asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, false, "")
        : status.status === "unknown"
          ? asn1.create(asn1.Class.CONTEXT_SPECIFIC, 2, false, "")
          : asn1.create(asn1.Class.CONTEXT_SPECIFIC, 1, true, [
              genTime(status.revokedAt),
              ...(status.reason === "unspecified" ? [] : [explicit(0, enumerated(REASON_CODES[status.reason]))]),
            ]);
    return seq(raw(certId.der), certStatus, genTime(params.now), explicit(0, genTime(params.nextUpdate)));
  });
  const responseData = seq(
    explicit(2, octets(keyHash)), // responderID byKey
    genTime(params.now),
    seq(...singles),
    ...(params.nonce ? [explicit(1, seq(seq(oid(OCSP.nonce), octets(params.nonce))))] : []),
  );
  const tbsDer = der(responseData);

  const { signer } = params.responder;
  const algorithm = signer.algorithm as Algorithm & { hash?: string };
  const hashName = typeof algorithm.hash === "string" ? algorithm.hash : "";
  const sigOid = SIGNATURE_OIDS[`${algorithm.name}/${hashName}`];
  if (!sigOid) throw new Error(`no OCSP signature algorithm for ${algorithm.name}`);
  let signature: Uint8Array = await signer.sign(tbsDer);
  if (algorithm.name === "ECDSA") signature = ecdsaDer(signature);
  const sigAlg = algorithm.name === "RSASSA-PKCS1-v1_5" ? seq(oid(sigOid), asn1.create(U, T.NULL, false, "")) : seq(oid(sigOid));
  // The signer's certificate travels with the response, so clients find it without -issuer.
  const basic = seq(
    raw(tbsDer),
    sigAlg,
    asn1.create(U, T.BITSTRING, false, "\x00" + bin(signature)),
    explicit(0, seq(raw(params.signerCertificateDer))),
  );
  return der(seq(enumerated(OCSP_RESPONSE_STATUS.successful), explicit(0, seq(oid(OCSP.basic), octets(der(basic))))));
}
