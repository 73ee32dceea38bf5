/**
 * The columns the issuance commit writes (lib/stores/issuance.ts), in one order for both store
 * modules: each binds them positionally, so the two lists must not drift apart.
 */
import type { NewAuditRow, NewCertificateRow } from "./issuance";

export const CERTIFICATE_COLUMNS = [
  "id",
  "authorityId",
  "serialHex",
  "commonName",
  "sans",
  "searchText",
  "profile",
  "keyType",
  "source",
  "subjectDn",
  "notBefore",
  "notAfter",
  "expiringFrom",
  "certificatePem",
  "encryptedKey",
  "renewedFromId",
  "fingerprintSha256",
] as const satisfies readonly (keyof NewCertificateRow)[];

/** The DateTime columns of CERTIFICATE_COLUMNS (PostgreSQL casts them to timestamp(3)). */
export const CERTIFICATE_TIMESTAMPS: ReadonlySet<string> = new Set(["notBefore", "notAfter", "expiringFrom"]);

export const AUDIT_COLUMNS = [
  "actorType",
  "actorId",
  "actorLabel",
  "action",
  "outcome",
  "objectType",
  "objectId",
  "objectLabel",
  "ip",
  "requestId",
  "detail",
] as const satisfies readonly (keyof NewAuditRow)[];

/** The Authority version columns read inside the transaction (AuthorityVersionRow). */
export const AUTHORITY_VERSION_COLUMNS = [
  "id",
  "status",
  "operatorIds",
  "issuancePolicy",
  "fingerprintSha256",
  "notAfter",
  "parentId",
] as const;

export const quoted = (columns: readonly string[]) => columns.map((c) => `"${c}"`).join(", ");
