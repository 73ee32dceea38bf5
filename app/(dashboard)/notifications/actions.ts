"use server";

import { actAs } from "@/lib/auth/request";
import { revalidatePath } from "next/cache";
import { formFailure, formText, formValues, type FormState } from "@/lib/form-state";
import { resendDelivery, sendTestNotification } from "@/lib/services/deliver-notifications";
import { createChannel, createRule, deleteChannel, deleteRule, updateChannel } from "@/lib/services/notification-channels";
import { redirect } from "next/navigation";
import { DEFAULT_DAYS_BEFORE } from "@/lib/validations/notifications";

/** The channel form's fields, in the services' input shape (the same for adding and editing). */
function channelFields(form: FormData) {
  return {
    kind: formText(form, "kind"),
    name: formText(form, "name"),
    trustCaId: formText(form, "trustCaId"),
    url: formText(form, "url"),
    secret: formText(form, "secret"),
    host: formText(form, "host"),
    port: formText(form, "port") || undefined,
    security: formText(form, "security"),
    username: formText(form, "username"),
    password: formText(form, "password"),
    from: formText(form, "from"),
    to: formText(form, "to"),
  };
}

export async function createChannelAction(_: FormState, form: FormData): Promise<FormState> {
  try {
    const channel = await actAs("settings", () => createChannel(channelFields(form)));
    if (form.get("defaultRule") === "on")
      await actAs("settings", () => createRule({ channelId: channel.id, daysBefore: DEFAULT_DAYS_BEFORE }));
    revalidatePath("/notifications");
    return { ok: true, message: `Channel "${channel.name}" added. Send a test notification to check it.` };
  } catch (error) {
    return formFailure(error, form);
  }
}

/** Saves an edited channel; a secret left blank keeps the stored one. */
export async function updateChannelAction(id: string, _: FormState, form: FormData): Promise<FormState> {
  let name: string;
  try {
    name = (await actAs("settings", () => updateChannel(id, { ...channelFields(form), clearSecret: formText(form, "clearSecret") }))).name;
  } catch (error) {
    return formFailure(error, form);
  }
  revalidatePath("/notifications");
  redirect(`/notifications?saved=${encodeURIComponent(name)}`);
}

export async function createRuleAction(_: FormState, form: FormData): Promise<FormState> {
  try {
    await actAs("settings", () =>
      createRule({ channelId: formText(form, "channelId"), caId: formText(form, "caId"), daysBefore: formText(form, "daysBefore") }),
    );
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
    const delivery = await actAs("settings", () => sendTestNotification(formText(form, "id") ?? ""));
    revalidatePath("/notifications");
    return { ok: true, delivered: delivery.status === "delivered", message: delivery.lastResult ?? "" };
  } catch (error) {
    return formFailure(error, form);
  }
}

/** "Send again" on an uncertain or failed delivery: the operator has checked it did not arrive. */
export async function resendDeliveryAction(_: TestState, form: FormData): Promise<TestState> {
  try {
    const delivery = await actAs("settings", () => resendDelivery(formText(form, "id") ?? ""));
    revalidatePath("/notifications");
    return { ok: true, delivered: delivery.status === "delivered", message: delivery.lastResult ?? "" };
  } catch (error) {
    return formFailure(error, form);
  }
}

export async function deleteChannelAction(form: FormData): Promise<void> {
  await actAs("settings", () => deleteChannel(formText(form, "id") ?? ""));
  revalidatePath("/notifications");
}

export async function deleteRuleAction(form: FormData): Promise<void> {
  await actAs("settings", () => deleteRule(formText(form, "id") ?? ""));
  revalidatePath("/notifications");
}
