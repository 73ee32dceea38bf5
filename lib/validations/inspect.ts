import { z } from "zod";
import { MAX_UPLOAD_BYTES } from "../errors";
import { optionalText } from "./common";

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
  })
  .refine((v) => v.pem !== undefined || v.der !== undefined, {
    message: "Send pem (PEM text) or der (base64 of DER, PKCS#7 or PKCS#12).",
    path: ["pem"],
  });
