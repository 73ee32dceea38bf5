import { assertActing } from "../auth/actor";
import { getDb } from "../db";
import { parsePemBlocks } from "../pki/pem";
import {
  issuerHashes,
  matchesIssuer,
  ocspErrorResponse,
  parseOcspRequest,
  signOcspResponse,
  type CertStatus,
  type IssuerHashes,
} from "../pki/ocsp";
import type { RevocationReason } from "../pki/revocation-reasons";
import { readOcspStatus } from "../stores/revocation";
import { loadIssuer } from "./issuer";
import { ocspSigner, openResponder } from "./ocsp-responder";
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
 * What a request needs to know about its CA and does not change while the CA's certificate stays
 * the same: the name and key hashes CertIDs carry (RFC 6960 4.1.1). Keyed by the CA's
 * fingerprint, which the per-request query returns, so a re-keyed CA is hashed anew.
 */
const issuers = new Map<string, { fingerprint: string; hashes: IssuerHashes }>();

async function hashesOf(caId: string, fingerprint: string): Promise<IssuerHashes | null> {
  const hit = issuers.get(caId);
  if (hit?.fingerprint === fingerprint) return hit.hashes;
  const row = await getDb().authority.findUnique({ where: { id: caId }, select: { certificatePem: true, fingerprintSha256: true } });
  if (!row) return null;
  const hashes = issuerHashes(parsePemBlocks(row.certificatePem)[0]!.der);
  issuers.set(caId, { fingerprint: row.fingerprintSha256, hashes });
  while (issuers.size > 1000) issuers.delete(issuers.keys().next().value!);
  return hashes;
}

/**
 * Answers an OCSP request for one of cadesk's CAs, signed by the CA's delegated responder: good,
 * revoked (with time and reason) or unknown for each certificate asked about. Per request: one
 * query (the CA's row and the serials' rows, lib/stores/revocation.ts); the CA's hashes and the
 * open responder are kept in memory, and an unchanged answer without a nonce is not signed again.
 */
export async function answerOcsp(caId: string, request: Uint8Array, now = new Date()): Promise<Uint8Array> {
  assertActing("answer OCSP requests");
  const parsed = parseOcspRequest(request);
  if (!parsed) return refuse("malformedRequest");
  const serials = parsed.certIds.map((id) => id.serialHex);
  const { authority, issued } = await readOcspStatus(caId, serials);
  if (!authority) return refuse("unauthorized");
  const hashes = await hashesOf(caId, authority.fingerprintSha256);
  // A request about another CA's certificates is not ours to answer (RFC 6960 2.3).
  if (!hashes || !parsed.certIds.every((id) => matchesIssuer(id, hashes))) return refuse("unauthorized");
  // A revoked or expired CA signs nothing, its responder's answers included (as loadIssuer refuses).
  if (authority.status === "revoked" || authority.notAfter <= now) return refuse("internalError");
  const responses = parsed.certIds.map((certId) => {
    const certificate = issued.find((c) => c.serialHex === certId.serialHex);
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
  let responder = openResponder(caId, authority.fingerprintSha256, now);
  if (!responder) {
    let issuer;
    try {
      issuer = await loadIssuer(caId, now);
    } catch {
      return refuse("internalError");
    }
    responder = await ocspSigner(issuer, now);
  }
  const key = parsed.nonce
    ? null
    : `${caId}:${responder.serialHex}:` +
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
    responder: responder.parts,
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
