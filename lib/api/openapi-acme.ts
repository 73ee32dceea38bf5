/**
 * The ACME admin endpoints of the OpenAPI document (/api/v1/acme/...), admin tokens only: request
 * bodies from the zod schemas the routes validate with (lib/validations/acme.ts), responses from
 * those the present functions are typed by (lib/api/responses-acme.ts).
 */
import { ZAcmeEabKeyInput, ZAcmeEndpointInput, ZAcmeEndpointPatch } from "../validations/acme";
import { apiJsonSchema, jsonBody, jsonResponse } from "./json-schema";
import { items } from "./responses";
import {
  ZAcmeAccountDeactivatedResponse,
  ZAcmeAccountResponse,
  ZAcmeEabKeyCreatedResponse,
  ZAcmeEabKeyResponse,
  ZAcmeEndpointDetailResponse,
  ZAcmeEndpointResponse,
  ZAcmeOrderDetailResponse,
  ZAcmeOrderResponse,
} from "./responses-acme";

type Errors = (...codes: number[]) => Record<string, unknown>;

const id = { name: "id", in: "path", required: true, schema: { type: "string" }, description: "the endpoint's id" };
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const body = (schema: unknown) => ({ "application/json": { schema } });

/** Response schemas generated from lib/api/responses-acme.ts, which present-acme.ts is typed by. */
export const acmeSchemas = {
  AcmeEndpoint: apiJsonSchema(ZAcmeEndpointResponse, "output"),
  AcmeEabKey: apiJsonSchema(ZAcmeEabKeyResponse, "output"),
  AcmeAccount: apiJsonSchema(ZAcmeAccountResponse, "output"),
  AcmeOrder: apiJsonSchema(ZAcmeOrderResponse, "output"),
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
        responses: { 200: jsonResponse("Endpoints", items(ZAcmeEndpointResponse)), ...errors(401, 403) },
      },
      post: {
        summary: "Create an ACME endpoint (unknown fields are refused)",
        requestBody: jsonBody(ZAcmeEndpointInput),
        responses: { 201: jsonResponse("Created", ref("AcmeEndpoint")), ...errors(400, 401, 403, 404, 409, 415) },
      },
    },
    "/acme/endpoints/{id}": {
      get: {
        summary: "One endpoint with counts and its EAB keys (never their HMAC keys)",
        parameters: [id],
        responses: {
          200: jsonResponse("The endpoint", ZAcmeEndpointDetailResponse),
          ...errors(401, 403, 404),
        },
      },
      patch: {
        summary: "Change settings; fields left out keep their value; the name cannot change",
        parameters: [id],
        requestBody: { required: true, content: body(patchSchema()) },
        responses: { 200: jsonResponse("Changed", ref("AcmeEndpoint")), ...errors(400, 401, 403, 404, 415) },
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
          201: jsonResponse("The key (certbot --eab-kid/--eab-hmac-key, lego --kid/--hmac)", ZAcmeEabKeyCreatedResponse),
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
        responses: { 200: jsonResponse("Accounts", items(ZAcmeAccountResponse)), ...errors(401, 403, 404) },
      },
    },
    "/acme/endpoints/{id}/accounts/{accountId}/deactivate": {
      post: {
        summary: 'End an account (status "revoked", RFC 8555 7.1.6); its certificates stay valid',
        parameters: [id, { name: "accountId", in: "path", required: true, schema: { type: "string" } }],
        responses: { 200: jsonResponse("The account's new status", ZAcmeAccountDeactivatedResponse), ...errors(401, 403, 404) },
      },
    },
    "/acme/endpoints/{id}/orders": {
      get: {
        summary: "The endpoint's 50 most recent orders",
        parameters: [id],
        responses: { 200: jsonResponse("Orders", items(ZAcmeOrderResponse)), ...errors(401, 403, 404) },
      },
    },
    "/acme/endpoints/{id}/orders/{orderId}": {
      get: {
        summary: "One order with its authorizations and each challenge's transcript",
        parameters: [id, { name: "orderId", in: "path", required: true, schema: { type: "string" } }],
        responses: {
          200: jsonResponse("The order, where it stands, its authorizations and each challenge's transcript", ZAcmeOrderDetailResponse),
          ...errors(401, 403, 404),
        },
      },
    },
  };
}
