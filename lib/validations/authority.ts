import { z } from "zod";
import { KEY_TYPES } from "../pki/key-types";
import { KEY_STORAGES } from "../signers/key-storage";
import { MAX_CA_DAYS } from "../pki/profiles";
import { optionalInt, optionalText, pemText, requiredText } from "./common";
import { ZNameConstraints } from "./policy";

export const ZSubjectInput = z.object({
  // RFC 5280 upper bounds: CN, O, OU 64; ST, L 128.
  commonName: requiredText(64, "Common Name"),
  organization: optionalText(64, "Organization"),
  organizationalUnit: optionalText(64, "Organizational unit"),
  country: optionalText(2, "Country").refine(
    (v) => v === undefined || /^[A-Za-z]{2}$/.test(v),
    "Country is a two-letter ISO code, such as DE or US.",
  ),
  state: optionalText(128, "State"),
  locality: optionalText(128, "Locality"),
});

export const ZCreateAuthorityInput = ZSubjectInput.extend({
  keyType: z.enum(KEY_TYPES, { error: `Key type must be one of ${KEY_TYPES.join(", ")}.` }).default("ecdsa-p256"),
  validityDays: optionalInt(1, MAX_CA_DAYS, "Validity (days)"),
  parentId: optionalText(100, "Parent CA"),
  pathLen: optionalInt(0, 10, "Path length"),
  nameConstraints: ZNameConstraints.describe(
    "Name Constraints (RFC 5280 4.2.1.10), written critical: names of a form with permitted subtrees must lie in one; names in excluded subtrees are refused",
  ),
  keyStorage: keyStorage(),
  /** The new key's CKA_LABEL in the token (default the Common Name). */
  pkcs11KeyLabel: optionalText(64, "Key label"),
});

export const ZImportAuthorityInput = z.object({
  certificatePem: pemText("The CA certificate"),
  /** Absent when the key is in the token (keyStorage "pkcs11"). */
  privateKeyPem: z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), pemText("The CA private key").optional()),
  keyPassphrase: optionalText(1024, "Passphrase"),
  keyStorage: keyStorage(),
  /** The token key to use, by CKA_ID (hex, as pkcs11-tool shows it) or CKA_LABEL. */
  pkcs11KeyId: optionalText(128, "Key id").refine(
    (v) => v === undefined || /^([0-9a-fA-F]{2})+$/.test(v.replace(/[:\s]/g, "")),
    "The key id is hex bytes, as pkcs11-tool --list-objects shows it (ID: 0a1b...).",
  ),
  pkcs11KeyLabel: optionalText(64, "Key label"),
});

function keyStorage() {
  return z
    .enum(KEY_STORAGES, { error: 'Key storage must be "sealed" (in the store, encrypted) or "pkcs11" (inside the HSM).' })
    .default("sealed");
}

export type TCreateAuthorityInput = z.output<typeof ZCreateAuthorityInput>;
export type TImportAuthorityInput = z.output<typeof ZImportAuthorityInput>;
