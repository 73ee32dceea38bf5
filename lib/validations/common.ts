import { z } from "zod";
import { MAX_UPLOAD_BYTES } from "../errors";

/**
 * Control characters, and the invisible and bidi-override ones that make a name display as
 * something it is not (Trojan Source): no name, label or setting needs them.
 */
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;

export const noInvisible = (v: string | undefined) => v === undefined || !INVISIBLE.test(v);
export const invisibleMessage = (label: string) => `${label} contains a control or invisible character: retype it rather than paste it.`;

/** A required one-line text: trimmed, bounded, printable. */
export const requiredText = (max: number, label: string, missing = `${label} is required.`) =>
  z
    .string({ error: missing })
    .trim()
    .min(1, missing)
    .max(max, `${label} can be at most ${max} characters.`)
    .refine(noInvisible, invisibleMessage(label));

/** An optional form text: trimmed, empty means absent, printable. */
export const optionalText = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, `${label} can be at most ${max} characters.`)
    .refine(noInvisible, invisibleMessage(label))
    .optional()
    .transform((v) => (v ? v : undefined));

/** Pasted PEM: bounded before anything parses it. */
export const pemText = (label: string) =>
  z
    .string({ error: `${label} is required.` })
    .max(MAX_UPLOAD_BYTES, `${label} is larger than 1 MiB; a certificate, key or CSR is a few KiB.`)
    .refine((v) => v.trim().length > 0, `${label} is required.`);

/** A whole number from a form field or JSON; empty means absent. */
export const optionalInt = (min: number, max: number, label: string) =>
  z.preprocess(
    (v) => (v === "" || v === null ? undefined : v),
    z.coerce
      .number({ error: `${label} must be a number.` })
      .int(`${label} must be a whole number.`)
      .min(min, `${label} must be at least ${min}.`)
      .max(max, `${label} can be at most ${max}.`)
      .optional(),
  );
