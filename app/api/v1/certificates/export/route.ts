import { apiRoute, readQuery } from "@/lib/api/handler";
import { fileResponse } from "@/lib/api/respond";
import { exportInventory } from "@/lib/services/export-inventory";
import { ZInventoryExportQuery } from "@/lib/api/queries";

/** ?format=csv|json with the inventory's filters (q, caId, status). */
export const GET = apiRoute("view", async (request) => fileResponse(await exportInventory(readQuery(request, ZInventoryExportQuery))));
