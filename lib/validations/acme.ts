import { z } from "zod";
import { ENDPOINT_FIELDS } from "../acme/endpoint-fields";
import { parseIdentifierRule } from "../acme/identifier-policy";
import {
  ACME_CHALLENGE_TYPES,
  ACME_DEFAULT_MAX_VALIDITY_DAYS,
  ACME_DEFAULT_VALIDITY_DAYS,
  ACME_PROFILE_NAMES,
  type AcmeProfileName,
} from "../acme/profiles";
import { MAX_LEAF_DAYS } from "../pki/profiles-data";
import { optionalInt, optionalText, requiredText } from "./common";

/** A URL path segment: the directory lives at /acme/{name}/directory. */
export const ACME_ENDPOINT_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** "a, b" or one per line from a form, or an array from JSON. */
const list = <T extends z.ZodType>(array: T) => z.preprocess((v) => (typeof v === "string" ? v.split(/[\s,]+/).filter(Boolean) : v), array);

const profileName = z.enum(ACME_PROFILE_NAMES as [AcmeProfileName, ...AcmeProfileName[]], {
  error: (issue) => `"${String(issue.input).slice(0, 50)}" is not an ACME profile: choose from ${ACME_PROFILE_NAMES.join(", ")}.`,
});

const identifierRule = z
  .string()
  .max(300, "An identifier rule can be at most 300 characters.")
  .superRefine((v, ctx) => {
    const rule = parseIdentifierRule(v);
    if (typeof rule === "string") ctx.addIssue({ code: "custom", message: rule });
  })
  .transform((v) => v.trim().toLowerCase());

/** Unknown fields are refused rather than ignored: a misspelt "requireEAB" must not pass silently. */
const unknownFields = (keys: string[], known: readonly string[]) =>
  `Unknown field${keys.length > 1 ? "s" : ""} ${keys.map((k) => `"${k.slice(0, 40)}"`).join(", ")}: the fields are ${known.join(", ")}.`;

/** An ACME endpoint as an admin creates it (API and form). Defaults fill what is left out. */
export const ZAcmeEndpointInput = z
  .strictObject(
    {
      name: requiredText(
        63,
        "The name",
        'Give the endpoint a name; it becomes the URL, e.g. "internal" -> /acme/internal/directory.',
      ).regex(
        ACME_ENDPOINT_NAME,
        "The name is part of the URL: use lowercase letters, digits and hyphens (e.g. k8s-prod), starting and ending with a letter or digit.",
      ),
      caId: requiredText(100, "caId", "Choose the CA that signs this endpoint's certificates (caId)."),
      profiles: list(z.array(profileName).min(1, "Offer at least one profile.")).default(["tlsserver"]),
      defaultProfile: profileName.optional(),
      validityDays: optionalInt(1, MAX_LEAF_DAYS, "validityDays").default(ACME_DEFAULT_VALIDITY_DAYS),
      maxValidityDays: optionalInt(1, MAX_LEAF_DAYS, "maxValidityDays").default(ACME_DEFAULT_MAX_VALIDITY_DAYS),
      challenges: list(
        z
          .array(
            z.enum(ACME_CHALLENGE_TYPES, {
              error: (issue) =>
                `"${String(issue.input).slice(0, 50)}" is not a challenge type: choose from ${ACME_CHALLENGE_TYPES.join(", ")}.`,
            }),
          )
          .min(1, "Accept at least one challenge type."),
      ).default([...ACME_CHALLENGE_TYPES]),
      requireEab: z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean()).default(false),
      allowedIdentifiers: list(z.array(identifierRule).max(200, "At most 200 identifier rules.")).default([]),
      termsOfServiceUrl: optionalText(2000, "Terms of service URL").refine(
        (v) => v === undefined || (URL.canParse(v) && /^https?:$/.test(new URL(v).protocol)),
        "The terms of service must be an http:// or https:// URL.",
      ),
    },
    { error: (issue) => (issue.code === "unrecognized_keys" ? unknownFields(issue.keys, ENDPOINT_FIELDS) : undefined) },
  )
  .transform((v) => ({
    ...v,
    profiles: [...new Set(v.profiles)],
    challenges: [...new Set(v.challenges)],
    allowedIdentifiers: [...new Set(v.allowedIdentifiers)],
    defaultProfile: v.defaultProfile ?? v.profiles[0]!,
  }))
  .superRefine((v, ctx) => {
    if (!v.profiles.includes(v.defaultProfile)) {
      ctx.addIssue({
        code: "custom",
        path: ["defaultProfile"],
        message: `The default profile "${v.defaultProfile}" must be one of the offered profiles.`,
      });
    }
    if (v.validityDays > v.maxValidityDays) {
      ctx.addIssue({
        code: "custom",
        path: ["validityDays"],
        message: `The default validity (${v.validityDays} days) is longer than the maximum (${v.maxValidityDays} days).`,
      });
    }
  });
export type TAcmeEndpointInput = z.infer<typeof ZAcmeEndpointInput>;

export const ZAcmeEabKeyInput = z.strictObject(
  { label: optionalText(200, "The label") },
  { error: (issue) => (issue.code === "unrecognized_keys" ? unknownFields(issue.keys, ["label"]) : undefined) },
);
export type TAcmeEabKeyInput = z.infer<typeof ZAcmeEabKeyInput>;

/**
 * PATCH /api/v1/acme/endpoints/{id}: any of the endpoint's fields; what is left out keeps its
 * value. Only the field names are checked here: the merged settings go through
 * ZAcmeEndpointInput as a whole.
 */
export const ZAcmeEndpointPatch = z.strictObject(
  Object.fromEntries(ENDPOINT_FIELDS.map((f) => [f, z.unknown().optional()])) as Record<
    (typeof ENDPOINT_FIELDS)[number],
    z.ZodOptional<z.ZodUnknown>
  >,
  { error: (issue) => (issue.code === "unrecognized_keys" ? unknownFields(issue.keys, ENDPOINT_FIELDS) : undefined) },
);
export type TAcmeEndpointPatch = z.infer<typeof ZAcmeEndpointPatch>;
