import { apiRoute, readJson } from "@/lib/api/handler";
import { presentChannel } from "@/lib/api/present";
import { json } from "@/lib/api/respond";
import { listChannels } from "@/lib/data/notifications";
import { createChannel } from "@/lib/services/notification-channels";
import { ZChannelInput } from "@/lib/validations/notifications";

export const GET = apiRoute("settings", async () => {
  const channels = await listChannels();
  return json({ items: channels.map(presentChannel) });
});

/** {kind: "webhook", name, url, secret?} or {kind: "email", name, host, port, security, username?, password?, from, to}. */
export const POST = apiRoute("settings", async (request) =>
  json(presentChannel(await createChannel(await readJson(request, ZChannelInput))), 201),
);
