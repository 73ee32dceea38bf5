/**
 * cadesk's own revocation state for certificates and CAs it issued, by SHA-256 fingerprint: the
 * same rows its CRLs and OCSP responder are built from, so Inspect and the connection doctor say
 * "revoked on <date> for <reason>" exactly when cadesk's CRL does.
 */
import { getDb } from "../db";
import type { RevocationStatus } from "../verify";

export async function revocationState(sha256s: string[]): Promise<Map<string, RevocationStatus>> {
  const db = getDb();
  const where = { fingerprintSha256: { in: [...new Set(sha256s)] }, status: "revoked" };
  const select = { fingerprintSha256: true, revokedAt: true, revocationReason: true } as const;
  const [certificates, authorities] = await Promise.all([
    db.certificate.findMany({ where, select }),
    db.authority.findMany({ where, select }),
  ]);
  const state = new Map<string, RevocationStatus>();
  for (const c of certificates)
    if (c.revokedAt)
      state.set(c.fingerprintSha256, {
        revokedAt: c.revokedAt,
        reason: c.revocationReason ?? "unspecified",
        source: "cadesk's CRL and OCSP state",
      });
  for (const a of authorities)
    if (a.revokedAt)
      state.set(a.fingerprintSha256, {
        revokedAt: a.revokedAt,
        reason: a.revocationReason ?? "unspecified",
        source: "cadesk's CRL state (the parent CA's CRL)",
      });
  return state;
}
