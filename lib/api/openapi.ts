/** The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json. */
import { KEY_TYPES } from "../pki/key-types";
import { acmePaths, acmeSchemas } from "./openapi-acme";
import { LEAF_PROFILES } from "../pki/profiles";
import { CERTIFICATE_STATUSES, EXPORT_FORMATS } from "../validations/certificate";

const error = { $ref: "#/components/schemas/Error" };
const errors = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((c) => [
      String(c),
      {
        description: {
          400: "Invalid input",
          401: "Missing, wrong, expired or revoked token",
          403: "The token's role does not allow it (or the CA is limited to other operators)",
          404: "Not found",
          409: "Conflict",
          413: "Body over 1 MiB",
          415: "Body is not JSON",
        }[c],
        content: { "application/json": { schema: error } },
      },
    ]),
  );
const idParam = { name: "id", in: "path", required: true, schema: { type: "string" } };
const stringList = { type: "array", items: { type: "string" } };

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
      Error: {
        type: "object",
        required: ["error"],
        properties: {
          error: {
            type: "object",
            required: ["code", "message"],
            properties: { code: { type: "string" }, message: { type: "string" }, field: { type: "string" } },
          },
        },
      },
      KeyType: { type: "string", enum: [...KEY_TYPES], default: "ecdsa-p256" },
      Sans: { type: "object", properties: { dns: stringList, ip: stringList, email: stringList, uri: stringList } },
      Authority: {
        type: "object",
        properties: {
          id: { type: "string" },
          commonName: { type: "string" },
          subject: { type: "string" },
          parentId: { type: ["string", "null"] },
          keyType: { type: "string" },
          pathLen: { type: ["integer", "null"] },
          serialNumber: { type: "string" },
          notBefore: { type: "string", format: "date-time" },
          notAfter: { type: "string", format: "date-time" },
          fingerprintSha256: { type: "string" },
          imported: { type: "boolean" },
          certificatePem: { type: "string" },
        },
      },
      ...acmeSchemas,
      Certificate: {
        type: "object",
        properties: {
          id: { type: "string" },
          caId: { type: "string" },
          serialNumber: { type: "string", description: "lowercase hex" },
          commonName: { type: "string" },
          subject: { type: "string" },
          sans: { $ref: "#/components/schemas/Sans" },
          profile: { type: "string", enum: [...LEAF_PROFILES] },
          keyType: { type: "string" },
          source: { type: "string", enum: ["generated", "csr"] },
          notBefore: { type: "string", format: "date-time" },
          notAfter: { type: "string", format: "date-time" },
          status: { type: "string", enum: [...CERTIFICATE_STATUSES] },
          hasPrivateKey: { type: "boolean" },
          fingerprintSha256: { type: "string" },
          certificatePem: { type: "string" },
        },
      },
    },
  },
  paths: {
    ...acmePaths(errors),
    "/cas": {
      get: {
        summary: "List CAs",
        responses: {
          200: {
            description: "CAs",
            content: {
              "application/json": {
                schema: { type: "object", properties: { items: { type: "array", items: { $ref: "#/components/schemas/Authority" } } } },
              },
            },
          },
          ...errors(401),
        },
      },
      post: {
        summary: "Create a root CA, or an intermediate with parentId",
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                type: "object",
                required: ["commonName"],
                properties: {
                  commonName: { type: "string", maxLength: 64 },
                  organization: { type: "string" },
                  organizationalUnit: { type: "string" },
                  country: { type: "string", minLength: 2, maxLength: 2 },
                  keyType: { $ref: "#/components/schemas/KeyType" },
                  validityDays: { type: "integer", description: "default 3650 for roots, 1825 for intermediates" },
                  parentId: { type: "string" },
                  pathLen: { type: "integer", minimum: 0 },
                },
              },
            },
          },
        },
        responses: {
          201: { description: "Created", content: { "application/json": { schema: { $ref: "#/components/schemas/Authority" } } } },
          ...errors(400, 401, 403, 404, 409, 415),
        },
      },
    },
    "/cas/{id}": {
      get: {
        summary: "One CA",
        parameters: [idParam],
        responses: {
          200: { description: "The CA", content: { "application/json": { schema: { $ref: "#/components/schemas/Authority" } } } },
          ...errors(401, 404),
        },
      },
    },
    "/certificates": {
      get: {
        summary: "Search the inventory",
        parameters: [
          { name: "q", in: "query", schema: { type: "string" }, description: "substring of CN, a SAN or the serial" },
          { name: "caId", in: "query", schema: { type: "string" } },
          { name: "status", in: "query", schema: { type: "string", enum: [...CERTIFICATE_STATUSES] } },
          { name: "sort", in: "query", schema: { type: "string", enum: ["newest", "expiry", "-expiry"] } },
          { name: "page", in: "query", schema: { type: "integer", minimum: 1 } },
          { name: "pageSize", in: "query", schema: { type: "integer", minimum: 1, maximum: 200 } },
        ],
        responses: {
          200: {
            description: "A page",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  properties: {
                    items: { type: "array", items: { $ref: "#/components/schemas/Certificate" } },
                    total: { type: "integer" },
                    page: { type: "integer" },
                    pageSize: { type: "integer" },
                  },
                },
              },
            },
          },
          ...errors(401),
        },
      },
      post: {
        summary: "Issue a certificate (generated key), or sign a CSR with csrPem",
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                type: "object",
                required: ["caId"],
                properties: {
                  caId: { type: "string" },
                  profile: { type: "string", enum: [...LEAF_PROFILES], default: "server" },
                  commonName: { type: "string", maxLength: 64, description: "required without csrPem" },
                  sans: { $ref: "#/components/schemas/Sans" },
                  keyType: { $ref: "#/components/schemas/KeyType" },
                  validityDays: { type: "integer", default: 90 },
                  keepPrivateKey: { type: "boolean", default: true },
                  csrPem: { type: "string", description: "PEM CSR; its SANs are used unless sans is given" },
                },
              },
            },
          },
        },
        responses: {
          201: {
            description: "Issued and stored",
            content: {
              "application/json": {
                schema: {
                  allOf: [
                    { $ref: "#/components/schemas/Certificate" },
                    {
                      type: "object",
                      properties: {
                        chainPem: { type: "string" },
                        privateKeyPem: { type: "string", description: "only when the key was generated here" },
                        warnings: stringList,
                      },
                    },
                  ],
                },
              },
            },
          },
          ...errors(400, 401, 403, 404, 413, 415),
        },
      },
    },
    "/certificates/{id}": {
      get: {
        summary: "One certificate",
        parameters: [idParam],
        responses: {
          200: {
            description: "The certificate",
            content: { "application/json": { schema: { $ref: "#/components/schemas/Certificate" } } },
          },
          ...errors(401, 404),
        },
      },
    },
    "/certificates/{id}/download": {
      get: {
        summary: "Download a file",
        parameters: [idParam, { name: "format", in: "query", schema: { type: "string", enum: [...EXPORT_FORMATS], default: "pem" } }],
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
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                type: "object",
                properties: {
                  pem: { type: "string" },
                  der: { type: "string", description: "base64 of DER, PKCS#7 or PKCS#12" },
                  password: { type: "string" },
                  hostname: { type: "string" },
                  rootPem: { type: "string", description: "verify against this root instead of cadesk's root CAs" },
                },
              },
            },
            "application/octet-stream": { schema: { type: "string", format: "binary" } },
          },
        },
        responses: {
          200: {
            description: "What it holds",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  properties: {
                    objects: {
                      type: "array",
                      items: {
                        type: "object",
                        properties: {
                          kind: { type: "string", enum: ["certificate", "csr", "crl"] },
                          source: { type: "string" },
                          title: { type: "string" },
                          text: { type: "string" },
                          pem: { type: "string" },
                          summary: {
                            type: "array",
                            items: { type: "object", properties: { label: { type: "string" }, value: { type: "string" } } },
                          },
                          lints: {
                            type: "array",
                            items: {
                              type: "object",
                              properties: {
                                severity: { type: "string", enum: ["error", "warning"] },
                                code: { type: "string" },
                                message: { type: "string" },
                              },
                            },
                          },
                        },
                      },
                    },
                    chain: {
                      type: "object",
                      properties: {
                        ok: { type: "boolean" },
                        code: { type: "string" },
                        explanation: { type: "string" },
                        path: { type: "array", items: { type: "object" } },
                      },
                    },
                    skipped: stringList,
                  },
                },
              },
            },
          },
          ...errors(400, 401, 403, 413),
        },
      },
    },
    "/echo": {
      get: { summary: "The echo server's status and settings", responses: { 200: { description: "Status" }, ...errors(401) } },
      put: {
        summary: "Change the echo server's certificate, client CAs and client-auth mode (applied live)",
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                type: "object",
                required: ["certificateId"],
                properties: {
                  certificateId: { type: "string" },
                  clientCaIds: stringList,
                  clientAuth: { type: "string", enum: ["require", "request", "none"] },
                },
              },
            },
          },
        },
        responses: { 200: { description: "New status" }, ...errors(400, 401, 403, 404, 415) },
      },
    },
    "/tls/test": {
      post: {
        summary: "Connection doctor: a real TLS handshake from the server, explained",
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                type: "object",
                required: ["host"],
                properties: {
                  host: { type: "string", description: '"echo" for the built-in echo server' },
                  port: { type: "integer" },
                  serverName: { type: "string" },
                  caIds: stringList,
                  caPem: { type: "string" },
                  clientCertificateId: { type: "string" },
                },
              },
            },
          },
        },
        responses: {
          200: {
            description: "Transcript",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  properties: {
                    ok: { type: "boolean" },
                    code: { type: "string" },
                    explanation: { type: "string" },
                    steps: {
                      type: "array",
                      items: {
                        type: "object",
                        properties: { title: { type: "string" }, ok: { type: "boolean" }, detail: { type: "string" } },
                      },
                    },
                    serverChain: { type: "array", items: { type: "object" } },
                    reply: { type: "string" },
                    commands: {
                      type: "object",
                      properties: { curl: { type: "string" }, openssl: { type: "string" }, go: { type: "string" } },
                    },
                  },
                },
              },
            },
          },
          ...errors(400, 401, 403, 404, 415),
        },
      },
    },
    "/certificates/{id}/revoke": {
      post: {
        summary: "Revoke with an RFC 5280 reason; the CA's CRL is signed anew",
        parameters: [idParam],
        requestBody: {
          required: true,
          content: { "application/json": { schema: { type: "object", properties: { reason: { type: "string" } } } } },
        },
        responses: {
          200: {
            description: "The revoked certificate",
            content: { "application/json": { schema: { $ref: "#/components/schemas/Certificate" } } },
          },
          ...errors(400, 401, 403, 404, 409),
        },
      },
      delete: {
        summary: "Lift a certificateHold",
        parameters: [idParam],
        responses: { 200: { description: "The reinstated certificate" }, ...errors(401, 403, 404, 409) },
      },
    },
    "/certificates/{id}/renew": {
      post: {
        summary: "Renew: same subject, names, profile and lifetime; new serial (and key unless CSR-issued)",
        parameters: [idParam],
        requestBody: { content: { "application/json": { schema: { type: "object", properties: { revokeOld: { type: "boolean" } } } } } },
        responses: { 201: { description: "The new certificate" }, ...errors(400, 401, 403, 404, 409) },
      },
    },
    "/certificates/export": {
      get: {
        summary: "Inventory export",
        parameters: [
          { name: "format", in: "query", schema: { type: "string", enum: ["csv", "json"] } },
          { name: "q", in: "query", schema: { type: "string" } },
          { name: "caId", in: "query", schema: { type: "string" } },
          { name: "status", in: "query", schema: { type: "string" } },
        ],
        responses: { 200: { description: "text/csv or application/json" }, ...errors(400, 401) },
      },
    },
    "/cas/{id}/revoke": {
      post: {
        summary: "Revoke an intermediate CA",
        parameters: [idParam],
        requestBody: {
          required: true,
          content: { "application/json": { schema: { type: "object", properties: { reason: { type: "string" } } } } },
        },
        responses: { 200: { description: "The revoked CA" }, ...errors(400, 401, 403, 404, 409) },
      },
    },
    "/audit": {
      get: {
        summary: "The audit log (admin tokens), oldest first",
        parameters: ["format", "group", "actor", "outcome", "from", "to"].map((name) => ({
          name,
          in: "query",
          schema: { type: "string" },
        })),
        responses: { 200: { description: "application/json (default) or text/csv" }, ...errors(400, 401, 403) },
      },
    },
    "/notifications/channels": {
      get: {
        summary: "Notification channels with their rules (secrets are never returned)",
        responses: { 200: { description: "{items}" }, ...errors(401) },
      },
      post: {
        summary: "Add a webhook or SMTP channel",
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                oneOf: [
                  {
                    type: "object",
                    required: ["kind", "name", "url"],
                    properties: {
                      kind: { const: "webhook" },
                      name: { type: "string" },
                      url: { type: "string" },
                      secret: {
                        type: "string",
                        minLength: 16,
                        description: 'HMAC-SHA256 key: X-Cadesk-Signature: v1=hex(HMAC(secret, X-Cadesk-Timestamp + "." + body))',
                      },
                      trustCaId: { type: "string" },
                    },
                  },
                  {
                    type: "object",
                    required: ["kind", "name", "host", "from", "to"],
                    properties: {
                      kind: { const: "email" },
                      name: { type: "string" },
                      host: { type: "string" },
                      port: { type: "integer", default: 587 },
                      security: { type: "string", enum: ["starttls", "tls", "none"], default: "starttls" },
                      username: { type: "string" },
                      password: { type: "string" },
                      from: { type: "string" },
                      to: stringList,
                      trustCaId: { type: "string" },
                    },
                  },
                ],
              },
            },
          },
        },
        responses: { 201: { description: "The channel" }, ...errors(400, 401, 403, 404, 409, 415) },
      },
    },
    "/notifications/channels/{id}": {
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
        responses: { 200: { description: "The delivery (status delivered or failed, lastResult)" }, ...errors(401, 404) },
      },
    },
    "/notifications/rules": {
      post: {
        summary: "Notify a channel N days before expiry, for one CA or all",
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                type: "object",
                required: ["channelId"],
                properties: {
                  channelId: { type: "string" },
                  caId: { type: "string" },
                  daysBefore: { type: "array", items: { type: "integer" }, default: [30, 7, 1] },
                },
              },
            },
          },
        },
        responses: { 201: { description: "The rule" }, ...errors(400, 401, 403, 404, 415) },
      },
    },
    "/notifications/rules/{id}": {
      delete: { summary: "Delete a rule", parameters: [idParam], responses: { 204: { description: "Deleted" }, ...errors(401, 404) } },
    },
    "/notifications/deliveries": {
      get: {
        summary: "The delivery log, newest first",
        parameters: [
          { name: "status", in: "query", schema: { type: "string", enum: ["pending", "delivered", "failed"] } },
          { name: "limit", in: "query", schema: { type: "integer", maximum: 500 } },
        ],
        responses: { 200: { description: "{items}" }, ...errors(401) },
      },
    },
    "/certificates/{id}/pkcs12": {
      post: {
        summary: "PKCS#12 with key, certificate and chain",
        parameters: [idParam],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: { type: "object", required: ["password"], properties: { password: { type: "string", minLength: 4 } } },
            },
          },
        },
        responses: { 200: { description: "application/x-pkcs12" }, ...errors(400, 401, 403, 404, 415) },
      },
    },
  },
};
