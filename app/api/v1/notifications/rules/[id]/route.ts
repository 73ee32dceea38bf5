import { apiRoute } from "@/lib/api/handler";
import { deleteRule } from "@/lib/services/notification-channels";

export const DELETE = apiRoute("settings", async (_request, { id }) => {
  await deleteRule(id!);
  return new Response(null, { status: 204 });
});
