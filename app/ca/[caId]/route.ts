import { fileResponse, textErrorResponse } from "@/lib/api/respond";
import { exportAuthorityCertificate } from "@/lib/services/export-certificate";

/** The CA certificate (DER) that Authority Information Access "CA Issuers" points at. */
export async function GET(_request: Request, { params }: { params: Promise<{ caId: string }> }) {
  try {
    return fileResponse(await exportAuthorityCertificate((await params).caId, "der"));
  } catch (error) {
    return textErrorResponse(error);
  }
}
