import { z } from "zod";
import { SMTP_SECURITY } from "../notify/email";
import { optionalText, requiredText } from "./common";

export const CHANNEL_KINDS = ["webhook", "email"] as const;
export const DEFAULT_DAYS_BEFORE = [30, 7, 1];

/** "a@x, b@y" from a form or ["a@x"] from JSON. */
const addressList = z.preprocess(
  (v) => (typeof v === "string" ? v.split(/[,;\s]+/).filter(Boolean) : v),
  z
    .array(z.email({ error: (issue) => `"${String(issue.input).slice(0, 100)}" is not an e-mail address.` }))
    .min(1, "Enter at least one recipient.")
    .max(50, "At most 50 recipients."),
);

const common = {
  name: requiredText(80, "The name", 'Give the channel a name (e.g. "Platform on-call").'),
  /** A cadesk CA trusted for the receiver's TLS certificate, besides the system roots. */
  trustCaId: optionalText(100, "Trust"),
};

export const ZWebhookChannelInput = z.object({
  ...common,
  kind: z.literal("webhook"),
  url: z
    .string({ error: "url is required." })
    .trim()
    .max(2000, "The URL can be at most 2000 characters.")
    .refine(
      (v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol),
      "Enter an http:// or https:// URL, e.g. https://hooks.example.internal/cadesk.",
    )
    .refine(
      (v) => !URL.canParse(v) || (!new URL(v).username && !new URL(v).password),
      "Leave credentials out of the URL: use the signing secret to authenticate deliveries.",
    ),
  secret: optionalText(200, "Signing secret").refine(
    (v) => v === undefined || v.length >= 16,
    "A signing secret needs at least 16 characters (openssl rand -hex 32).",
  ),
});

export const ZEmailChannelInput = z.object({
  ...common,
  kind: z.literal("email"),
  host: z
    .string({ error: "host is required." })
    .trim()
    .min(1, "Enter the SMTP server's host name.")
    .max(253)
    .regex(/^[A-Za-z0-9.:_-]+$/, "host must be a host name or IP address."),
  port: z.coerce
    .number({ error: "port must be a number." })
    .int()
    .min(1, "port must be 1-65535.")
    .max(65535, "port must be 1-65535.")
    .default(587),
  security: z.enum(SMTP_SECURITY, { error: `security must be one of ${SMTP_SECURITY.join(", ")}.` }).default("starttls"),
  username: optionalText(200, "User name"),
  password: z
    .string()
    .max(500)
    .optional()
    .transform((v) => v || undefined),
  from: z.email({ error: "from must be an e-mail address, e.g. cadesk@example.internal." }),
  to: addressList,
});

export const ZChannelInput = z.discriminatedUnion("kind", [ZWebhookChannelInput, ZEmailChannelInput], {
  error: `kind must be one of ${CHANNEL_KINDS.join(", ")}.`,
});

/**
 * Editing a channel: the same fields and rules as creating one (its kind cannot change). A secret
 * (webhook signing secret, SMTP password) left out or blank keeps the stored one; `clearSecret`
 * removes it.
 */
const clearSecret = z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean()).optional();
export const ZChannelUpdate = z.discriminatedUnion(
  "kind",
  [ZWebhookChannelInput.extend({ clearSecret }), ZEmailChannelInput.extend({ clearSecret })],
  { error: `kind must be one of ${CHANNEL_KINDS.join(", ")}.` },
);

/** "30, 7, 1" from a form or [30, 7, 1] from JSON: distinct whole days, largest first. */
const daysList = z.preprocess(
  (v) =>
    typeof v === "string"
      ? v.trim()
        ? v
            .split(/[,;\s]+/)
            .filter(Boolean)
            .map((d) => (/^\d+$/.test(d) ? Number(d) : d))
        : undefined
      : v,
  z
    .array(
      z
        .number({ error: "Days before expiry must be whole numbers, e.g. 30, 7, 1." })
        .int("Days before expiry must be whole numbers.")
        .min(1, "Days before expiry must be at least 1.")
        .max(3650, "Days before expiry can be at most 3650."),
    )
    .min(1, "Enter at least one number of days.")
    .max(10, "At most 10 thresholds per rule.")
    .default(DEFAULT_DAYS_BEFORE)
    .transform((days) => [...new Set(days)].sort((a, b) => b - a)),
);

export const ZRuleInput = z.object({
  channelId: z.string({ error: "channelId is required." }).trim().min(1, "Choose a channel."),
  /** Absent: every CA. */
  caId: optionalText(100, "CA"),
  daysBefore: daysList,
});
