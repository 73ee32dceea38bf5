import { apiRoute, readJson } from "@/lib/api/handler";
import { presentRule } from "@/lib/api/present";
import { json } from "@/lib/api/respond";
import { createRule } from "@/lib/services/notification-channels";
import { ZRuleInput } from "@/lib/validations/notifications";

/** {channelId, caId?, daysBefore?: number[]}: caId absent watches every CA; days default to [30, 7, 1]. */
export const POST = apiRoute("settings", async (request) => json(presentRule(await createRule(await readJson(request, ZRuleInput))), 201));
