/**
 * The query strings of the GET endpoints, as zod schemas: readQuery refuses parameters they do
 * not declare (a misspelt ?stauts=revoked must not quietly return everything), and the OpenAPI
 * document lists them from here.
 */
import { z } from "zod";
import { ZAuditQuery } from "../data/audit";
import { ZCertificateQuery, ZExportFormat } from "../validations/certificate";
import { ZVerifyQuery } from "../validations/inspect";

const fileFormat = (fallback: "csv" | "json") => z.enum(["csv", "json"]).default(fallback);

/** GET /certificates */
export const ZCertificateSearchQuery = ZCertificateQuery;

/** GET /certificates/export: the inventory's filters and the file format. */
export const ZInventoryExportQuery = ZCertificateQuery.extend({ format: fileFormat("csv") });

/** GET /audit: the audit page's filters; JSON unless asked for CSV. */
export const ZAuditExportQuery = ZAuditQuery.extend({ format: fileFormat("json") });

/** GET /certificates/{id}/download */
export const ZDownloadQuery = z.object({ format: ZExportFormat.default("pem") });

export const DELIVERY_STATUSES = ["pending", "sending", "delivered", "failed", "uncertain"] as const;

/** GET /notifications/deliveries: newest first, up to `limit`. */
export const ZDeliveriesQuery = z.object({
  status: z.enum(DELIVERY_STATUSES, { error: `status must be one of ${DELIVERY_STATUSES.join(", ")}.` }).optional(),
  limit: z.coerce
    .number({ error: "limit must be a number." })
    .int("limit must be a whole number.")
    .min(1, "limit must be 1-500.")
    .max(500, "limit must be 1-500.")
    .default(100),
});

/** POST /inspect with the file itself as the body: the host name to check and the verification options. */
export const ZInspectUploadQuery = ZVerifyQuery.extend({ hostname: z.string().max(253).optional() });
