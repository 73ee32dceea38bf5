"use server";

import { revalidatePath } from "next/cache";
import { actAs } from "@/lib/auth/request";
import { formFailure, formText, type FormState } from "@/lib/form-state";
import { updateOidcSettings } from "@/lib/services/oidc-settings";

const FIELDS = [
  "issuer",
  "clientId",
  "clientSecret",
  "clearSecret",
  "displayName",
  "scopes",
  "roleClaim",
  "roleMap",
  "localLogin",
  "breakGlassEmail",
];

export async function saveOidcSettingsAction(_: FormState, form: FormData): Promise<FormState> {
  try {
    // Only the fields the form sent: those the environment sets are shown, not submitted.
    const input = Object.fromEntries(FIELDS.filter((f) => form.has(f)).map((f) => [f, formText(form, f)]));
    const view = await actAs("settings", () => updateOidcSettings(input));
    revalidatePath("/settings/sign-in");
    return { ok: true, message: view.enabled ? "Saved. The sign-in page offers the provider now." : "Saved." };
  } catch (error) {
    const failure = formFailure(error, form);
    // The secret is not sent back to the browser in the form state.
    if (failure.values) delete failure.values.clientSecret;
    return failure;
  }
}
