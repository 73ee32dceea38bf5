import { apiRoute, readJson } from "@/lib/api/handler";
import { presentChannel } from "@/lib/api/present";
import { json } from "@/lib/api/respond";
import { deleteChannel, updateChannel } from "@/lib/services/notification-channels";
import { ZChannelUpdate } from "@/lib/validations/notifications";

/**
 * The channel's whole settings, validated as when it was added (its kind stays); a `secret` or
 * `password` left out keeps the stored one, `clearSecret: true` removes it.
 */
export const PUT = apiRoute("settings", async (request, { id }) =>
  json(presentChannel(await updateChannel(id!, await readJson(request, ZChannelUpdate)))),
);

/** Deletes the channel with its rules and delivery log. */
export const DELETE = apiRoute("settings", async (_request, { id }) => {
  await deleteChannel(id!);
  return new Response(null, { status: 204 });
});
