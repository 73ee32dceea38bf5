import { browserDownload } from "@/lib/api/browser-download";
import { exportCertificate } from "@/lib/services/export-certificate";

/** Downloads from the certificate page (the API has the same under /api/v1). */
export const GET = browserDownload((request, id) => exportCertificate(id, new URL(request.url).searchParams.get("format") ?? "pem"));
