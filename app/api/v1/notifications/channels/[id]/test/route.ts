import { apiRoute } from "@/lib/api/handler";
import { presentDelivery } from "@/lib/api/present";
import { json } from "@/lib/api/respond";
import { sendTestNotification } from "@/lib/services/deliver-notifications";

/** Sends a test notification now; the answer is the logged delivery (status "delivered" or "failed"). */
export const POST = apiRoute("settings", async (_request, { id }) => json(presentDelivery(await sendTestNotification(id!))));
