/** Reads for the ACME pages, the overview and the certificate page: plain objects, JSON columns parsed. */
import { ACME_CHALLENGE_TYPES, type AcmeChallengeType } from "../acme/profiles";
import { exampleDomain, type AcmeSetupInput } from "../acme-clients/setups";
import { getDb } from "../db";
import { readConfig } from "../config";
import { DAY } from "../time";
import { acmeUrls } from "../acme/urls";
import { readDashboardCertificateId } from "./dashboard-tls";
import { authorityChain } from "./find";


export interface AcmeProblem {
  type: string;
  detail: string;
  /** The problem type in words ("could not connect"), for people who do not read URNs. */
  title: string;
  subproblems?: { type: string; detail: string; identifier?: { type: string; value: string } }[];
}

/** RFC 8555 6.7 error types, named the way a person would say what went wrong. */
const PROBLEM_TITLES: Record<string, string> = {
  accountDoesNotExist: "No such account",
  alreadyRevoked: "Already revoked",
  badCSR: "The CSR was refused",
  badNonce: "Stale or replayed nonce",
  badPublicKey: "The key was refused",
  badRevocationReason: "Revocation reason refused",
  badSignatureAlgorithm: "Signature algorithm refused",
  caa: "A CAA record forbids issuance",
  compound: "Several problems",
  connection: "cadesk could not connect to the server",
  dns: "DNS lookup failed",
  externalAccountRequired: "External Account Binding required",
  incorrectResponse: "The server answered the challenge wrongly",
  invalidContact: "Contact refused",
  malformed: "Malformed request",
  orderNotReady: "Order not ready to finalize",
  rateLimited: "Rate limited",
  rejectedIdentifier: "Name not allowed by this endpoint",
  serverInternal: "Internal error in cadesk",
  tls: "TLS handshake failed",
  unauthorized: "Not authorized",
  unsupportedContact: "Contact type not supported",
  unsupportedIdentifier: "Identifier type not supported",
  userActionRequired: "Action needed on the account",
};

/** Parses a stored RFC 7807 problem document; null for none, a readable stand-in for junk. */
export function readProblem(json: string | null): AcmeProblem | null {
  if (!json) return null;
  try {
    const p = JSON.parse(json) as { type?: string; detail?: string; subproblems?: AcmeProblem["subproblems"] };
    const type = p.type ?? "about:blank";
    const short = type.replace("urn:ietf:params:acme:error:", "");
    return { type, detail: p.detail ?? "", title: PROBLEM_TITLES[short] ?? short, subproblems: p.subproblems };
  } catch {
    return { type: "about:blank", detail: json.slice(0, 500), title: "Problem" };
  }
}

export interface TranscriptEntry {
  at: string | null;
  target: string | null;
  outcome: string | null;
  detail: string;
}

/** A challenge's attempts as the validator recorded them ({at, target, outcome, detail}). */
export function readTranscript(json: string): TranscriptEntry[] {
  try {
    const entries = JSON.parse(json) as unknown;
    if (!Array.isArray(entries)) return [];
    return entries.map((e: Record<string, unknown>) => ({
      at: typeof e.at === "string" ? e.at : null,
      target: typeof e.target === "string" ? e.target : null,
      outcome: typeof e.outcome === "string" ? e.outcome : null,
      detail: typeof e.detail === "string" ? e.detail : JSON.stringify(e),
    }));
  } catch {
    return [];
  }
}

const list = (json: string) => {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
};

export type Identifier = { type: string; value: string };
const identifiers = (json: string): Identifier[] => {
  try {
    return (JSON.parse(json) as Identifier[]).map((i) => ({ type: String(i.type), value: String(i.value) }));
  } catch {
    return [];
  }
};

/** "mailto:a@x" -> "a@x": how the tables show contacts. */
const contactLabel = (c: string) => c.replace(/^mailto:/, "");

export interface AcmeEndpointRow {
  id: string;
  name: string;
  directoryUrl: string;
  caId: string;
  caName: string;
  caRevoked: boolean;
  profiles: string[];
  challenges: string[];
  requireEab: boolean;
  allowedIdentifiers: string[];
  accountCount: number;
  orderCount: number;
  failed24h: number;
  lastOrderAt: Date | null;
}

export async function listAcmeEndpoints(now = new Date()): Promise<AcmeEndpointRow[]> {
  const db = getDb();
  const endpoints = await db.acmeEndpoint.findMany({
    orderBy: { createdAt: "asc" },
    include: { authority: { select: { commonName: true, status: true } }, _count: { select: { accounts: true, orders: true } } },
  });
  const since = new Date(now.getTime() - DAY);
  const [failed, last] = await Promise.all([
    db.acmeOrder.groupBy({ by: ["endpointId"], where: { status: "invalid", updatedAt: { gte: since } }, _count: { _all: true } }),
    db.acmeOrder.groupBy({ by: ["endpointId"], _max: { createdAt: true } }),
  ]);
  return endpoints.map((e) => ({
    id: e.id,
    name: e.name,
    directoryUrl: acmeUrls(e.name).directory,
    caId: e.authorityId,
    caName: e.authority.commonName,
    caRevoked: e.authority.status === "revoked",
    profiles: list(e.profiles),
    challenges: list(e.challenges),
    requireEab: e.requireEab,
    allowedIdentifiers: list(e.allowedIdentifiers),
    accountCount: e._count.accounts,
    orderCount: e._count.orders,
    failed24h: failed.find((f) => f.endpointId === e.id)?._count._all ?? 0,
    lastOrderAt: last.find((l) => l.endpointId === e.id)?._max.createdAt ?? null,
  }));
}

/** How ACME clients reach the directory: RFC 8555 6.1 requires HTTPS, so plain HTTP gets a warning. */
export interface AcmeTransport {
  scheme: "https" | "http";
  /** "cadesk": CADESK_TLS=1, cadesk terminates TLS; "proxy": https:// in CADESK_PUBLIC_URL without it, something in front does. */
  servedBy: "cadesk" | "proxy" | "plain";
  /** With "cadesk": the root of the dashboard certificate's chain, which ACME clients must trust. */
  serverCa: { id: string; name: string; pem: string; fingerprintSha256: string; downloadUrl: string } | null;
}

export async function acmeTransport(): Promise<AcmeTransport> {
  const { publicUrl, CADESK_TLS } = readConfig();
  if (!publicUrl.startsWith("https:")) return { scheme: "http", servedBy: "plain", serverCa: null };
  if (!CADESK_TLS) return { scheme: "https", servedBy: "proxy", serverCa: null };
  const certificateId = await readDashboardCertificateId();
  const certificate = certificateId
    ? await getDb().certificate.findUnique({ where: { id: certificateId }, select: { authorityId: true } })
    : null;
  const root = certificate ? (await authorityChain(certificate.authorityId)).at(-1) : undefined;
  return {
    scheme: "https",
    servedBy: "cadesk",
    serverCa: root
      ? {
          id: root.id,
          name: root.commonName,
          pem: root.certificatePem,
          fingerprintSha256: colonHex(root.fingerprintSha256),
          downloadUrl: `${publicUrl}/ca/${root.id}`,
        }
      : null,
  };
}

/** "ab12..." -> "AB:12:...", as `openssl x509 -fingerprint` prints it. */
export const colonHex = (hex: string) => (hex.toUpperCase().match(/../g) ?? []).join(":");

export interface AcmeOrderRow {
  id: string;
  status: string;
  identifiers: Identifier[];
  profile: string;
  createdAt: Date;
  updatedAt: Date;
  accountId: string;
  accountLabel: string;
  certificateId: string | null;
  error: AcmeProblem | null;
  /** Renewal (RFC 9773 `replaces`): the certificate it replaces, if cadesk knows it. */
  replacesCertificateId: string | null;
}

type OrderWithAccount = {
  id: string;
  status: string;
  identifiers: string;
  profile: string;
  createdAt: Date;
  updatedAt: Date;
  accountId: string;
  certificateId: string | null;
  error: string | null;
  replacesCertificateId: string | null;
  account: { contacts: string; thumbprint: string };
};

function accountLabel(a: { contacts: string; thumbprint: string }): string {
  const contact = list(a.contacts)[0];
  return contact ? contactLabel(contact) : `key ${a.thumbprint.slice(0, 12)}…`;
}

function orderRow(o: OrderWithAccount): AcmeOrderRow {
  return {
    id: o.id,
    status: o.status,
    identifiers: identifiers(o.identifiers),
    profile: o.profile,
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
    accountId: o.accountId,
    accountLabel: accountLabel(o.account),
    certificateId: o.certificateId,
    error: readProblem(o.error),
    replacesCertificateId: o.replacesCertificateId,
  };
}

export interface AcmeAccountRow {
  id: string;
  thumbprint: string;
  contacts: string[];
  status: string;
  eabKeyId: string | null;
  eabLabel: string | null;
  createdAt: Date;
  deactivatedAt: Date | null;
  orderCount: number;
  lastOrderAt: Date | null;
}

export interface AcmeEabKeyRow {
  id: string;
  keyId: string;
  label: string | null;
  createdAt: Date;
  boundAt: Date | null;
  revokedAt: Date | null;
  account: { id: string; label: string } | null;
  state: "unused" | "bound" | "revoked";
}

export interface AcmeEndpointDetail extends AcmeEndpointRow {
  defaultProfile: string;
  validityDays: number;
  maxValidityDays: number;
  termsOfServiceUrl: string | null;
  createdAt: Date;
  updatedAt: Date;
  issuingRoot: { id: string; name: string; downloadUrl: string };
  eabKeys: AcmeEabKeyRow[];
  accounts: AcmeAccountRow[];
  recentOrders: AcmeOrderRow[];
  transport: AcmeTransport;
}

const RECENT_ORDERS = 50;

export async function getAcmeEndpoint(id: string, now = new Date()): Promise<AcmeEndpointDetail | null> {
  const db = getDb();
  const endpoint = await db.acmeEndpoint.findUnique({ where: { id }, select: { id: true } });
  if (!endpoint) return null;
  const [rows, e, eabKeys, accounts, orderCounts, orders, transport] = await Promise.all([
    listAcmeEndpoints(now),
    db.acmeEndpoint.findUniqueOrThrow({ where: { id } }),
    db.acmeEabKey.findMany({
      where: { endpointId: id },
      orderBy: { createdAt: "desc" },
      include: { account: { select: { id: true, contacts: true, thumbprint: true } } },
    }),
    db.acmeAccount.findMany({
      where: { endpointId: id },
      orderBy: { createdAt: "desc" },
      include: { eabKey: { select: { keyId: true, label: true } } },
    }),
    db.acmeOrder.groupBy({ by: ["accountId"], where: { endpointId: id }, _count: { _all: true }, _max: { createdAt: true } }),
    db.acmeOrder.findMany({
      where: { endpointId: id },
      orderBy: { createdAt: "desc" },
      take: RECENT_ORDERS,
      include: { account: { select: { contacts: true, thumbprint: true } } },
    }),
    acmeTransport(),
  ]);
  const row = rows.find((r) => r.id === id)!;
  const chain = await authorityChain(e.authorityId);
  const root = chain.at(-1) ?? chain[0]!;
  return {
    ...row,
    defaultProfile: e.defaultProfile,
    validityDays: e.validityDays,
    maxValidityDays: e.maxValidityDays,
    termsOfServiceUrl: e.termsOfServiceUrl,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
    issuingRoot: { id: root.id, name: root.commonName, downloadUrl: `${readConfig().publicUrl}/ca/${root.id}` },
    eabKeys: eabKeys.map((k) => ({
      id: k.id,
      keyId: k.keyId,
      label: k.label,
      createdAt: k.createdAt,
      boundAt: k.boundAt,
      revokedAt: k.revokedAt,
      account: k.account ? { id: k.account.id, label: accountLabel(k.account) } : null,
      state: k.revokedAt ? "revoked" : k.boundAt || k.account ? "bound" : "unused",
    })),
    accounts: accounts.map((a) => {
      const counts = orderCounts.find((c) => c.accountId === a.id);
      return {
        id: a.id,
        thumbprint: a.thumbprint,
        contacts: list(a.contacts).map(contactLabel),
        status: a.status,
        eabKeyId: a.eabKey?.keyId ?? null,
        eabLabel: a.eabKey?.label ?? null,
        createdAt: a.createdAt,
        deactivatedAt: a.deactivatedAt,
        orderCount: counts?._count._all ?? 0,
        lastOrderAt: counts?._max.createdAt ?? null,
      };
    }),
    recentOrders: orders.map(orderRow),
    transport,
  };
}

export interface AcmeChallengeDetail {
  id: string;
  type: string;
  status: string;
  validated: Date | null;
  attempts: number;
  error: AcmeProblem | null;
  transcript: TranscriptEntry[];
}

export interface AcmeOrderDetail extends AcmeOrderRow {
  endpoint: { id: string; name: string };
  expires: Date;
  notBefore: Date | null;
  notAfter: Date | null;
  replaces: string | null;
  certificate: { id: string; commonName: string; serialHex: string; notAfter: Date; status: string } | null;
  authorizations: {
    id: string;
    identifier: Identifier;
    wildcard: boolean;
    status: string;
    expires: Date;
    challenges: AcmeChallengeDetail[];
  }[];
  /** One sentence on where the order stands, for the top of its page. */
  summary: string;
}

export async function getAcmeOrder(endpointId: string, orderId: string): Promise<AcmeOrderDetail | null> {
  const o = await getDb().acmeOrder.findUnique({
    where: { id: orderId },
    include: {
      endpoint: { select: { id: true, name: true } },
      account: { select: { contacts: true, thumbprint: true } },
      certificate: { select: { id: true, commonName: true, serialHex: true, notAfter: true, status: true } },
      authorizations: { orderBy: { createdAt: "asc" }, include: { challenges: { orderBy: { createdAt: "asc" } } } },
    },
  });
  if (!o || o.endpointId !== endpointId) return null;
  const row = orderRow(o);
  const authorizations = o.authorizations.map((a) => ({
    id: a.id,
    identifier: { type: a.identifierType, value: a.wildcard ? `*.${a.identifierValue}` : a.identifierValue },
    wildcard: a.wildcard,
    status: a.status,
    expires: a.expires,
    challenges: a.challenges.map((c) => ({
      id: c.id,
      type: c.type,
      status: c.status,
      validated: c.validated,
      attempts: c.attempts,
      error: readProblem(c.error),
      transcript: readTranscript(c.transcript),
    })),
  }));
  return {
    ...row,
    endpoint: o.endpoint,
    expires: o.expires,
    notBefore: o.notBefore,
    notAfter: o.notAfter,
    replaces: o.replaces,
    certificate: o.certificate,
    authorizations,
    summary: orderSummary(row, authorizations),
  };
}

/** Where an order stands, in one sentence (RFC 8555 7.1.6 order states). */
export function orderSummary(
  order: Pick<AcmeOrderRow, "status" | "error" | "certificateId">,
  authorizations: { identifier: Identifier; status: string; challenges: { type: string; status: string; error: AcmeProblem | null }[] }[],
): string {
  switch (order.status) {
    case "valid":
      return order.certificateId ? "Issued: the client downloaded or can download the certificate." : "Valid.";
    case "ready":
      return "Every name is proven; waiting for the client to send its CSR (finalize).";
    case "processing":
      return "The CSR was accepted; cadesk is signing the certificate.";
    case "pending": {
      const open = authorizations.filter((a) => a.status === "pending");
      const trying = open.filter((a) => a.challenges.some((c) => c.status === "processing"));
      if (trying.length) return `cadesk is validating ${trying.map((a) => a.identifier.value).join(", ")} (it retries for a while).`;
      return `Waiting for the client to answer a challenge for ${open.map((a) => a.identifier.value).join(", ") || "its names"}.`;
    }
    case "invalid": {
      const failed = authorizations.flatMap((a) =>
        a.challenges.filter((c) => c.status === "invalid").map((c) => `${a.identifier.value} (${c.type}): ${c.error?.detail || c.error?.title || "failed"}`),
      );
      if (failed.length) return `Failed: ${failed.join("; ")}`;
      if (order.error) return `Failed: ${order.error.detail || order.error.title}`;
      return "Failed (the order expired or an authorization was deactivated).";
    }
    default:
      return order.status;
  }
}

export interface AcmeOverview {
  endpointCount: number;
  /** Certificates issued over ACME that are neither revoked nor expired. */
  managedCertificates: number;
  failedOrders: (AcmeOrderRow & { endpointId: string; endpointName: string })[];
}

/** The overview's ACME figures: certificates under ACME and orders that failed in the last 24 h. */
export async function getAcmeOverview(now = new Date()): Promise<AcmeOverview> {
  const db = getDb();
  const [endpointCount, managedCertificates, failed] = await Promise.all([
    db.acmeEndpoint.count(),
    db.certificate.count({ where: { acmeOrder: { isNot: null }, status: { not: "revoked" }, notAfter: { gt: now } } }),
    db.acmeOrder.findMany({
      where: { status: "invalid", updatedAt: { gte: new Date(now.getTime() - DAY) } },
      orderBy: { updatedAt: "desc" },
      take: 10,
      include: { account: { select: { contacts: true, thumbprint: true } }, endpoint: { select: { name: true } } },
    }),
  ]);
  return {
    endpointCount,
    managedCertificates,
    failedOrders: failed.map((o) => ({ ...orderRow(o), endpointId: o.endpointId, endpointName: o.endpoint.name })),
  };
}

/** How a certificate came from ACME, for its page and the inventory: endpoint, account and order. */
export interface CertificateAcme {
  endpoint: { id: string; name: string };
  account: { id: string; label: string; thumbprint: string; status: string };
  order: { id: string; createdAt: Date; profile: string };
}

export async function certificateAcme(certificateId: string): Promise<CertificateAcme | null> {
  const order = await getDb().acmeOrder.findUnique({
    where: { certificateId },
    include: { endpoint: { select: { id: true, name: true } }, account: { select: { id: true, contacts: true, thumbprint: true, status: true } } },
  });
  if (!order) return null;
  return {
    endpoint: order.endpoint,
    account: { id: order.account.id, label: accountLabel(order.account), thumbprint: order.account.thumbprint, status: order.account.status },
    order: { id: order.id, createdAt: order.createdAt, profile: order.profile },
  };
}

/** For the inventory: which of these certificates came over ACME, and from which endpoint. */
export async function acmeEndpointsOf(certificateIds: string[]): Promise<Map<string, string>> {
  if (certificateIds.length === 0) return new Map();
  const orders = await getDb().acmeOrder.findMany({
    where: { certificateId: { in: certificateIds } },
    select: { certificateId: true, endpoint: { select: { name: true } } },
  });
  return new Map(orders.map((o) => [o.certificateId!, o.endpoint.name]));
}

/** The set-up generator's input for an endpoint: its directory, trust, policy and (once) an EAB key. */
export function setupInput(detail: AcmeEndpointDetail, eab?: { keyId: string; hmacKey: string }): AcmeSetupInput {
  const ca = detail.transport.serverCa;
  return {
    directoryUrl: detail.directoryUrl,
    endpointName: detail.name,
    challenges: detail.challenges.filter((c): c is AcmeChallengeType => (ACME_CHALLENGE_TYPES as readonly string[]).includes(c)),
    requireEab: detail.requireEab,
    eab,
    serverCa: ca ? { name: ca.name, pem: ca.pem, downloadUrl: ca.downloadUrl, fingerprintSha256: ca.fingerprintSha256 } : undefined,
    issuingRoot: { name: detail.issuingRoot.name, downloadUrl: detail.issuingRoot.downloadUrl },
    domain: exampleDomain(detail.allowedIdentifiers),
    email: "ops@example.internal",
  };
}

/** Every endpoint row, oldest first, for the API. */
export function acmeEndpointRecords() {
  return getDb().acmeEndpoint.findMany({ orderBy: { createdAt: "asc" } });
}
