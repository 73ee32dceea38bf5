import { getDb } from "../db";
import { PROFILE_SPECS, type LeafProfile } from "../pki/profiles-data";
import { readEchoStatus, type EchoStatus } from "./echo";

export interface Option {
  value: string;
  label: string;
}

export interface TlsPageData {
  echo: EchoStatus;
  /** Certificates the echo server can serve: server profiles whose key cadesk holds. */
  serverCertificates: Option[];
  /** Certificates that can act as mTLS clients: clientAuth profiles with a held key. */
  clientCertificates: Option[];
  authorities: Option[];
}

export async function tlsPageData(now = new Date()): Promise<TlsPageData> {
  const db = getDb();
  const [echo, certificates, authorities] = await Promise.all([
    readEchoStatus(),
    db.certificate.findMany({
      where: { encryptedKey: { not: null }, status: { not: "revoked" }, notAfter: { gt: now } },
      orderBy: { createdAt: "desc" },
      take: 500,
      select: { id: true, commonName: true, profile: true, authority: { select: { commonName: true } } },
    }),
    db.authority.findMany({ orderBy: { createdAt: "asc" }, select: { id: true, commonName: true } }),
  ]);
  const option = (c: (typeof certificates)[number]) => ({ value: c.id, label: `${c.commonName} (${PROFILE_SPECS[c.profile as LeafProfile]?.label ?? c.profile}, from ${c.authority.commonName})` });
  return {
    echo,
    serverCertificates: certificates.filter((c) => PROFILE_SPECS[c.profile as LeafProfile]?.needsHostName).map(option),
    clientCertificates: certificates.filter((c) => c.profile !== "server").map(option),
    authorities: authorities.map((a) => ({ value: a.id, label: a.commonName })),
  };
}
