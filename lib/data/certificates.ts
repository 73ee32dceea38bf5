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
import { certificateTextWhere, inventoryIds, type InventoryFilter } from "../stores/search";
import { hostFilter } from "./host-search";

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
  /** How many certificates match: exactly when `totalExact`, else more than this (counting stopped at COUNT_LIMIT). */
  total: number;
  totalExact: boolean;
  query: TCertificateQuery;
  /** Pages known to exist: all of them when `totalExact`, else up to this one and the next. */
  pageCount: number;
  hasNext: boolean;
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

/** The inventory query as the store's list filter (lib/stores/search.ts), host names resolved. */
async function inventoryFilter(query: TCertificateQuery): Promise<InventoryFilter> {
  const raw = query.q?.toLowerCase().replace(/:/g, "");
  return {
    // SQLite ends a LIKE pattern at a NUL, so "\0" would match everything; names hold no control characters.
    ...(raw ? { text: searchText(raw.replace(/[\u0000-\u001f\u007f]/g, "")) } : {}),
    ...(query.caId ? { authorityId: query.caId } : {}),
    ...(query.status ? { status: query.status } : {}),
    ...(query.expiresFrom ? { notAfterFrom: query.expiresFrom } : {}),
    ...(query.expiresBefore ? { notAfterBefore: query.expiresBefore } : {}),
    ...(query.host ? await hostFilter(query.host) : {}),
  };
}

/** One page of the inventory as ids, with the total as searchCertificates() gives it (the API reads whole rows itself). */
export async function searchCertificateIds(query: TCertificateQuery, now = new Date()): Promise<Omit<CertificatePage, "rows"> & { ids: string[] }> {
  const offset = (query.page - 1) * query.pageSize;
  const found = await inventoryIds(await inventoryFilter(query), query.sort, offset, query.pageSize + 1, now);
  const hasNext = found.ids.length > query.pageSize;
  return {
    ids: found.ids.slice(0, query.pageSize),
    total: found.count,
    totalExact: found.exact,
    query,
    pageCount: found.exact ? Math.max(1, Math.ceil(found.count / query.pageSize)) : query.page + (hasNext ? 1 : 0),
    hasNext,
  };
}

/**
 * The inventory: substring search over CN, SANs and serial (a lowercase column, so it behaves the
 * same on SQLite and PostgreSQL), filters by CA and status, sorted, one page at a time. The total
 * is exact up to COUNT_LIMIT (10,000; TEXT_COUNT_LIMIT, 1,000, when a text match must be read row by row) matches; beyond, `totalExact` is false and `total` says how
 * many were counted, as GitHub and Gmail do ("more than 10,000"): an exact count would read every
 * matching row on each page view, which is what made a page of a million-row inventory take a second.
 */
export async function searchCertificates(query: TCertificateQuery, now = new Date()): Promise<CertificatePage> {
  const found = await searchCertificateIds(query, now);
  const db = getDb();
  // Two plain reads: Prisma's relation include costs 3-4x their CPU for a page of rows.
  const certificates = await db.certificate.findMany({
    where: { id: { in: found.ids } },
    select: {
      id: true, commonName: true, sans: true, authorityId: true, profile: true, keyType: true, serialHex: true,
      notBefore: true, notAfter: true, status: true, encryptedKey: true, source: true, createdAt: true,
    },
  });
  const issuers = new Map(
    (
      await db.authority.findMany({ where: { id: { in: [...new Set(certificates.map((r) => r.authorityId))] } }, select: { id: true, commonName: true } })
    ).map((a) => [a.id, a.commonName]),
  );
  const byId = new Map(certificates.map((r) => [r.id, r]));
  const rows = found.ids.flatMap((id) => byId.get(id) ?? []);
  return {
    total: found.total,
    totalExact: found.totalExact,
    query,
    pageCount: found.pageCount,
    hasNext: found.hasNext,
    rows: rows.map((r) => ({
      id: r.id,
      commonName: r.commonName,
      sans: decodeSans(r.sans),
      issuerId: r.authorityId,
      issuerName: issuers.get(r.authorityId) ?? "",
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
