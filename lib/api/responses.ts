/**
 * The JSON the API answers with, as zod schemas: the present* functions are typed by them (so the
 * code cannot answer a field the schema lacks, or miss one it names), the OpenAPI document's
 * response schemas are generated from them (lib/api/json-schema.ts), and responses.test.ts checks
 * real answers from the routes against that document. One source for code, document and test.
 */
import { z } from "zod";
import { LEAF_PROFILES } from "../pki/profiles";
import { DOCTOR_CODES } from "../tls/connection-doctor-types";
import { CERTIFICATE_STATUSES, ZSanLists } from "../validations/certificate";
import { CLIENT_AUTH_MODES } from "../validations/tls";
import { ZSubtrees } from "../validations/policy";
import { VERIFY_CODES, type Verdict } from "../verify";
import type { InspectResult } from "../services/inspect";
import type { DoctorResult } from "../tls/connection-doctor-types";
import type { EchoStatus } from "../data/echo";

const dateTime = z.iso.datetime();
const nullableDateTime = dateTime.nullable();

/** Every error: `{error: {code, message, field?}}` (lib/api/respond.ts). */
export const ZErrorResponse = z.object({
  error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }),
});

/** A list answer: `{items: [...]}`. */
export const items = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

/** Subtrees as answered: lists of text per form, plus directoryName subtrees an imported CA may carry. */
const ZSubtreesOut = z.object({
  ...Object.fromEntries(Object.keys(ZSubtrees.shape).map((form) => [form, z.array(z.string()).optional()])),
  dn: z.array(z.string()).optional(),
});

export const ZAuthorityResponse = z.object({
  id: z.string(),
  commonName: z.string(),
  subject: z.string(),
  parentId: z.string().nullable(),
  keyType: z.string(),
  pathLen: z.int().nullable(),
  serialNumber: z.string(),
  notBefore: dateTime,
  notAfter: dateTime,
  fingerprintSha256: z.string(),
  imported: z.boolean(),
  status: z.string(),
  revokedAt: nullableDateTime,
  revocationReason: z.string().nullable(),
  nameConstraints: z
    .object({ permitted: ZSubtreesOut, excluded: ZSubtreesOut, critical: z.boolean() })
    .nullable()
    .describe("Read from the CA certificate (RFC 5280 4.2.1.10); null when it has none"),
  certificatePem: z.string(),
  keyStorage: z.enum(["sealed", "pkcs11"]).describe("sealed: in the store, encrypted; pkcs11: inside the HSM"),
  pkcs11: z
    .object({ tokenLabel: z.string().nullable(), keyId: z.string().nullable(), keyLabel: z.string().nullable() })
    .nullable()
    .describe("For keyStorage pkcs11: the token and the key's CKA_ID (hex) and CKA_LABEL"),
});
export type TAuthorityResponse = z.output<typeof ZAuthorityResponse>;

/** POST /cas: the CA, and what the CA/Browser Forum or RFC 5280 would say about it. */
export const ZCreatedAuthorityResponse = ZAuthorityResponse.extend({ warnings: z.array(z.string()) });
export type TCreatedAuthorityResponse = z.output<typeof ZCreatedAuthorityResponse>;

export const ZCertificateResponse = z.object({
  id: z.string(),
  caId: z.string(),
  serialNumber: z.string().describe("lowercase hex"),
  commonName: z.string(),
  subject: z.string(),
  sans: ZSanLists,
  profile: z.enum(LEAF_PROFILES),
  keyType: z.string(),
  source: z.enum(["generated", "csr"]),
  notBefore: dateTime,
  notAfter: dateTime,
  status: z.enum(CERTIFICATE_STATUSES),
  hasPrivateKey: z.boolean(),
  fingerprintSha256: z.string(),
  certificatePem: z.string(),
});
export type TCertificateResponse = z.output<typeof ZCertificateResponse>;

export const ZCertificatePage = z.object({
  items: z.array(ZCertificateResponse),
  total: z
    .int()
    .describe(
      "How many certificates match: exact when totalExact is true; otherwise counting stopped and more than this many match (at least 10,000, or 1,000 for a text or host search; deeper pages raise it to the rows seen so far)",
    ),
  totalExact: z
    .boolean()
    .describe(
      "false when total is a lower bound: more match than it says; narrow the search (q, caId, status) for an exact count, or read to the last page",
    ),
  page: z.int(),
  pageSize: z.int(),
});

/** POST /certificates: the certificate, its chain, and its key only when the key was generated here. */
export const ZIssuedCertificateResponse = ZCertificateResponse.extend({
  chainPem: z.string(),
  privateKeyPem: z.string().optional().describe("only when the key was generated here"),
  warnings: z.array(z.string()),
});
export type TIssuedCertificateResponse = z.output<typeof ZIssuedCertificateResponse>;

/** POST /certificates/{id}/renew: the new certificate, linked to the one it renews. */
export const ZRenewedCertificateResponse = ZCertificateResponse.extend({
  renewedFromId: z.string(),
  privateKeyPem: z.string().optional().describe("unless the old certificate was issued from a CSR"),
  warnings: z.array(z.string()),
});
export type TRenewedCertificateResponse = z.output<typeof ZRenewedCertificateResponse>;

// --- Inspect and the chain verdict (lib/verify's Verdict) ---
const ZRole = z.enum(["leaf", "intermediate", "trust anchor"]);
const ZFinding = z.object({
  code: z.enum(VERIFY_CODES),
  rule: z.string(),
  section: z.string(),
  certificate: z.string(),
  role: ZRole,
  message: z.string(),
  clients: z.string().optional(),
  webpki: z.boolean().optional(),
});
export const ZVerdict = z.object({
  ok: z.boolean(),
  code: z.enum(VERIFY_CODES).optional(),
  explanation: z.string(),
  failure: ZFinding.optional().describe("the rule that failed, with its certificate and RFC section"),
  path: z.array(
    z.object({ subject: z.string(), issuer: z.string(), role: ZRole, source: z.string(), sha256: z.string(), notAfter: dateTime }),
  ),
  mode: z.enum(["private", "webpki"]),
  purpose: z.enum(["server", "client"]),
  validationTime: dateTime,
  rulesApplied: z.array(z.string()),
  warnings: z.array(ZFinding),
  missingIssuer: z.string().optional(),
  addedIntermediates: z.array(z.object({ subject: z.string(), source: z.string() })).optional(),
  caIssuers: z.array(z.string()).optional(),
  revoked: z
    .object({ certificate: z.string(), sha256: z.string(), revokedAt: dateTime, reason: z.string(), source: z.string() })
    .optional(),
});

export const ZInspectResponse = z.object({
  objects: z.array(
    z.object({
      kind: z.enum(["certificate", "csr", "crl"]),
      source: z.string(),
      title: z.string(),
      text: z.string(),
      pem: z.string(),
      summary: z.array(z.object({ label: z.string(), value: z.string() })),
      lints: z.array(z.object({ severity: z.enum(["error", "warning"]), code: z.string(), message: z.string() })),
    }),
  ),
  chain: ZVerdict.optional(),
  skipped: z.array(z.string()),
});

// --- the connection doctor ---
export const ZDoctorResponse = z.object({
  ok: z.boolean(),
  code: z.enum(DOCTOR_CODES).optional(),
  mode: z.enum(["private", "webpki"]),
  explanation: z.string().optional(),
  steps: z.array(z.object({ title: z.string(), ok: z.boolean(), detail: z.string() })),
  serverChain: z.array(
    z.object({ subject: z.string(), issuer: z.string(), validTo: z.string(), fingerprintSha256: z.string(), text: z.string() }),
  ),
  reply: z.string().optional(),
  commands: z.object({ curl: z.string(), openssl: z.string(), go: z.string() }),
});

export const ZEchoStatusResponse = z.object({
  certificateId: z.string().nullable(),
  certificateName: z.string().nullable(),
  clientCaIds: z.array(z.string()),
  clientAuth: z.enum(CLIENT_AUTH_MODES),
  listening: z.boolean(),
  port: z.int(),
  error: z.string().nullable(),
});

// --- notifications ---
export const ZRuleResponse = z.object({
  id: z.string(),
  channelId: z.string(),
  caId: z.string().nullable(),
  daysBefore: z.array(z.int()),
  createdAt: dateTime,
});
export type TRuleResponse = z.output<typeof ZRuleResponse>;

export const ZChannelResponse = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  settings: z.record(z.string(), z.unknown()),
  hasSecret: z.boolean(),
  createdAt: dateTime,
  rules: z.array(ZRuleResponse).optional(),
});
export type TChannelResponse = z.output<typeof ZChannelResponse>;

export const ZDeliveryResponse = z.object({
  id: z.string(),
  channelId: z.string(),
  kind: z.string(),
  subject: z.string(),
  payload: z.record(z.string(), z.unknown()),
  status: z.string(),
  attempts: z.int(),
  lastResult: z.string().nullable(),
  nextAttemptAt: nullableDateTime,
  createdAt: dateTime,
  deliveredAt: nullableDateTime,
});
export type TDeliveryResponse = z.output<typeof ZDeliveryResponse>;

/**
 * Compile-time agreement of the schemas above with the types the services return: a field added
 * to one and not the other fails `tsc`.
 */
type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Assignable both ways with the same keys (optional ones included): nested objects are closed by the response test. */
type Same<A, B> = Mutual<A, B> extends true ? Mutual<keyof A, keyof B> : false;
export const RESPONSE_TYPES_AGREE: [
  Same<z.output<typeof ZVerdict>, Verdict>,
  Same<z.output<typeof ZInspectResponse>, InspectResult>,
  Same<z.output<typeof ZDoctorResponse>, DoctorResult>,
  Same<z.output<typeof ZEchoStatusResponse>, EchoStatus>,
] = [true, true, true, true];
