import { z } from "zod";
import { MAX_UPLOAD_BYTES } from "../errors";
import { optionalText } from "./common";
import { ZVerifyOptions } from "./inspect";

export const CLIENT_AUTH_MODES = ["require", "request", "none"] as const;

export const ZEchoSettingsInput = z.object({
  certificateId: z
    .string({ error: "certificateId (the echo server's certificate) is required." })
    .trim()
    .min(1, "Choose the echo server's certificate."),
  clientCaIds: z.array(z.string().max(100)).max(50).default([]),
  clientAuth: z.enum(CLIENT_AUTH_MODES, { error: `clientAuth must be one of ${CLIENT_AUTH_MODES.join(", ")}.` }).default("require"),
});
export type TEchoSettingsInput = z.infer<typeof ZEchoSettingsInput>;

export const ZTlsTestInput = z.object({
  /** A host name or IP, or "echo" for the built-in echo server. */
  host: z
    .string({ error: "host is required." })
    .trim()
    .min(1, "Enter a host (or choose the built-in echo server).")
    .max(253)
    .regex(/^[A-Za-z0-9.:_-]+$/, "host must be a host name or IP address, without a scheme or path."),
  port: z.coerce
    .number({ error: "port must be a number." })
    .int()
    .min(1, "port must be 1-65535.")
    .max(65535, "port must be 1-65535.")
    .optional(),
  serverName: optionalText(253, "Server name"),
  caIds: z.array(z.string().max(100)).max(50).optional(),
  caPem: z.string().max(MAX_UPLOAD_BYTES, "caPem is larger than 1 MiB.").optional(),
  clientCertificateId: optionalText(100, "Client certificate"),
  /** The chain verdict's rules, as in Inspect: private-CA (the default) or WebPKI-strict. */
  mode: ZVerifyOptions.mode,
});
