import { fileResponse, textErrorResponse } from "@/lib/api/respond";
import { exportCertificate } from "@/lib/services/export-certificate";

/** Browser downloads from the certificate page (the API has the same under /api/v1). */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const { id } = await params;
    return fileResponse(await exportCertificate(id, new URL(request.url).searchParams.get("format") ?? "pem"));
  } catch (error) {
    return textErrorResponse(error);
  }
}
