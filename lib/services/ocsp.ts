import { assertActing } from "../auth/actor";
import { getDb } from "../db";
import { parsePemBlocks } from "../pki/pem";
import { matchesIssuer, ocspErrorResponse, parseOcspRequest, signOcspResponse, type CertStatus } from "../pki/ocsp";
import type { RevocationReason } from "../pki/revocation-reasons";
import { loadIssuer } from "./issuer";
import { ocspSigner } from "./ocsp-responder";
import { metrics } from "../ops/metrics";

/** How long a response may be cached: revocation reaches OCSP clients within this. */
const RESPONSE_LIFETIME_MS = 60 * 60 * 1000;

/**
 * How long a signed response is handed out again for the same question with the same answer
 * (RFC 5019 2.1.1: responses may be pre-produced; RFC 6960 allows any thisUpdate in the past).
 * The status is read from the store on every request and is part of the key, so a revocation
 * gets a freshly signed "revoked" at once; only an unchanged answer is reused, for at most as
 * long as HTTP caches may keep it anyway (max-age=300 on /ocsp). Requests with a nonce are
 * always signed anew (the nonce must be echoed).
 */
const REUSE_MS = 5 * 60 * 1000;
const reused = new Map<string, { der: Uint8Array; thisUpdate: number }>();

/**
 * Answers an OCSP request for one of cadesk's CAs, signed by the CA's delegated responder: good,
 * revoked (with time and reason) or unknown for each certificate asked about.
 */
export async function answerOcsp(caId: string, request: Uint8Array, now = new Date()): Promise<Uint8Array> {
  assertActing("answer OCSP requests");
  const parsed = parseOcspRequest(request);
  if (!parsed) return refuse("malformedRequest");
  const authority = await getDb().authority.findUnique({ where: { id: caId }, select: { id: true, certificatePem: true } });
  if (!authority) return refuse("unauthorized");
  const issuerDer = parsePemBlocks(authority.certificatePem)[0]!.der;
  // A request about another CA's certificates is not ours to answer (RFC 6960 2.3).
  if (!parsed.certIds.every((id) => matchesIssuer(id, issuerDer))) return refuse("unauthorized");
  let issuer;
  try {
    issuer = await loadIssuer(caId, now);
  } catch {
    return refuse("internalError");
  }
  const serials = parsed.certIds.map((id) => id.serialHex);
  // Leaves and the intermediate CAs this CA signed.
  const select = { serialHex: true, status: true, revokedAt: true, revocationReason: true } as const;
  const stored = [
    ...(await getDb().certificate.findMany({ where: { authorityId: caId, serialHex: { in: serials } }, select })),
    ...(await getDb().authority.findMany({ where: { parentId: caId, serialHex: { in: serials } }, select })),
  ];
  const responses = parsed.certIds.map((certId) => {
    const certificate = stored.find((c) => c.serialHex === certId.serialHex);
    const status: CertStatus = !certificate
      ? { status: "unknown" }
      : certificate.status === "revoked"
        ? {
            status: "revoked",
            revokedAt: certificate.revokedAt ?? now,
            reason: (certificate.revocationReason ?? "unspecified") as RevocationReason,
          }
        : { status: "good" };
    metrics().ocspRequests.inc({ status: status.status });
    return { certId, status };
  });
  const signer = await ocspSigner(issuer, now);
  const key = parsed.nonce
    ? null
    : `${caId}:${signer.certificate.serialNumber}:` +
      responses
        .map(({ certId, status }) =>
          [
            Buffer.from(certId.der).toString("hex"),
            status.status,
            ...(status.status === "revoked" ? [status.revokedAt.getTime(), status.reason] : []),
          ].join(","),
        )
        .join("|");
  const hit = key ? reused.get(key) : undefined;
  if (hit && now.getTime() >= hit.thisUpdate && now.getTime() - hit.thisUpdate < REUSE_MS) return hit.der;
  const thisUpdate = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const der = await signOcspResponse({
    responder: signer,
    signerCertificateDer: new Uint8Array(signer.certificate.rawData),
    responses,
    nonce: parsed.nonce,
    now: thisUpdate,
    nextUpdate: new Date(thisUpdate.getTime() + RESPONSE_LIFETIME_MS),
  });
  if (key) {
    reused.set(key, { der, thisUpdate: thisUpdate.getTime() });
    while (reused.size > 10_000) reused.delete(reused.keys().next().value!);
  }
  return der;
}

/** An OCSP error response (RFC 6960 4.2.1), counted by its status for /metrics. */
function refuse(status: Parameters<typeof ocspErrorResponse>[0]): Uint8Array {
  metrics().ocspRequests.inc({ status });
  return ocspErrorResponse(status);
}
