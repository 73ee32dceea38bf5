/**
 * The settings of an ACME endpoint, as the API and the form name them: the schema's list of known
 * fields (lib/validations/acme.ts) and the form's list of fields it shows errors beside. A module of
 * its own, without zod, so the form's client bundle imports the list alone.
 */
export const ENDPOINT_FIELDS = [
  "name",
  "caId",
  "profiles",
  "defaultProfile",
  "validityDays",
  "maxValidityDays",
  "challenges",
  "requireEab",
  "allowedIdentifiers",
  "termsOfServiceUrl",
] as const;
