/**
 * The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json. Request bodies and query
 * parameters are generated from the zod schemas the routes check them with (lib/api/json-schema.ts),
 * and responses from the zod schemas the present* functions are typed by (lib/api/responses*.ts), so the
 * document cannot drift from the code (responses.test.ts checks real answers against it).
 */
import { ZCreateAuthorityInput, ZImportAuthorityInput } from "../validations/authority";
import { ZIssuancePolicy } from "../validations/policy";
import { ZIssueCertificateInput, ZPkcs12Input, ZSanLists } from "../validations/certificate";
import { ZInspectInput } from "../validations/inspect";
import { ZRenewInput, ZRevokeInput } from "../validations/lifecycle";
import { ZChannelInput, ZChannelUpdate, ZRuleInput } from "../validations/notifications";
import { ZEchoSettingsInput, ZTlsTestInput } from "../validations/tls";
import { apiJsonSchema, jsonBody, jsonResponse, queryParameters } from "./json-schema";
import {
  items,
  ZAuthorityResponse,
  ZCertificatePage,
  ZCertificateResponse,
  ZChannelResponse,
  ZCreatedAuthorityResponse,
  ZDeliveryResponse,
  ZDoctorResponse,
  ZEchoStatusResponse,
  ZErrorResponse,
  ZInspectResponse,
  ZIssuedCertificateResponse,
  ZRenewedCertificateResponse,
  ZRuleResponse,
} from "./responses";
import { acmePaths, acmeSchemas } from "./openapi-acme";
import {
  ZAuditExportQuery,
  ZCertificateSearchQuery,
  ZDeliveriesQuery,
  ZDownloadQuery,
  ZInspectUploadQuery,
  ZInventoryExportQuery,
} from "./queries";

const error = { $ref: "#/components/schemas/Error" };
const errors = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((c) => [
      String(c),
      {
        description: {
          400: "Invalid input (INVALID_INPUT ...), or a name or request a CA refuses: NAME_NOT_ALLOWED (its name constraints or its policy's name rules), POLICY_VIOLATION (its policy's key, profile or validity rules)",
          401: "Missing, wrong, expired or revoked token",
          403: "The token's role does not allow it (or the CA is limited to other operators)",
          404: "Not found",
          409: "Conflict",
          413: "Body over 1 MiB",
          415: "Body is not JSON",
          503: "The CA's key is in an HSM that cannot be used now (missing, locked or wrong PIN)",
        }[c],
        content: { "application/json": { schema: error } },
      },
    ]),
  );
const idParam = { name: "id", in: "path", required: true, schema: { type: "string" } };
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

export const openApiDocument = {
  openapi: "3.1.0",
  info: {
    title: "cadesk API",
    version: "1",
    description:
      "Private CA: authorities, issuance, CSR signing, revocation, notifications and downloads. Every call needs `Authorization: Bearer <token>`: a token made under Admin → API tokens carries a role (viewer: reads; operator: issue, sign, renew, revoke, TLS tests; admin: CAs, settings, key export), CADESK_API_TOKEN is an admin. A call the role does not allow answers 403.",
  },
  servers: [{ url: "/api/v1" }],
  security: [{ bearer: [] }],
  components: {
    securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
    schemas: {
      Error: apiJsonSchema(ZErrorResponse, "output"),
      Sans: apiJsonSchema(ZSanLists),
      Authority: apiJsonSchema(ZAuthorityResponse, "output"),
      IssuancePolicy: apiJsonSchema(ZIssuancePolicy),
      ...acmeSchemas,
      Certificate: apiJsonSchema(ZCertificateResponse, "output"),
    },
  },
  paths: {
    ...acmePaths(errors),
    "/cas": {
      get: {
        summary: "List CAs",
        responses: {
          200: jsonResponse("CAs", items(ZAuthorityResponse)),
          ...errors(401),
        },
      },
      post: {
        summary: 'Create a root CA, or an intermediate with parentId; keyStorage "pkcs11" generates its key inside the HSM',
        requestBody: jsonBody(ZCreateAuthorityInput),
        responses: {
          201: jsonResponse("Created, with the warnings its creation gave", ZCreatedAuthorityResponse),
          ...errors(400, 401, 403, 404, 409, 415, 503),
        },
      },
    },
    "/cas/import": {
      post: {
        summary:
          'Import an existing CA: its certificate with its private key, or with keyStorage "pkcs11" and the id or label of its key in the HSM',
        requestBody: jsonBody(ZImportAuthorityInput),
        responses: {
          201: jsonResponse("Imported, with the warnings its import gave", ZCreatedAuthorityResponse),
          ...errors(400, 401, 403, 409, 415, 503),
        },
      },
    },
    "/cas/{id}": {
      get: {
        summary: "One CA",
        parameters: [idParam],
        responses: {
          200: jsonResponse("The CA", ref("Authority")),
          ...errors(401, 404),
        },
      },
    },
    "/certificates": {
      get: {
        summary: "Search the inventory",
        parameters: queryParameters(ZCertificateSearchQuery),
        responses: {
          200: jsonResponse("A page", ZCertificatePage),
          ...errors(401),
        },
      },
      post: {
        summary: "Issue a certificate (generated key), or sign a CSR with csrPem",
        requestBody: jsonBody(ZIssueCertificateInput),
        responses: {
          201: jsonResponse("Issued and stored", ZIssuedCertificateResponse),
          ...errors(400, 401, 403, 404, 413, 415),
        },
      },
    },
    "/certificates/{id}": {
      get: {
        summary: "One certificate",
        parameters: [idParam],
        responses: {
          200: jsonResponse("The certificate", ref("Certificate")),
          ...errors(401, 404),
        },
      },
    },
    "/certificates/{id}/download": {
      get: {
        summary: "Download a file",
        parameters: [idParam, ...queryParameters(ZDownloadQuery)],
        responses: { 200: { description: "The file, with a Content-Disposition file name" }, ...errors(400, 401, 403, 404) },
      },
    },
    "/certificates/{id}/text": {
      get: {
        summary: "The certificate as `openssl x509 -text -noout` prints it",
        parameters: [idParam],
        responses: { 200: { description: "text/plain" }, ...errors(401, 404) },
      },
    },
    "/inspect": {
      post: {
        summary: "Inspect certificates, CSRs, CRLs, PKCS#7 or PKCS#12: text, summary, findings, chain verification",
        description: "JSON body, or the file itself as the body (PEM, DER, .p7b, .p12) with ?hostname= and an X-Pkcs12-Password header.",
        parameters: [
          ...queryParameters(ZInspectUploadQuery).map((q) => ({ ...q, description: "with a file as the body only" })),
          { name: "X-Pkcs12-Password", in: "header", required: false, schema: { type: "string" }, description: "with a .p12 body only" },
        ],
        requestBody: {
          required: true,
          content: {
            "application/json": { schema: apiJsonSchema(ZInspectInput) },
            "application/octet-stream": { schema: { type: "string", format: "binary" } },
          },
        },
        responses: {
          200: jsonResponse("What it holds, with the chain verdict when a certificate was given", ZInspectResponse),
          ...errors(400, 401, 403, 413),
        },
      },
    },
    "/echo": {
      get: {
        summary: "The echo server's status and settings",
        responses: { 200: jsonResponse("Status", ZEchoStatusResponse), ...errors(401) },
      },
      put: {
        summary: "Change the echo server's certificate, client CAs and client-auth mode (applied live)",
        requestBody: jsonBody(ZEchoSettingsInput),
        responses: { 200: jsonResponse("New status", ZEchoStatusResponse), ...errors(400, 401, 403, 404, 415) },
      },
    },
    "/tls/test": {
      post: {
        summary: "Connection doctor: a real TLS handshake from the server, explained",
        requestBody: jsonBody(ZTlsTestInput),
        responses: {
          200: jsonResponse("Transcript", ZDoctorResponse),
          ...errors(400, 401, 403, 404, 415),
        },
      },
    },
    "/certificates/{id}/revoke": {
      post: {
        summary: "Revoke with an RFC 5280 reason; the CA's CRL is signed anew",
        parameters: [idParam],
        requestBody: jsonBody(ZRevokeInput),
        responses: {
          200: jsonResponse("The revoked certificate", ref("Certificate")),
          ...errors(400, 401, 403, 404, 409),
        },
      },
      delete: {
        summary: "Lift a certificateHold",
        parameters: [idParam],
        responses: { 200: jsonResponse("The reinstated certificate", ref("Certificate")), ...errors(401, 403, 404, 409) },
      },
    },
    "/certificates/{id}/renew": {
      post: {
        summary: "Renew: same subject, names, profile and lifetime; new serial (and key unless CSR-issued)",
        parameters: [idParam],
        requestBody: jsonBody(ZRenewInput, { required: false }),
        responses: { 201: jsonResponse("The new certificate", ZRenewedCertificateResponse), ...errors(400, 401, 403, 404, 409) },
      },
    },
    "/certificates/export": {
      get: {
        summary: "Inventory export",
        parameters: queryParameters(ZInventoryExportQuery),
        responses: { 200: { description: "text/csv or application/json" }, ...errors(400, 401) },
      },
    },
    "/cas/{id}/policy": {
      get: {
        summary: "A CA's issuance policy ({} when it sets no rule)",
        parameters: [idParam],
        responses: {
          200: jsonResponse("The policy", ref("IssuancePolicy")),
          ...errors(401, 404),
        },
      },
      put: {
        summary: "Replace a CA's issuance policy (rules left out are lifted); audited as ca.policy",
        parameters: [idParam],
        requestBody: jsonBody(ZIssuancePolicy),
        responses: {
          200: jsonResponse("The policy as stored", ref("IssuancePolicy")),
          ...errors(400, 401, 403, 404, 415),
        },
      },
    },
    "/cas/{id}/revoke": {
      post: {
        summary: "Revoke an intermediate CA",
        parameters: [idParam],
        requestBody: jsonBody(ZRevokeInput),
        responses: { 200: jsonResponse("The revoked CA", ref("Authority")), ...errors(400, 401, 403, 404, 409) },
      },
    },
    "/audit": {
      get: {
        summary: "The audit log (admin tokens), oldest first",
        parameters: queryParameters(ZAuditExportQuery),
        responses: { 200: { description: "application/json (default) or text/csv" }, ...errors(400, 401, 403) },
      },
    },
    "/notifications/channels": {
      get: {
        summary: "Notification channels with their rules (secrets are never returned)",
        responses: { 200: jsonResponse("Channels", items(ZChannelResponse)), ...errors(401) },
      },
      post: {
        summary: "Add a webhook or SMTP channel",
        requestBody: jsonBody(ZChannelInput),
        responses: { 201: jsonResponse("The channel", ZChannelResponse), ...errors(400, 401, 403, 404, 409, 415) },
      },
    },
    "/notifications/channels/{id}": {
      put: {
        summary:
          "Change a channel (same fields as adding it; its kind stays; a secret or password left out is kept, clearSecret removes it)",
        parameters: [idParam],
        requestBody: jsonBody(ZChannelUpdate),
        responses: { 200: jsonResponse("The channel", ZChannelResponse), ...errors(400, 401, 403, 404, 409, 415) },
      },
      delete: {
        summary: "Delete a channel, its rules and its delivery log",
        parameters: [idParam],
        responses: { 204: { description: "Deleted" }, ...errors(401, 404) },
      },
    },
    "/notifications/channels/{id}/test": {
      post: {
        summary: "Send a test notification now and return the logged delivery",
        parameters: [idParam],
        responses: {
          200: jsonResponse("The delivery (status delivered, failed or uncertain, lastResult)", ZDeliveryResponse),
          ...errors(401, 404),
        },
      },
    },
    "/notifications/rules": {
      post: {
        summary: "Notify a channel N days before expiry, for one CA or all",
        requestBody: jsonBody(ZRuleInput),
        responses: { 201: jsonResponse("The rule", ZRuleResponse), ...errors(400, 401, 403, 404, 415) },
      },
    },
    "/notifications/rules/{id}": {
      delete: { summary: "Delete a rule", parameters: [idParam], responses: { 204: { description: "Deleted" }, ...errors(401, 404) } },
    },
    "/notifications/deliveries": {
      get: {
        summary: "The delivery log, newest first",
        parameters: queryParameters(ZDeliveriesQuery),
        responses: { 200: jsonResponse("Deliveries", items(ZDeliveryResponse)), ...errors(401) },
      },
    },
    "/notifications/deliveries/{id}/resend": {
      post: {
        summary:
          "Send an uncertain delivery (its instance died while sending: it may have arrived) or a failed one again now, under the same id; audited",
        parameters: [idParam],
        responses: { 200: jsonResponse("The delivery with its new outcome", ZDeliveryResponse), ...errors(401, 404, 409) },
      },
    },
    "/certificates/{id}/pkcs12": {
      post: {
        summary: "PKCS#12 with key, certificate and chain",
        parameters: [idParam],
        requestBody: jsonBody(ZPkcs12Input),
        responses: { 200: { description: "application/x-pkcs12" }, ...errors(400, 401, 403, 404, 415) },
      },
    },
  },
};
