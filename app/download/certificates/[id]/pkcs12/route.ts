import { browserDownload } from "@/lib/api/browser-download";
import { exportPkcs12 } from "@/lib/services/export-certificate";

/** The PKCS#12 form posts here, so the browser saves the file without script. */
export const POST = browserDownload(async (request, id) =>
  exportPkcs12(id, { password: (await request.formData()).get("password") ?? undefined }),
);
