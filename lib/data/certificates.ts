import { parseInput } from "../validations/parse";
import { searchText } from "./search-text";
import { getDb } from "../db";
import type { San } from "../pki/names";
import { parsePemBlocks } from "../pki/pem";
import { summarizeCertificate, type CertificateSummary } from "../pki/summary";
import { pemCertificateText } from "./text";
import { authorityChain } from "./find";
import { ZCertificateQuery, type CertificateStatus, type TCertificateQuery } from "../validations/certificate";
import { certificateStatus, daysUntil, statusWhere } from "./status";
import { decodeSans } from "./columns";
import { certificateTextWhere } from "../stores/search";
import { hostWhere } from "./host-search";

export interface CertificateRow {
  id: string;
  commonName: string;
  sans: San[];
  issuerId: string;
  issuerName: string;
  profile: string;
  keyType: string;
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  daysLeft: number;
  status: CertificateStatus;
  hasKey: boolean;
  source: string;
  createdAt: Date;
}

export interface CertificatePage {
  rows: CertificateRow[];
  total: number;
  query: TCertificateQuery;
  pageCount: number;
}

export function parseCertificateQuery(params: Record<string, string | string[] | undefined>): TCertificateQuery {
  const flat = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  return parseInput(ZCertificateQuery, flat);
}

/** The filter of an inventory query, shared by the page, the API and the export (the text part uses the store's index). */
export async function certificateWhere(query: TCertificateQuery, now: Date) {
  const raw = query.q?.toLowerCase().replace(/:/g, "");
  // SQLite ends a LIKE pattern at a NUL, so "\0" would match everything; names hold no control characters.
  const q = raw?.replace(/[\u0000-\u001f\u007f]/g, "");
  return {
    ...(raw ? (q ? await certificateTextWhere(searchText(q)) : { id: { in: [] } }) : {}),
    ...(query.caId ? { authorityId: query.caId } : {}),
    ...(query.status ? statusWhere(query.status, now) : {}),
    ...(query.expiresFrom || query.expiresBefore
      ? { AND: [{ notAfter: { ...(query.expiresFrom ? { gte: query.expiresFrom } : {}), ...(query.expiresBefore ? { lt: query.expiresBefore } : {}) } }] }
      : {}),
  };
}

/**
 * The inventory: substring search over CN, SANs and serial (a lowercase column, so it behaves the
 * same on SQLite and PostgreSQL), filters by CA and status, sorted, one page at a time.
 */
export async function searchCertificates(query: TCertificateQuery, now = new Date()): Promise<CertificatePage> {
  const base = await certificateWhere(query, now);
  const where = query.host ? { AND: [base, await hostWhere(query.host)] } : base;
  const orderBy =
    query.sort === "expiry" ? { notAfter: "asc" as const } : query.sort === "-expiry" ? { notAfter: "desc" as const } : { createdAt: "desc" as const };
  const db = getDb();
  const [total, rows] = await Promise.all([
    db.certificate.count({ where }),
    db.certificate.findMany({
      where,
      orderBy,
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
      select: {
        id: true, commonName: true, sans: true, authorityId: true, profile: true, keyType: true, serialHex: true,
        notBefore: true, notAfter: true, status: true, encryptedKey: true, source: true, createdAt: true,
        authority: { select: { commonName: true } },
      },
    }),
  ]);
  return {
    total,
    query,
    pageCount: Math.max(1, Math.ceil(total / query.pageSize)),
    rows: rows.map((r) => ({
      id: r.id,
      commonName: r.commonName,
      sans: decodeSans(r.sans),
      issuerId: r.authorityId,
      issuerName: r.authority.commonName,
      profile: r.profile,
      keyType: r.keyType,
      serialHex: r.serialHex,
      notBefore: r.notBefore,
      notAfter: r.notAfter,
      daysLeft: daysUntil(r.notAfter, now),
      status: certificateStatus(r, now),
      hasKey: r.encryptedKey !== null,
      source: r.source,
      createdAt: r.createdAt,
    })),
  };
}

export interface CertificateDetail {
  id: string;
  commonName: string;
  serialHex: string;
  profile: string;
  keyType: string;
  source: string;
  status: CertificateStatus;
  daysLeft: number;
  hasKey: boolean;
  certificatePem: string;
  /** As `openssl x509 -text -noout` prints it. */
  text: string;
  createdAt: Date;
  summary: CertificateSummary;
  authorityId: string;
  revokedAt: Date | null;
  revocationReason: string | null;
  renewedFrom: { id: string; commonName: string } | null;
  renewals: { id: string; createdAt: Date }[];
  /** Issuers nearest first, up to the root. */
  chain: { id: string; commonName: string; subjectDn: string; notAfter: Date }[];
}

export async function getCertificate(id: string, now = new Date()): Promise<CertificateDetail | null> {
  const c = await getDb().certificate.findUnique({
    where: { id },
    include: { renewedFrom: { select: { id: true, commonName: true } }, renewals: { select: { id: true, createdAt: true }, orderBy: { createdAt: "desc" } } },
  });
  if (!c) return null;
  const [summary, chain] = await Promise.all([summarizeCertificate(parsePemBlocks(c.certificatePem)[0]!.der), authorityChain(c.authorityId)]);
  return {
    id: c.id,
    commonName: c.commonName,
    serialHex: c.serialHex,
    profile: c.profile,
    keyType: c.keyType,
    source: c.source,
    status: certificateStatus(c, now),
    daysLeft: daysUntil(c.notAfter, now),
    hasKey: c.encryptedKey !== null,
    certificatePem: c.certificatePem,
    text: pemCertificateText(c.certificatePem),
    createdAt: c.createdAt,
    summary,
    authorityId: c.authorityId,
    revokedAt: c.revokedAt,
    revocationReason: c.revocationReason,
    renewedFrom: c.renewedFrom,
    renewals: c.renewals,
    chain: chain.map((a) => ({ id: a.id, commonName: a.commonName, subjectDn: a.subjectDn, notAfter: a.notAfter })),
  };
}

/** Whole certificate rows for these ids, in the order given (ids not found are left out). */
export async function certificatesByIds(ids: string[]) {
  const rows = await getDb().certificate.findMany({ where: { id: { in: ids } } });
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}
