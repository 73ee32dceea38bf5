import { sessionRoute } from "@/lib/api/browser-download";
import { exportInventory } from "@/lib/services/export-inventory";

/** The Certificates page's export links (the API has the same at /api/v1/certificates/export). */
export const GET = sessionRoute("view", (request) => exportInventory(Object.fromEntries(new URL(request.url).searchParams)));
