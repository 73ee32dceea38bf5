import { caKeyLocation, type CaKeyLocation } from "./ca-key";
import { authorityOperatorIds } from "./columns";
import { getDb } from "../db";
import { parsePemBlocks } from "../pki/pem";
import { summarizeCertificate, type CertificateSummary } from "../pki/summary";
import { pemCertificateText } from "./text";
import { authorityChain } from "./find";
import { searchCertificates, type CertificateRow } from "./certificates";
import { daysUntil } from "./status";

export interface AuthorityRow {
  id: string;
  commonName: string;
  subjectDn: string;
  parentId: string | null;
  parentName: string | null;
  keyType: string;
  pathLength: number | null;
  notAfter: Date;
  daysLeft: number;
  issuedCount: number;
  imported: boolean;
  /** Depth in the hierarchy: 0 for roots. */
  depth: number;
  revoked: boolean;
  /** Operators allowed to use it; null: all. */
  operatorIds: string[] | null;
}

/** Every CA, ordered as a tree (each root followed by the CAs beneath it). */
export async function listAuthorities(now = new Date()): Promise<AuthorityRow[]> {
  const all = await getDb().authority.findMany({
    orderBy: { createdAt: "asc" },
    select: {
      id: true, commonName: true, subjectDn: true, parentId: true, keyType: true, pathLength: true, notAfter: true, imported: true,
      status: true, operatorIds: true,
      parent: { select: { commonName: true } },
      _count: { select: { certificates: true } },
    },
  });
  const byParent = new Map<string | null, typeof all>();
  for (const a of all) byParent.set(a.parentId, [...(byParent.get(a.parentId) ?? []), a]);
  const ids = new Set(all.map((a) => a.id));
  const out: AuthorityRow[] = [];
  const walk = (parentId: string | null, depth: number) => {
    for (const a of byParent.get(parentId) ?? []) {
      out.push({
        id: a.id, commonName: a.commonName, subjectDn: a.subjectDn, parentId: a.parentId, parentName: a.parent?.commonName ?? null,
        keyType: a.keyType, pathLength: a.pathLength, notAfter: a.notAfter, daysLeft: daysUntil(a.notAfter, now),
        issuedCount: a._count.certificates, imported: a.imported, depth,
        revoked: a.status === "revoked", operatorIds: authorityOperatorIds(a),
      });
      walk(a.id, depth + 1);
    }
  };
  walk(null, 0);
  // Orphans cannot happen with the foreign key, but never hide a CA from the list.
  for (const a of all) if (!out.some((o) => o.id === a.id) && a.parentId && !ids.has(a.parentId)) walk(a.parentId, 0);
  return out;
}

export interface AuthorityDetail {
  /** Operators (people and operator API tokens) who may be allowed on this CA, and those who are (null: all). */
  operators: { id: string; label: string }[];
  operatorIds: string[] | null;
  id: string;
  commonName: string;
  keyType: string;
  pathLength: number | null;
  imported: boolean;
  daysLeft: number;
  certificatePem: string;
  /** As `openssl x509 -text -noout` prints it. */
  text: string;
  summary: CertificateSummary;
  /** This CA then its ancestors up to the root. */
  chain: { id: string; commonName: string; notAfter: Date }[];
  children: { id: string; commonName: string; notAfter: Date }[];
  issuedCount: number;
  isRoot: boolean;
  revokedAt: Date | null;
  revocationReason: string | null;
  /** What stops being trusted if this CA is revoked. */
  beneath: Beneath;
  /** The latest certificates it issued. */
  recent: CertificateRow[];
  /** Where its private key lives (sealed, or the token and key id) and whether the token answers. */
  key: CaKeyLocation;
}

export async function getAuthority(id: string, now = new Date()): Promise<AuthorityDetail | null> {
  const db = getDb();
  const a = await db.authority.findUnique({ where: { id } });
  if (!a) return null;
  const [summary, chain, children, recent, beneath, operators, key, issuedCount] = await Promise.all([
    summarizeCertificate(parsePemBlocks(a.certificatePem)[0]!.der),
    authorityChain(a.id),
    db.authority.findMany({ where: { parentId: a.id }, select: { id: true, commonName: true, notAfter: true }, orderBy: { createdAt: "asc" } }),
    searchCertificates({ q: undefined, caId: a.id, status: undefined, sort: "newest", page: 1, pageSize: 10 }, now),
    beneathAuthority(a.id),
    operatorCandidates(now),
    caKeyLocation(a),
    // Exact, as the CA list's counts are (the inventory's own total stops at 10,000).
    db.certificate.count({ where: { authorityId: a.id } }),
  ]);
  return {
    id: a.id, commonName: a.commonName, keyType: a.keyType, pathLength: a.pathLength, imported: a.imported,
    daysLeft: daysUntil(a.notAfter, now), certificatePem: a.certificatePem, text: pemCertificateText(a.certificatePem), summary,
    chain: chain.map((c) => ({ id: c.id, commonName: c.commonName, notAfter: c.notAfter })),
    children, issuedCount, recent: recent.rows,
    isRoot: a.parentId === null, revokedAt: a.revokedAt, revocationReason: a.revocationReason, beneath,
    operators, operatorIds: authorityOperatorIds(a), key,
  };
}

/** Everyone a CA's operator list can name: operator users, then live operator API tokens. */
export async function operatorCandidates(now = new Date()): Promise<{ id: string; label: string }[]> {
  const [users, tokens] = await Promise.all([
    getDb().user.findMany({ where: { role: "operator" }, select: { id: true, email: true }, orderBy: { email: "asc" } }),
    getDb().apiToken.findMany({ where: { role: "operator", revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] }, select: { id: true, name: true }, orderBy: { name: "asc" } }),
  ]);
  return [...users.map((u) => ({ id: u.id, label: u.email })), ...tokens.map((t) => ({ id: t.id, label: `API token "${t.name}"` }))];
}

export interface Beneath {
  authorities: number;
  certificates: number;
}

/** Everything that stops being trusted with this CA: the CAs below it and all they issued. */
export async function beneathAuthority(id: string): Promise<Beneath> {
  const db = getDb();
  const ids = [id];
  for (let i = 0; i < ids.length; i++) {
    const children = await db.authority.findMany({ where: { parentId: ids[i] }, select: { id: true } });
    ids.push(...children.map((c) => c.id));
  }
  const certificates = await db.certificate.count({ where: { authorityId: { in: ids }, status: { not: "revoked" } } });
  return { authorities: ids.length - 1, certificates };
}

/** Every CA row, oldest first, for the API. */
export function allAuthorities() {
  return getDb().authority.findMany({ orderBy: { createdAt: "asc" } });
}
