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
  type OcspRequest,
} from "../pki/ocsp";
import type { RevocationReason } from "../pki/revocation-reasons";
import { readOcspStatus, storeVersion, type OcspStatusRead } from "../stores/revocation";
import { loadIssuer } from "./issuer";
import { ocspSigner, openResponder } from "./ocsp-responder";
import { metrics } from "../ops/metrics";

/** How long a response may be cached: revocation reaches OCSP clients within this. */
const RESPONSE_LIFETIME_MS = 60 * 60 * 1000;

/**
 * How long a signed response is handed out again for the same question with the same answer
 * (RFC 5019 2.1.1: responses may be pre-produced; RFC 6960 allows any thisUpdate in the past).
 * The status is part of what must match, so a revocation gets a freshly signed "revoked" at once;
 * only an unchanged answer is reused, for at most as long as HTTP caches may keep it anyway
 * (max-age=300 on /ocsp). Requests with a nonce are always signed anew (the nonce must be echoed).
 */
const REUSE_MS = 5 * 60 * 1000;
/** Requests larger than this (real ones are ~100 bytes) are answered without keeping their bytes as a key. */
const MAX_KEPT_REQUEST = 1024;

/**
 * A signed answer kept for the exact request bytes that asked for it (no nonce), with what it was
 * made from, so that the same request is answered with no ASN.1 parse, no issuer check and no
 * signature (issue #13). It is handed out again only while all of this still holds:
 * - what the store says is what the answer says: the CA's fingerprint (re-keyed CA), status
 *   (revoked CA) and the certificates' status, time and reason. On PostgreSQL these are read on
 *   every request, as before; on SQLite they are read again whenever the store's data version
 *   moved (any commit by any process on the file: a revocation through another worker counts
 *   at once, lib/stores/sqlite-revocation.ts), and otherwise are known to be unchanged;
 * - the CA has not expired, the responder that signed it is still the open one (renewal), and
 *   its thisUpdate is less than REUSE_MS old.
 */
interface Prepared {
  parsed: OcspRequest;
  serials: string[];
  /** The rows the answer was made from, as one string (madeFrom). */
  made: string;
  fingerprint: string;
  notAfter: number;
  responderSerial: string;
  statuses: CertStatus["status"][];
  der: Uint8Array;
  thisUpdate: number;
  /** storeVersion() when `made` was last known to be the store's state; null: read every time. */
  version: number | null;
}
const prepared = new Map<string, Prepared>();

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

/** The store's answer about a CA and serials, as one comparable string (what an answer was made from). */
function madeFrom(read: OcspStatusRead): string {
  const a = read.authority!;
  let made = `${a.fingerprintSha256}|${a.status}|${a.notAfter.getTime()}`;
  for (const c of read.issued) made += `|${c.serialHex},${c.status},${c.revokedAt?.getTime() ?? ""},${c.revocationReason ?? ""}`;
  return made;
}

/**
 * Answers an OCSP request for one of cadesk's CAs, signed by the CA's delegated responder: good,
 * revoked (with time and reason) or unknown for each certificate asked about. The same request
 * bytes without a nonce, asked again while nothing it depends on changed, get the answer signed
 * before (Prepared above); otherwise one query (the CA's row and the serials' rows,
 * lib/stores/revocation.ts), with the CA's hashes and the open responder kept in memory.
 */
export async function answerOcsp(caId: string, request: Uint8Array, now = new Date()): Promise<Uint8Array> {
  assertActing("answer OCSP requests");
  const key =
    request.length <= MAX_KEPT_REQUEST
      ? `${caId}\n${Buffer.from(request.buffer, request.byteOffset, request.length).toString("latin1")}`
      : null;
  const hit = key === null ? undefined : prepared.get(key);
  let read: OcspStatusRead | undefined;
  // Taken before the rows are read: a commit in between only makes the next request read again.
  let version: number | null = null;
  if (hit) {
    const at = now.getTime();
    const responder = openResponder(caId, hit.fingerprint, now);
    if (at >= hit.thisUpdate && at - hit.thisUpdate < REUSE_MS && hit.notAfter > at && responder?.serialHex === hit.responderSerial) {
      version = storeVersion();
      let current = version !== null && version === hit.version;
      if (!current) {
        read = await readOcspStatus(caId, hit.serials);
        current = read.authority !== null && madeFrom(read) === hit.made;
        if (current) hit.version = version;
      }
      if (current) {
        for (const status of hit.statuses) metrics().ocspRequests.inc({ status });
        return hit.der;
      }
    }
  }
  const parsed = hit?.parsed ?? parseOcspRequest(request);
  if (!parsed) return refuse("malformedRequest");
  const serials = hit?.serials ?? parsed.certIds.map((id) => id.serialHex);
  if (!read) {
    version = parsed.nonce ? null : storeVersion();
    read = await readOcspStatus(caId, serials);
  }
  const { authority, issued } = read;
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
  const thisUpdate = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const der = await signOcspResponse({
    responder: responder.parts,
    responses,
    nonce: parsed.nonce,
    now: thisUpdate,
    nextUpdate: new Date(thisUpdate.getTime() + RESPONSE_LIFETIME_MS),
  });
  if (key !== null && !parsed.nonce) {
    prepared.delete(key); // re-inserted last: the oldest entries go first when the map is full
    prepared.set(key, {
      parsed,
      serials,
      made: madeFrom(read),
      fingerprint: authority.fingerprintSha256,
      notAfter: authority.notAfter.getTime(),
      responderSerial: responder.serialHex,
      statuses: responses.map((r) => r.status.status),
      der,
      thisUpdate: thisUpdate.getTime(),
      version,
    });
    while (prepared.size > 10_000) prepared.delete(prepared.keys().next().value!);
  }
  return der;
}

/** An OCSP error response (RFC 6960 4.2.1), counted by its status for /metrics. */
function refuse(status: Parameters<typeof ocspErrorResponse>[0]): Uint8Array {
  metrics().ocspRequests.inc({ status });
  return ocspErrorResponse(status);
}
