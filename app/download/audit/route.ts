import { fileResponse, textErrorResponse } from "@/lib/api/respond";
import { actAs } from "@/lib/auth/request";
import { exportAudit } from "@/lib/services/export-audit";

/** The Audit page's export links. */
export async function GET(request: Request) {
  try {
    return fileResponse(await actAs("audit", () => exportAudit(Object.fromEntries(new URL(request.url).searchParams))));
  } catch (error) {
    return textErrorResponse(error);
  }
}
