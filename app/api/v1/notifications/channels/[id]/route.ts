import { apiRoute } from "@/lib/api/handler";
import { deleteChannel } from "@/lib/services/notification-channels";

/** Deletes the channel with its rules and delivery log. */
export const DELETE = apiRoute("settings", async (_request, { id }) => {
  await deleteChannel(id!);
  return new Response(null, { status: 204 });
});
