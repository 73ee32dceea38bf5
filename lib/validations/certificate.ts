import { z } from "zod";
import { KEY_TYPES } from "../pki/key-types";
import { DEFAULT_LEAF_DAYS, LEAF_PROFILES, MAX_LEAF_DAYS } from "../pki/profiles";
import { MIN_PKCS12_PASSWORD } from "../pki/pkcs12";
import { optionalInt, optionalText, pemText } from "./common";

const sanList = (label: string) =>
  z
    .array(z.string({ error: `Each ${label} must be a string.` }).max(1024, `A ${label} can be at most 1024 characters.`))
    .max(100, `At most 100 ${label}s.`)
    .optional();

export const ZSanLists = z.object({
  dns: sanList("DNS name"),
  ip: sanList("IP address"),
  email: sanList("e-mail address"),
  uri: sanList("URI"),
});

export const ZIssueCertificateInput = z.object({
  caId: z.string({ error: "caId (the issuing CA) is required." }).trim().min(1, "Choose the issuing CA."),
  profile: z.enum(LEAF_PROFILES, { error: `profile must be one of ${LEAF_PROFILES.join(", ")}.` }).default("server"),
  commonName: optionalText(64, "Common Name"),
  organization: optionalText(64, "Organization"),
  organizationalUnit: optionalText(64, "Organizational unit"),
  sans: ZSanLists.optional(),
  keyType: z.enum(KEY_TYPES, { error: `keyType must be one of ${KEY_TYPES.join(", ")}.` }).default("ecdsa-p256"),
  validityDays: optionalInt(1, MAX_LEAF_DAYS, "Validity (days)").transform((v) => v ?? DEFAULT_LEAF_DAYS),
  /** When false the key is returned once and never stored. */
  keepPrivateKey: z.boolean().default(true),
  csrPem: pemText("The CSR").optional(),
});
export type TIssueCertificateInput = z.infer<typeof ZIssueCertificateInput>;

export const EXPORT_FORMATS = ["pem", "crt", "der", "key", "chain", "fullchain"] as const;
export const ZExportFormat = z.enum(EXPORT_FORMATS, { error: `format must be one of ${EXPORT_FORMATS.join(", ")}.` });
export type TExportFormat = z.infer<typeof ZExportFormat>;

export const ZPkcs12Input = z.object({
  password: z
    .string({ error: "A password is required." })
    .min(MIN_PKCS12_PASSWORD, `The password needs at least ${MIN_PKCS12_PASSWORD} characters.`)
    .max(1024),
});

export const CERTIFICATE_STATUSES = ["valid", "expiring", "expired", "revoked"] as const;
export type CertificateStatus = (typeof CERTIFICATE_STATUSES)[number];

export const ZCertificateQuery = z.object({
  q: optionalText(200, "Search"),
  caId: optionalText(100, "CA"),
  /** Only certificates whose SANs cover this host name or IP, wildcards included (lib/data/host-search.ts). */
  host: optionalText(253, "Host").optional(),
  status: z.enum(CERTIFICATE_STATUSES).optional().catch(undefined),
  /** notAfter on or after this moment (ISO 8601): the overview's expiry bars link with it. */
  expiresFrom: z.coerce.date().optional().catch(undefined),
  /** notAfter before this moment (ISO 8601). */
  expiresBefore: z.coerce.date().optional().catch(undefined),
  sort: z.enum(["expiry", "-expiry", "newest"]).default("newest").catch("newest"),
  page: z.coerce.number().int().min(1).default(1).catch(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(25).catch(25),
});
export type TCertificateQuery = z.infer<typeof ZCertificateQuery>;
