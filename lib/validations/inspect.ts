import { z } from "zod";
import { MAX_UPLOAD_BYTES } from "../errors";
import { optionalText } from "./common";

/** ISO 8601 date and time; without an offset it is read as UTC. Empty means now. */
export const ZValidationTime = z
  .string()
  .trim()
  .max(40)
  .optional()
  .transform((v, ctx) => {
    if (!v) return undefined;
    const m = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?$/i.exec(v);
    const date = m ? new Date(m[3] ? v : `${v}Z`) : new Date(NaN);
    if (Number.isNaN(date.getTime())) {
      ctx.addIssue({ code: "custom", message: `validationTime "${v.slice(0, 40)}" is not an ISO 8601 time such as 2026-12-01T10:00:00Z.` });
      return z.NEVER;
    }
    return date;
  });

/** What a chain is verified for, and with which rules (private-CA or WebPKI-strict). */
export const ZVerifyOptions = {
  validationTime: ZValidationTime,
  purpose: z.enum(["server", "client"], { error: 'purpose must be "server" or "client".' }).optional(),
  mode: z.enum(["private", "webpki"], { error: 'mode must be "private" or "webpki".' }).optional(),
};

/** POST /api/v1/inspect as JSON: PEM text, or DER/PKCS#12 bytes in base64. */
export const ZInspectInput = z
  .object({
    pem: z.string().max(MAX_UPLOAD_BYTES, "pem is larger than 1 MiB.").optional(),
    der: z
      .string()
      .max(Math.ceil((MAX_UPLOAD_BYTES * 4) / 3) + 4, "der is larger than 1 MiB.")
      .regex(/^[A-Za-z0-9+/=\s]*$/, "der must be base64.")
      .optional(),
    password: z.string().max(1024).optional(),
    hostname: optionalText(253, "hostname"),
    rootPem: z.string().max(MAX_UPLOAD_BYTES, "rootPem is larger than 1 MiB.").optional(),
    ...ZVerifyOptions,
  })
  .refine((v) => v.pem !== undefined || v.der !== undefined, {
    message: "Send pem (PEM text) or der (base64 of DER, PKCS#7 or PKCS#12).",
    path: ["pem"],
  });

/** The same options as query parameters or form fields (empty means default). */
export const ZVerifyQuery = z.object({
  validationTime: ZValidationTime,
  purpose: ZVerifyOptions.purpose.or(z.literal("").transform(() => undefined)),
  mode: ZVerifyOptions.mode.or(z.literal("").transform(() => undefined)),
});
