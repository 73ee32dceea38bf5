import { actAs } from "@/lib/auth/request";
import { fileResponse, textErrorResponse } from "@/lib/api/respond";
import { exportInventory } from "@/lib/services/export-inventory";

/** The Certificates page's export links (the API has the same at /api/v1/certificates/export). */
export async function GET(request: Request) {
  try {
    return fileResponse(await actAs("view", () => exportInventory(Object.fromEntries(new URL(request.url).searchParams))));
  } catch (error) {
    return textErrorResponse(error);
  }
}
