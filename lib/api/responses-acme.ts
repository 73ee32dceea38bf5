/**
 * The JSON the ACME admin endpoints (/api/v1/acme/...) answer with, as zod schemas: the settings
 * use the same profile names, challenge types and identifier rules as ZAcmeEndpointInput, which
 * the routes validate requests with. present-acme.ts is typed by these; the OpenAPI document is
 * generated from them.
 */
import { z } from "zod";
import { ACME_CHALLENGE_TYPES, ACME_PROFILE_NAMES } from "../acme/profiles";
import { ACME_ENDPOINT_NAME } from "../validations/acme";

const dateTime = z.iso.datetime();
const nullableDateTime = dateTime.nullable();
const profileName = z.enum(ACME_PROFILE_NAMES);

export const ZAcmeEndpointResponse = z.object({
  id: z.string(),
  name: z.string().regex(ACME_ENDPOINT_NAME),
  directoryUrl: z.string().describe("what ACME clients are given: {CADESK_PUBLIC_URL}/acme/{name}/directory"),
  caId: z.string().describe("the CA that signs (GET /cas)"),
  profiles: z.array(profileName),
  defaultProfile: profileName.describe("one of profiles"),
  validityDays: z.int(),
  maxValidityDays: z.int(),
  challenges: z.array(z.enum(ACME_CHALLENGE_TYPES)),
  requireEab: z.boolean(),
  allowedIdentifiers: z
    .array(z.string())
    .describe(
      'DNS suffixes with a leading dot (".internal": the name and all below it), exact names, CIDR ranges ("10.0.0.0/8"); empty: any',
    ),
  termsOfServiceUrl: z.string().nullable(),
  createdAt: dateTime,
  updatedAt: dateTime,
});
export type TAcmeEndpointResponse = z.output<typeof ZAcmeEndpointResponse>;

export const ZAcmeEabKeyResponse = z.object({
  keyId: z.string(),
  label: z.string().nullable(),
  state: z.enum(["unused", "bound", "revoked"]),
  createdAt: dateTime,
  boundAt: nullableDateTime,
  revokedAt: nullableDateTime,
  accountId: z.string().nullable(),
});
export type TAcmeEabKeyResponse = z.output<typeof ZAcmeEabKeyResponse>;

/** GET /acme/endpoints/{id}: the settings plus counts and the EAB keys (never their HMAC keys). */
export const ZAcmeEndpointDetailResponse = ZAcmeEndpointResponse.extend({
  https: z.boolean(),
  accountCount: z.int(),
  orderCount: z.int(),
  failedOrders24h: z.int(),
  eabKeys: z.array(ZAcmeEabKeyResponse),
});
export type TAcmeEndpointDetailResponse = z.output<typeof ZAcmeEndpointDetailResponse>;

/** POST /acme/endpoints/{id}/eab: the HMAC key is in this answer only. */
export const ZAcmeEabKeyCreatedResponse = z.object({
  keyId: z.string(),
  hmacKey: z.string().describe("base64url, 32 bytes (certbot --eab-hmac-key, lego --hmac)"),
  label: z.string().nullable(),
  createdAt: dateTime,
});
export type TAcmeEabKeyCreatedResponse = z.output<typeof ZAcmeEabKeyCreatedResponse>;

export const ZAcmeAccountResponse = z.object({
  id: z.string(),
  thumbprint: z.string().describe("RFC 7638 JWK thumbprint of the account key"),
  contacts: z.array(z.string()),
  status: z.enum(["valid", "deactivated", "revoked"]),
  eabKeyId: z.string().nullable(),
  createdAt: dateTime,
  deactivatedAt: nullableDateTime,
  orderCount: z.int(),
  lastOrderAt: nullableDateTime,
});
export type TAcmeAccountResponse = z.output<typeof ZAcmeAccountResponse>;

export const ZAcmeAccountDeactivatedResponse = ZAcmeAccountResponse.pick({ id: true, status: true, deactivatedAt: true });
export type TAcmeAccountDeactivatedResponse = z.output<typeof ZAcmeAccountDeactivatedResponse>;

const ZIdentifier = z.object({ type: z.enum(["dns", "ip"]), value: z.string() });
const ZProblem = z.object({
  type: z.string(),
  detail: z.string(),
  subproblems: z
    .array(z.object({ type: z.string(), detail: z.string(), identifier: z.object({ type: z.string(), value: z.string() }).optional() }))
    .optional(),
});

export const ZAcmeOrderResponse = z.object({
  id: z.string(),
  status: z.enum(["pending", "ready", "processing", "valid", "invalid"]),
  identifiers: z.array(ZIdentifier),
  profile: z.string(),
  accountId: z.string(),
  certificateId: z.string().nullable(),
  replacesCertificateId: z.string().nullable(),
  error: ZProblem.nullable().describe("RFC 7807 problem"),
  createdAt: dateTime,
  updatedAt: dateTime,
});
export type TAcmeOrderResponse = z.output<typeof ZAcmeOrderResponse>;

/** GET /acme/endpoints/{id}/orders/{orderId}: the order, where it stands, and each challenge's transcript. */
export const ZAcmeOrderDetailResponse = ZAcmeOrderResponse.extend({
  summary: z.string(),
  authorizations: z.array(
    z.object({
      identifier: ZIdentifier,
      status: z.string(),
      expires: dateTime,
      challenges: z.array(
        z.object({
          type: z.string(),
          status: z.string(),
          validated: nullableDateTime,
          error: ZProblem.pick({ type: true, detail: true }).nullable(),
          transcript: z.array(
            z.object({ at: z.string().nullable(), target: z.string().nullable(), outcome: z.string().nullable(), detail: z.string() }),
          ),
        }),
      ),
    }),
  ),
});
export type TAcmeOrderDetailResponse = z.output<typeof ZAcmeOrderDetailResponse>;
