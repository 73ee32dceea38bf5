import { apiRoute } from "@/lib/api/handler";
import { fileResponse } from "@/lib/api/respond";
import { exportCertificate } from "@/lib/services/export-certificate";

export const GET = apiRoute("view", async (request, { id }) =>
  fileResponse(await exportCertificate(id!, new URL(request.url).searchParams.get("format") ?? "pem")),
);
