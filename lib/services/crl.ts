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

/** Signs a fresh CRL of everything this CA revoked, with the next CRL number, and stores it. */
export async function publishCrl(authorityId: string, now = new Date()): Promise<string> {
  assertActing("sign a CRL");
  const db = getDb();
  const issuer = await loadIssuer(authorityId, now, "caId");
  const [previous, revokedLeaves, revokedCas] = await Promise.all([
    db.crl.findUnique({ where: { authorityId }, select: { number: true } }),
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
  const number = (previous?.number ?? 0) + 1;
  const thisUpdate = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const nextUpdate = new Date(thisUpdate.getTime() + crlLifetimeMs());
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
  await db.crl.upsert({
    where: { authorityId },
    create: { authorityId, number, thisUpdate, nextUpdate, pem },
    update: { number, thisUpdate, nextUpdate, pem },
  });
  return pem;
}

/** The CA's current CRL, made anew when there is none or its nextUpdate is less than a day away. */
export async function currentCrl(authorityId: string, now = new Date()): Promise<string> {
  // Public (RFC 5280 CRLs are fetched anonymously), but still someone: a request or the scheduler.
  assertActing("serve a CRL");
  const stored = await getDb().crl.findUnique({ where: { authorityId } });
  if (stored && stored.nextUpdate.getTime() - now.getTime() > DAY) return stored.pem;
  try {
    return await publishCrl(authorityId, now);
  } catch (error) {
    // A revoked or expired CA can sign no more: its last CRL is still the best answer.
    if (stored) return stored.pem;
    throw error;
  }
}
