import { sessionRoute } from "@/lib/api/browser-download";
import { exportAudit } from "@/lib/services/export-audit";

/** The Audit page's export links. */
export const GET = sessionRoute("audit", (request) => exportAudit(Object.fromEntries(new URL(request.url).searchParams)));
