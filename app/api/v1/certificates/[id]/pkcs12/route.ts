import { apiRoute, readJson } from "@/lib/api/handler";
import { fileResponse } from "@/lib/api/respond";
import { exportPkcs12 } from "@/lib/services/export-certificate";
import { ZPkcs12Input } from "@/lib/validations/certificate";

export const POST = apiRoute("export_keys", async (request, { id }) =>
  fileResponse(await exportPkcs12(id!, await readJson(request, ZPkcs12Input))),
);
