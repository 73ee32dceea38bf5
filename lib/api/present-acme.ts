/** The API's JSON shapes for ACME endpoints, EAB keys, accounts and orders (typed by lib/api/responses-acme.ts). */
import type { AcmeEndpoint } from "@/generated/prisma/client";
import type { AcmeAccountRow, AcmeEabKeyRow, AcmeEndpointDetail, AcmeOrderDetail, AcmeOrderRow } from "../data/acme";
import type {
  TAcmeAccountDeactivatedResponse,
  TAcmeAccountResponse,
  TAcmeEabKeyCreatedResponse,
  TAcmeEabKeyResponse,
  TAcmeEndpointDetailResponse,
  TAcmeEndpointResponse,
  TAcmeOrderDetailResponse,
  TAcmeOrderResponse,
} from "./responses-acme";
import { acmeDirectoryUrl } from "../services/acme-create-endpoint";

// The database keeps these as text; only the validated create/update services write them.
const list = <T extends string>(json: string) => JSON.parse(json) as T[];
type Endpoint = TAcmeEndpointResponse;

/** An endpoint's settings, as POST and PATCH answer and GET lists them. */
export function presentAcmeEndpoint(e: AcmeEndpoint): TAcmeEndpointResponse {
  return {
    id: e.id,
    name: e.name,
    directoryUrl: acmeDirectoryUrl(e.name),
    caId: e.authorityId,
    profiles: list<Endpoint["profiles"][number]>(e.profiles),
    defaultProfile: e.defaultProfile as Endpoint["defaultProfile"],
    validityDays: e.validityDays,
    maxValidityDays: e.maxValidityDays,
    challenges: list<Endpoint["challenges"][number]>(e.challenges),
    requireEab: e.requireEab,
    allowedIdentifiers: list<string>(e.allowedIdentifiers),
    termsOfServiceUrl: e.termsOfServiceUrl,
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}

/** GET /acme/endpoints/{id}: the settings plus counts and the EAB keys (never their HMAC keys). */
export function presentAcmeEndpointDetail(e: AcmeEndpoint, detail: AcmeEndpointDetail): TAcmeEndpointDetailResponse {
  return {
    ...presentAcmeEndpoint(e),
    https: detail.transport.scheme === "https",
    accountCount: detail.accountCount,
    orderCount: detail.orderCount,
    failedOrders24h: detail.failed24h,
    eabKeys: detail.eabKeys.map(presentEabKey),
  };
}

export function presentEabKey(k: AcmeEabKeyRow): TAcmeEabKeyResponse {
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

export function presentAcmeAccount(a: AcmeAccountRow): TAcmeAccountResponse {
  return {
    id: a.id,
    thumbprint: a.thumbprint,
    contacts: a.contacts,
    status: a.status as TAcmeAccountResponse["status"],
    eabKeyId: a.eabKeyId,
    createdAt: a.createdAt.toISOString(),
    deactivatedAt: a.deactivatedAt?.toISOString() ?? null,
    orderCount: a.orderCount,
    lastOrderAt: a.lastOrderAt?.toISOString() ?? null,
  };
}

export function presentAcmeOrder(o: AcmeOrderRow): TAcmeOrderResponse {
  return {
    id: o.id,
    status: o.status as TAcmeOrderResponse["status"],
    identifiers: o.identifiers as TAcmeOrderResponse["identifiers"],
    profile: o.profile,
    accountId: o.accountId,
    certificateId: o.certificateId,
    replacesCertificateId: o.replacesCertificateId,
    error: o.error ? { type: o.error.type, detail: o.error.detail, subproblems: o.error.subproblems } : null,
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
  };
}

/** A new EAB key with its HMAC key, which this answer alone carries. */
export function presentCreatedEabKey(k: {
  keyId: string;
  hmacKey: string;
  label: string | null;
  createdAt: Date;
}): TAcmeEabKeyCreatedResponse {
  return { keyId: k.keyId, hmacKey: k.hmacKey, label: k.label, createdAt: k.createdAt.toISOString() };
}

export function presentDeactivatedAccount(a: { id: string; status: string; deactivatedAt: Date | null }): TAcmeAccountDeactivatedResponse {
  return { id: a.id, status: a.status as TAcmeAccountDeactivatedResponse["status"], deactivatedAt: a.deactivatedAt?.toISOString() ?? null };
}

/** One order with its authorizations and each challenge's transcript. */
export function presentAcmeOrderDetail(order: AcmeOrderDetail): TAcmeOrderDetailResponse {
  return {
    ...presentAcmeOrder(order),
    summary: order.summary,
    authorizations: order.authorizations.map((a) => ({
      identifier: a.identifier as TAcmeOrderDetailResponse["identifiers"][number],
      status: a.status,
      expires: a.expires.toISOString(),
      challenges: a.challenges.map((c) => ({
        type: c.type,
        status: c.status,
        validated: c.validated?.toISOString() ?? null,
        error: c.error ? { type: c.error.type, detail: c.error.detail } : null,
        transcript: c.transcript,
      })),
    })),
  };
}
