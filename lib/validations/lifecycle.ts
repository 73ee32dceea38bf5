import { z } from "zod";
import { REVOCATION_REASONS } from "../pki/revocation-reasons";

export const ZRevokeInput = z.object({
  reason: z.enum(REVOCATION_REASONS, { error: `reason must be one of ${REVOCATION_REASONS.join(", ")}.` }).default("unspecified"),
});

export const ZRenewInput = z.object({
  /** Revoke the old certificate as superseded once the new one is stored. */
  revokeOld: z.boolean().default(false),
});
