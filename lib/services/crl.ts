import { assertActing } from "../auth/actor";
import { readConfig } from "../config";
import { getDb } from "../db";
import { signCrl } from "../pki/crl";
import type { RevocationReason } from "../pki/revocation-reasons";
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
  assertActing("sign a CRL");
  const db = getDb();
  const issuer = await loadIssuer(authorityId, now, "caId");
  const thisUpdate = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const nextUpdate = new Date(thisUpdate.getTime() + crlLifetimeMs());
  const number = await claimCrlNumber(authorityId, thisUpdate, nextUpdate);
  const [revokedLeaves, revokedCas] = await Promise.all([
    db.certificate.findMany({
      where: { authorityId, status: "revoked" },
      select: { serialHex: true, revokedAt: true, revocationReason: true },
      orderBy: { revokedAt: "asc" },
    }),
    db.authority.findMany({
      where: { parentId: authorityId, status: "revoked" },
      select: { serialHex: true, revokedAt: true, revocationReason: true },
    }),
  ]);
  const revoked = [...revokedLeaves, ...revokedCas];
  const crl = await signCrl({
    issuer,
    number,
    thisUpdate,
    nextUpdate,
    entries: revoked.map((c) => ({
      serialHex: c.serialHex,
      revokedAt: c.revokedAt ?? thisUpdate,
      reason: (c.revocationReason ?? "unspecified") as RevocationReason,
    })),
  });
  const pem = crl.toString("pem").replace(/(BEGIN|END) CRL/g, "$1 X509 CRL") + "\n";
  // Stored only while no later number was claimed: a later signer's CRL (read later, so with at
  // least these entries) is the one to serve. Ours is still a valid CRL for whoever asked.
  await db.crl.updateMany({ where: { authorityId, number }, data: { thisUpdate, nextUpdate, pem } });
  return pem;
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
  const stored = await getDb().crl.findUnique({ where: { authorityId } });
  // An empty pem is a first CRL whose number is claimed but not yet signed (see claimCrlNumber).
  if (stored?.pem && stored.nextUpdate.getTime() - now.getTime() > DAY) return stored.pem;
  try {
    return await publishCrl(authorityId, now);
  } catch (error) {
    // A revoked or expired CA can sign no more: its last CRL is still the best answer.
    if (stored?.pem) return stored.pem;
    throw error;
  }
}
