import { apiRoute, readQuery } from "@/lib/api/handler";
import { fileResponse } from "@/lib/api/respond";
import { exportAudit } from "@/lib/services/export-audit";
import { ZAuditExportQuery } from "@/lib/api/queries";

/** The audit log as JSON or CSV (?format=json|csv, group, actor, outcome, from, to), for SIEMs and audits. */
export const GET = apiRoute("audit", async (request) =>
  fileResponse(await exportAudit({ format: "json", ...readQuery(request, ZAuditExportQuery) })),
);
