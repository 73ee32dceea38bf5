import { z } from "zod";
import { KEY_TYPES } from "../pki/key-types";
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
});

export const ZImportAuthorityInput = z.object({
  certificatePem: pemText("The CA certificate"),
  privateKeyPem: pemText("The CA private key"),
  keyPassphrase: optionalText(1024, "Passphrase"),
});
