import { assertActing } from "../auth/actor";
import { readConfig } from "../config";
import { getDb } from "../db";
import type { CrlEntry } from "../pki/crl";
import { crlEtag, crlNumberOf, signCrlStreamed } from "../pki/crl-template";
import { parsePemBlocks } from "../pki/pem";
import type { RevocationReason } from "../pki/revocation-reasons";
import { crlFreshness, revokedLeavesPage, storeCrlPem, storedCrl } from "../stores/revocation";
import { loadIssuer } from "./issuer";
import { DAY } from "../time";

/** How long a CRL is valid (CADESK_CRL_DAYS, 7 by default); a new one is made a day before. */
function crlLifetimeMs(): number {
  return readConfig().CADESK_CRL_DAYS * DAY;
}

/**
 * Signs a fresh CRL of everything this CA revoked, with the next CRL number, and stores it. The
 * number is claimed first, in one atomic update, so CRL numbers strictly increase (RFC 5280 5.2.3)
 * whichever instance signs; the revocations are read after the claim, and a CRL is stored only if
 * no later number was claimed meanwhile, so the current CRL is always the newest one.
 */
export async function publishCrl(authorityId: string, now = new Date()): Promise<string> {
  return (await publish(authorityId, now)).pem;
}

/** publishCrl, with the CRL as this process serves it. */
async function publish(authorityId: string, now: Date): Promise<CrlFile> {
  assertActing("sign a CRL");
  const issuer = await loadIssuer(authorityId, now, "caId");
  const thisUpdate = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const nextUpdate = new Date(thisUpdate.getTime() + crlLifetimeMs());
  const number = await claimCrlNumber(authorityId, thisUpdate, nextUpdate);
  const crl = await signCrlStreamed({ issuer, number, thisUpdate, nextUpdate, pages: revokedPages(authorityId, thisUpdate) });
  const pem = crl.pem;
  const file = remember(authorityId, crl.der, pem, number, thisUpdate);
  // Stored only while no later number was claimed: a later signer's CRL (read later, so with at
  // least these entries) is the one to serve. Ours is still a valid CRL for whoever asked.
  await storeCrlPem(authorityId, number, { thisUpdate, nextUpdate, pem });
  return file;
}

/**
 * Rows read per query when listing a CA's revocations: a CRL of 100,000 is never all in memory as
 * rows (a page is a few MB of row objects), and 20,000 keeps it to a handful of index range reads.
 * An object so tests can page a smaller CA.
 */
export const crlPaging = { rows: 20_000 };

/**
 * The revoked leaves in serial order, then the revoked intermediates, a page at a time. Keyset
 * pagination on the (authorityId, status, serialHex) index (lib/stores/revocation.ts): each page
 * is one index range read that starts after the previous page's last serial.
 */
async function* revokedPages(authorityId: string, thisUpdate: Date, pageRows = crlPaging.rows): AsyncGenerator<CrlEntry[]> {
  const toEntry = (c: { serialHex: string; revokedAt: Date | null; revocationReason: string | null }): CrlEntry => ({
    serialHex: c.serialHex,
    revokedAt: c.revokedAt ?? thisUpdate,
    reason: (c.revocationReason ?? "unspecified") as RevocationReason,
  });
  let after = "";
  for (;;) {
    const rows = await revokedLeavesPage(authorityId, after, pageRows);
    yield rows.map(toEntry);
    if (rows.length < pageRows) break;
    after = rows[rows.length - 1]!.serialHex;
  }
  const select = { serialHex: true, revokedAt: true, revocationReason: true } as const;
  yield (await getDb().authority.findMany({ where: { parentId: authorityId, status: "revoked" }, select })).map(toEntry);
}

/** A CRL ready to serve: both encodings, its entity tag and when it was made. */
export interface CrlFile {
  der: Uint8Array<ArrayBuffer>;
  pem: string;
  etag: string;
  lastModified: Date;
  /**
   * The bytes to send, made once per CRL, for the lean dispatch's one `res.end()` (the DER is a
   * view, not a copy; the PEM is encoded once).
   */
  bytes(format: "der" | "pem"): Buffer;
  /**
   * The same as a Blob, for a web body (Next's own server): a Response over a Blob streams it
   * without the two copies a Uint8Array body costs per request (Buffer.from, then undici's own),
   * which at 100,000 entries (5 MB) were most of a GET.
   */
  body(format: "der" | "pem"): Blob;
}

/**
 * The last CRL served per CA, by its own CRL number (read from its DER, so a number claimed by a
 * signer that has not stored its CRL yet never matches an older CRL's bytes).
 */
const served = new Map<string, CrlFile & { number: number }>();

function remember(authorityId: string, der: Uint8Array<ArrayBuffer>, pem: string, number: number | null, thisUpdate: Date): CrlFile {
  const blobs: { der?: Blob; pem?: Blob } = {};
  const buffers: { der?: Buffer; pem?: Buffer } = {};
  const file: CrlFile = {
    der,
    pem,
    etag: crlEtag(der),
    lastModified: thisUpdate,
    bytes: (format) =>
      (buffers[format] ??= format === "der" ? Buffer.from(der.buffer, der.byteOffset, der.byteLength) : Buffer.from(pem, "latin1")),
    body: (format) => (blobs[format] ??= new Blob([format === "der" ? der : pem])),
  };
  if (number !== null) {
    served.set(authorityId, { ...file, number });
    while (served.size > 1000) served.delete(served.keys().next().value!);
  }
  return file;
}

/**
 * The CA's current CRL for the /crl endpoint: from memory while the stored row still names the
 * same CRL number and is not due for renewal (one primary-key read of two columns, so a CRL
 * another instance signed is served from the next request; no 5 MB PEM read per request at
 * 100,000 entries), otherwise the stored one read once (or a new one signed), as currentCrl.
 */
export async function currentCrlFile(authorityId: string, now = new Date()): Promise<CrlFile> {
  assertActing("serve a CRL");
  const cached = served.get(authorityId);
  if (cached) {
    const row = await crlFreshness(authorityId);
    if (row && row.number === cached.number && row.nextUpdate.getTime() - now.getTime() > DAY) return cached;
  }
  const current = await currentStoredOrSigned(authorityId, now);
  if ("bytes" in current) return current;
  const fresh = served.get(authorityId);
  if (fresh && fresh.pem === current.pem) return fresh;
  const der = crlDer(current.pem);
  return remember(authorityId, der, current.pem, crlNumberOf(der), current.thisUpdate);
}

/**
 * A stored CRL's DER. The PEM is the signer's own (one block, base64 lines): Node's base64 decoder
 * skips the line breaks, so the megabytes are decoded in one pass (parsePemBlocks, which splits,
 * trims and joins every line, took 160-740 ms for a 6.6 MB PEM on the loaded 2-core machine:
 * the first GET in a cluster worker that did not sign the CRL). Any other shape goes through it.
 */
function crlDer(pem: string): Uint8Array<ArrayBuffer> {
  const begin = "-----BEGIN X509 CRL-----";
  const end = pem.indexOf("-----END X509 CRL-----");
  if (pem.startsWith(begin) && end > 0 && pem.indexOf("-----", begin.length) === end && pem.indexOf(":") < 0) {
    const der = Buffer.from(pem.slice(begin.length, end), "base64");
    return new Uint8Array(der.buffer as ArrayBuffer, der.byteOffset, der.byteLength);
  }
  return new Uint8Array(parsePemBlocks(pem)[0]!.der);
}
/** The next CRL number for this CA, taken atomically (the row is created with number 1). */
async function claimCrlNumber(authorityId: string, thisUpdate: Date, nextUpdate: Date): Promise<number> {
  const db = getDb();
  try {
    const row = await db.crl.update({ where: { authorityId }, data: { number: { increment: 1 } }, select: { number: true } });
    return row.number;
  } catch (error) {
    if ((error as { code?: string }).code !== "P2025") throw error; // P2025: no CRL yet
  }
  try {
    await db.crl.create({ data: { authorityId, number: 1, thisUpdate, nextUpdate, pem: "" } });
    return 1;
  } catch (error) {
    if ((error as { code?: string }).code !== "P2002") throw error; // another signer created it first
    return (await db.crl.update({ where: { authorityId }, data: { number: { increment: 1 } }, select: { number: true } })).number;
  }
}

/** The CA's current CRL, made anew when there is none or its nextUpdate is less than a day away. */
export async function currentCrl(authorityId: string, now = new Date()): Promise<string> {
  // Public (RFC 5280 CRLs are fetched anonymously), but still someone: a request or the scheduler.
  assertActing("serve a CRL");
  return (await currentStoredOrSigned(authorityId, now)).pem;
}

/** The stored CRL while it is current (its row), else one signed now (as served), else a CA's last one. */
async function currentStoredOrSigned(authorityId: string, now: Date): Promise<CrlFile | { pem: string; thisUpdate: Date }> {
  const stored = await storedCrl(authorityId);
  // An empty pem is a first CRL whose number is claimed but not yet signed (see claimCrlNumber).
  if (stored?.pem && stored.nextUpdate.getTime() - now.getTime() > DAY) return stored;
  try {
    return await publish(authorityId, now);
  } catch (error) {
    // A revoked or expired CA can sign no more: its last CRL is still the best answer.
    if (stored?.pem) return stored;
    throw error;
  }
}
