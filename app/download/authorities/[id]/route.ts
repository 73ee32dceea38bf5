import { fileResponse, textErrorResponse } from "@/lib/api/respond";
import { exportAuthorityCertificate } from "@/lib/services/export-certificate";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const { id } = await params;
    return fileResponse(await exportAuthorityCertificate(id, new URL(request.url).searchParams.get("format") ?? "pem"));
  } catch (error) {
    return textErrorResponse(error);
  }
}
