import { apiRoute } from "@/lib/api/handler";
import { presentDelivery } from "@/lib/api/present";
import { json } from "@/lib/api/respond";
import { resendDelivery } from "@/lib/services/deliver-notifications";

/** Sends an uncertain or failed delivery again now (the operator's decision); the answer is the delivery with its new outcome. */
export const POST = apiRoute("settings", async (_request, { id }) => json(presentDelivery(await resendDelivery(id!))));
