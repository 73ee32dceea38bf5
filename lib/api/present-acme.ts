/** The API's JSON shapes for ACME endpoints, EAB keys, accounts and orders. */
import type { AcmeEndpoint } from "@/generated/prisma/client";
import type { AcmeAccountRow, AcmeEabKeyRow, AcmeEndpointDetail, AcmeOrderRow } from "../data/acme";
import { acmeDirectoryUrl } from "../services/acme-create-endpoint";

const list = (json: string) => JSON.parse(json) as string[];

/** An endpoint's settings, as POST and PATCH answer and GET lists them. */
export function presentAcmeEndpoint(e: AcmeEndpoint) {
  return {
    id: e.id,
    name: e.name,
    directoryUrl: acmeDirectoryUrl(e.name),
    caId: e.authorityId,
    profiles: list(e.profiles),
    defaultProfile: e.defaultProfile,
    validityDays: e.validityDays,
    maxValidityDays: e.maxValidityDays,
    challenges: list(e.challenges),
    requireEab: e.requireEab,
    allowedIdentifiers: list(e.allowedIdentifiers),
    termsOfServiceUrl: e.termsOfServiceUrl,
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}

/** GET /acme/endpoints/{id}: the settings plus counts and the EAB keys (never their HMAC keys). */
export function presentAcmeEndpointDetail(e: AcmeEndpoint, detail: AcmeEndpointDetail) {
  return {
    ...presentAcmeEndpoint(e),
    https: detail.transport.scheme === "https",
    accountCount: detail.accountCount,
    orderCount: detail.orderCount,
    failedOrders24h: detail.failed24h,
    eabKeys: detail.eabKeys.map(presentEabKey),
  };
}

export function presentEabKey(k: AcmeEabKeyRow) {
  return {
    keyId: k.keyId,
    label: k.label,
    state: k.state,
    createdAt: k.createdAt.toISOString(),
    boundAt: k.boundAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
    accountId: k.account?.id ?? null,
  };
}

export function presentAcmeAccount(a: AcmeAccountRow) {
  return {
    id: a.id,
    thumbprint: a.thumbprint,
    contacts: a.contacts,
    status: a.status,
    eabKeyId: a.eabKeyId,
    createdAt: a.createdAt.toISOString(),
    deactivatedAt: a.deactivatedAt?.toISOString() ?? null,
    orderCount: a.orderCount,
    lastOrderAt: a.lastOrderAt?.toISOString() ?? null,
  };
}

export function presentAcmeOrder(o: AcmeOrderRow) {
  return {
    id: o.id,
    status: o.status,
    identifiers: o.identifiers,
    profile: o.profile,
    accountId: o.accountId,
    certificateId: o.certificateId,
    replacesCertificateId: o.replacesCertificateId,
    error: o.error ? { type: o.error.type, detail: o.error.detail, subproblems: o.error.subproblems } : null,
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
  };
}
