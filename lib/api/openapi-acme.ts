/** The ACME admin endpoints of the OpenAPI document (/api/v1/acme/...). Admin tokens only. */
import { ACME_CHALLENGE_TYPES, ACME_DEFAULT_MAX_VALIDITY_DAYS, ACME_DEFAULT_VALIDITY_DAYS, ACME_PROFILE_NAMES } from "../acme/profiles";
import { ZAcmeEabKeyInput, ZAcmeEndpointInput, ZAcmeEndpointPatch } from "../validations/acme";
import { apiJsonSchema, jsonBody } from "./json-schema";

type Errors = (...codes: number[]) => Record<string, unknown>;

const id = { name: "id", in: "path", required: true, schema: { type: "string" }, description: "the endpoint's id" };
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const body = (schema: unknown) => ({ "application/json": { schema } });
const items = (name: string) => body({ type: "object", properties: { items: { type: "array", items: ref(name) } } });
const stringList = { type: "array", items: { type: "string" } };

const settings = {
  caId: { type: "string", description: "the CA that signs (GET /cas)" },
  profiles: { type: "array", items: { type: "string", enum: [...ACME_PROFILE_NAMES] }, default: ["tlsserver"] },
  defaultProfile: { type: "string", enum: [...ACME_PROFILE_NAMES], description: "one of profiles; default the first" },
  validityDays: { type: "integer", minimum: 1, default: ACME_DEFAULT_VALIDITY_DAYS },
  maxValidityDays: { type: "integer", minimum: 1, default: ACME_DEFAULT_MAX_VALIDITY_DAYS },
  challenges: { type: "array", items: { type: "string", enum: [...ACME_CHALLENGE_TYPES] }, default: [...ACME_CHALLENGE_TYPES] },
  requireEab: { type: "boolean", default: false },
  allowedIdentifiers: {
    ...stringList,
    default: [],
    description:
      'DNS suffixes with a leading dot (".internal": the name and all below it), exact names, CIDR ranges ("10.0.0.0/8"); empty: any',
  },
  termsOfServiceUrl: { type: ["string", "null"], format: "uri" },
};

export const acmeSchemas = {
  AcmeEndpoint: {
    type: "object",
    properties: {
      id: { type: "string" },
      name: { type: "string", pattern: "^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$" },
      directoryUrl: {
        type: "string",
        format: "uri",
        description: "what ACME clients are given: {CADESK_PUBLIC_URL}/acme/{name}/directory",
      },
      ...settings,
      createdAt: { type: "string", format: "date-time" },
      updatedAt: { type: "string", format: "date-time" },
    },
  },
  AcmeEabKey: {
    type: "object",
    properties: {
      keyId: { type: "string" },
      label: { type: ["string", "null"] },
      state: { type: "string", enum: ["unused", "bound", "revoked"] },
      createdAt: { type: "string", format: "date-time" },
      boundAt: { type: ["string", "null"], format: "date-time" },
      revokedAt: { type: ["string", "null"], format: "date-time" },
      accountId: { type: ["string", "null"] },
    },
  },
  AcmeAccount: {
    type: "object",
    properties: {
      id: { type: "string" },
      thumbprint: { type: "string", description: "RFC 7638 JWK thumbprint of the account key" },
      contacts: stringList,
      status: { type: "string", enum: ["valid", "deactivated", "revoked"] },
      eabKeyId: { type: ["string", "null"] },
      createdAt: { type: "string", format: "date-time" },
      deactivatedAt: { type: ["string", "null"], format: "date-time" },
      orderCount: { type: "integer" },
      lastOrderAt: { type: ["string", "null"], format: "date-time" },
    },
  },
  AcmeOrder: {
    type: "object",
    properties: {
      id: { type: "string" },
      status: { type: "string", enum: ["pending", "ready", "processing", "valid", "invalid"] },
      identifiers: {
        type: "array",
        items: { type: "object", properties: { type: { type: "string", enum: ["dns", "ip"] }, value: { type: "string" } } },
      },
      profile: { type: "string" },
      accountId: { type: "string" },
      certificateId: { type: ["string", "null"] },
      replacesCertificateId: { type: ["string", "null"] },
      error: { type: ["object", "null"], description: "RFC 7807 problem: {type, detail, subproblems?}" },
      createdAt: { type: "string", format: "date-time" },
      updatedAt: { type: "string", format: "date-time" },
    },
  },
};

/**
 * PATCH takes the fields ZAcmeEndpointPatch names, each as the creation schema describes it, none
 * required (the merged result is checked as a whole by the service).
 */
function patchSchema() {
  const full = apiJsonSchema(ZAcmeEndpointInput) as { properties: Record<string, unknown> };
  const fields = Object.keys((ZAcmeEndpointPatch._zod.def as unknown as { shape: Record<string, unknown> }).shape);
  return { type: "object", additionalProperties: false, properties: Object.fromEntries(fields.map((f) => [f, full.properties[f] ?? {}])) };
}

export function acmePaths(errors: Errors) {
  return {
    "/acme/endpoints": {
      get: {
        summary: "List ACME endpoints",
        responses: { 200: { description: "Endpoints", content: items("AcmeEndpoint") }, ...errors(401, 403) },
      },
      post: {
        summary: "Create an ACME endpoint (unknown fields are refused)",
        requestBody: jsonBody(ZAcmeEndpointInput),
        responses: { 201: { description: "Created", content: body(ref("AcmeEndpoint")) }, ...errors(400, 401, 403, 404, 409, 415) },
      },
    },
    "/acme/endpoints/{id}": {
      get: {
        summary: "One endpoint with counts and its EAB keys (never their HMAC keys)",
        parameters: [id],
        responses: {
          200: {
            description: "The endpoint",
            content: body({
              allOf: [
                ref("AcmeEndpoint"),
                {
                  type: "object",
                  properties: {
                    https: { type: "boolean" },
                    accountCount: { type: "integer" },
                    orderCount: { type: "integer" },
                    failedOrders24h: { type: "integer" },
                    eabKeys: { type: "array", items: ref("AcmeEabKey") },
                  },
                },
              ],
            }),
          },
          ...errors(401, 403, 404),
        },
      },
      patch: {
        summary: "Change settings; fields left out keep their value; the name cannot change",
        parameters: [id],
        requestBody: { required: true, content: body(patchSchema()) },
        responses: { 200: { description: "Changed", content: body(ref("AcmeEndpoint")) }, ...errors(400, 401, 403, 404, 415) },
      },
      delete: {
        summary: "Delete the endpoint with its EAB keys, accounts and orders (issued certificates stay)",
        parameters: [id],
        responses: { 204: { description: "Deleted" }, ...errors(401, 403, 404) },
      },
    },
    "/acme/endpoints/{id}/eab": {
      post: {
        summary: "Create an External Account Binding key: the HMAC key is in this answer only",
        parameters: [id],
        requestBody: jsonBody(ZAcmeEabKeyInput, { required: false }),
        responses: {
          201: {
            description: "The key (certbot --eab-kid/--eab-hmac-key, lego --kid/--hmac)",
            content: body({
              type: "object",
              properties: {
                keyId: { type: "string" },
                hmacKey: { type: "string", description: "base64url, 32 bytes" },
                label: { type: ["string", "null"] },
                createdAt: { type: "string", format: "date-time" },
              },
            }),
          },
          ...errors(400, 401, 403, 404, 415),
        },
      },
    },
    "/acme/endpoints/{id}/eab/{keyId}": {
      delete: {
        summary: "Revoke an EAB key: no new account can bind with it",
        parameters: [id, { name: "keyId", in: "path", required: true, schema: { type: "string" } }],
        responses: { 204: { description: "Revoked (also when it already was)" }, ...errors(401, 403, 404) },
      },
    },
    "/acme/endpoints/{id}/accounts": {
      get: {
        summary: "The endpoint's ACME accounts",
        parameters: [id],
        responses: { 200: { description: "Accounts", content: items("AcmeAccount") }, ...errors(401, 403, 404) },
      },
    },
    "/acme/endpoints/{id}/accounts/{accountId}/deactivate": {
      post: {
        summary: 'End an account (status "revoked", RFC 8555 7.1.6); its certificates stay valid',
        parameters: [id, { name: "accountId", in: "path", required: true, schema: { type: "string" } }],
        responses: { 200: { description: "{id, status, deactivatedAt}" }, ...errors(401, 403, 404) },
      },
    },
    "/acme/endpoints/{id}/orders": {
      get: {
        summary: "The endpoint's 50 most recent orders",
        parameters: [id],
        responses: { 200: { description: "Orders", content: items("AcmeOrder") }, ...errors(401, 403, 404) },
      },
    },
    "/acme/endpoints/{id}/orders/{orderId}": {
      get: {
        summary: "One order with its authorizations and each challenge's transcript",
        parameters: [id, { name: "orderId", in: "path", required: true, schema: { type: "string" } }],
        responses: {
          200: {
            description: "{...order, summary, authorizations: [{identifier, status, challenges: [{type, status, error, transcript}]}]}",
          },
          ...errors(401, 403, 404),
        },
      },
    },
  };
}
