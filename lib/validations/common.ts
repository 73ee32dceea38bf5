import { z } from "zod";
import { MAX_UPLOAD_BYTES } from "../errors";

/** An optional form text: trimmed, empty means absent. */
export const optionalText = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, `${label} can be at most ${max} characters.`)
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
