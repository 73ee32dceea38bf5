import { z } from "zod";
import { ZRenewInput, ZRevokeInput } from "./lifecycle";

/** One inventory page at most (its largest page size): a bulk action is a page's selection, not a script. */
export const MAX_BULK = 200;

const ZIds = z
  .array(z.string().trim().min(1).max(100), { error: "ids must be a list of certificate ids." })
  .min(1, "Select at least one certificate.")
  .max(MAX_BULK, `Select at most ${MAX_BULK} certificates at once.`)
  .transform((ids) => [...new Set(ids)]);

export const ZBulkRenewInput = ZRenewInput.extend({ ids: ZIds });
export type TBulkRenewInput = z.infer<typeof ZBulkRenewInput>;

export const ZBulkRevokeInput = ZRevokeInput.extend({ ids: ZIds });
export type TBulkRevokeInput = z.infer<typeof ZBulkRevokeInput>;

export const BULK_EXPORT_FORMATS = ["pem", "zip"] as const;
export const ZBulkExportInput = z.object({
  ids: ZIds,
  format: z.enum(BULK_EXPORT_FORMATS, { error: 'format must be "pem" (one bundle) or "zip".' }).default("pem"),
});
export type TBulkExportInput = z.infer<typeof ZBulkExportInput>;
