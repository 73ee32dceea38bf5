import { sessionRoute } from "@/lib/api/browser-download";
import { exportCertificates } from "@/lib/services/bulk-certificates";

/** The inventory's "Export selected": the form posts the ids (one `id` field each) and the format. */
export const POST = sessionRoute("view", async (request) => {
  const form = await request.formData();
  return exportCertificates({ ids: form.getAll("id"), format: form.get("format") ?? undefined });
});
