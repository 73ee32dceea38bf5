import { fileResponse, textErrorResponse } from "@/lib/api/respond";
import { exportPkcs12 } from "@/lib/services/export-certificate";

/** The PKCS#12 form posts here, so the browser saves the file without script. */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const { id } = await params;
    const form = await request.formData();
    return fileResponse(await exportPkcs12(id, { password: form.get("password") ?? undefined }));
  } catch (error) {
    return textErrorResponse(error);
  }
}
