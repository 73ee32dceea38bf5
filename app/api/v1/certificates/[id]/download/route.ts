import { apiRoute, readQuery } from "@/lib/api/handler";
import { fileResponse } from "@/lib/api/respond";
import { exportCertificate } from "@/lib/services/export-certificate";
import { ZDownloadQuery } from "@/lib/api/queries";

export const GET = apiRoute("view", async (request, { id }) =>
  fileResponse(await exportCertificate(id!, readQuery(request, ZDownloadQuery).format ?? "pem")),
);
