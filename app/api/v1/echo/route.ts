import { apiRoute, readJson } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { echoStatus, updateEchoSettings } from "@/lib/services/echo-settings";
import { ZEchoSettingsInput } from "@/lib/validations/tls";

export const GET = apiRoute("view", async () => json(await echoStatus()));

/** {certificateId, clientCaIds, clientAuth}: applied to new connections at once. */
export const PUT = apiRoute("settings", async (request) => json(await updateEchoSettings(await readJson(request, ZEchoSettingsInput))));
