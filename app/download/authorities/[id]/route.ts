import { browserDownload } from "@/lib/api/browser-download";
import { exportAuthorityCertificate } from "@/lib/services/export-certificate";

/** A CA's certificate for trust stores (never its key). */
export const GET = browserDownload((request, id) =>
  exportAuthorityCertificate(id, new URL(request.url).searchParams.get("format") ?? "pem"),
);
