"use server";

import { actAs } from "@/lib/auth/request";
import { revalidatePath } from "next/cache";
import { formFailure, formValues, type FormState } from "@/lib/form-state";
import { sendTestNotification } from "@/lib/services/deliver-notifications";
import { createChannel, createRule, deleteChannel, deleteRule } from "@/lib/services/notification-channels";
import { DEFAULT_DAYS_BEFORE } from "@/lib/validations/notifications";

const text = (form: FormData, name: string) => (typeof form.get(name) === "string" ? (form.get(name) as string) : undefined);

export async function createChannelAction(_: FormState, form: FormData): Promise<FormState> {
  try {
    const channel = await actAs("settings", () => createChannel({
      kind: text(form, "kind"),
      name: text(form, "name"),
      trustCaId: text(form, "trustCaId"),
      url: text(form, "url"),
      secret: text(form, "secret"),
      host: text(form, "host"),
      port: text(form, "port") || undefined,
      security: text(form, "security"),
      username: text(form, "username"),
      password: text(form, "password"),
      from: text(form, "from"),
      to: text(form, "to"),
    }));
    if (form.get("defaultRule") === "on") await actAs("settings", () => createRule({ channelId: channel.id, daysBefore: DEFAULT_DAYS_BEFORE }));
    revalidatePath("/notifications");
    return { ok: true, message: `Channel "${channel.name}" added. Send a test notification to check it.` };
  } catch (error) {
    return formFailure(error, form);
  }
}

export async function createRuleAction(_: FormState, form: FormData): Promise<FormState> {
  try {
    await actAs("settings", () => createRule({ channelId: text(form, "channelId"), caId: text(form, "caId"), daysBefore: text(form, "daysBefore") }));
    revalidatePath("/notifications");
    return { ok: true, values: formValues(form) };
  } catch (error) {
    return formFailure(error, form);
  }
}

export interface TestState extends FormState {
  delivered?: boolean;
}

export async function sendTestAction(_: TestState, form: FormData): Promise<TestState> {
  try {
    const delivery = await actAs("settings", () => sendTestNotification(text(form, "id") ?? ""));
    revalidatePath("/notifications");
    return { ok: true, delivered: delivery.status === "delivered", message: delivery.lastResult ?? "" };
  } catch (error) {
    return formFailure(error, form);
  }
}

export async function deleteChannelAction(form: FormData): Promise<void> {
  await actAs("settings", () => deleteChannel(text(form, "id") ?? ""));
  revalidatePath("/notifications");
}

export async function deleteRuleAction(form: FormData): Promise<void> {
  await actAs("settings", () => deleteRule(text(form, "id") ?? ""));
  revalidatePath("/notifications");
}
