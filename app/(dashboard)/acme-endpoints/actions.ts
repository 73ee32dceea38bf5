"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { actAs } from "@/lib/auth/request";
import { acmeSetups, type AcmeSetup } from "@/lib/acme-clients/setups";
import { getAcmeEndpoint, setupInput } from "@/lib/data/acme";
import { formFailure, formText, formValues, type FormState } from "@/lib/form-state";
import { createAcmeEabKey } from "@/lib/services/acme-create-eab-key";
import { createAcmeEndpoint } from "@/lib/services/acme-create-endpoint";
import { deactivateAcmeAccount } from "@/lib/services/acme-deactivate-account";
import { deleteAcmeEndpoint } from "@/lib/services/acme-delete-endpoint";
import { revokeAcmeEabKey } from "@/lib/services/acme-revoke-eab-key";
import { updateAcmeEndpoint } from "@/lib/services/acme-update-endpoint";

/** The endpoint form's fields as the schema reads them (checkbox groups as arrays). */
function endpointFields(form: FormData) {
  return {
    caId: formText(form, "caId"),
    profiles: form.getAll("profiles").map(String),
    defaultProfile: formText(form, "defaultProfile") || undefined,
    validityDays: formText(form, "validityDays"),
    maxValidityDays: formText(form, "maxValidityDays"),
    challenges: form.getAll("challenges").map(String),
    requireEab: form.get("requireEab") === "on",
    allowedIdentifiers: formText(form, "allowedIdentifiers") ?? "",
    termsOfServiceUrl: formText(form, "termsOfServiceUrl") ?? "",
  };
}

/** What was typed, checkbox groups included, so a refused form keeps it. */
function keep(error: unknown, form: FormData): FormState {
  const state = formFailure(error, form);
  return {
    ...state,
    values: {
      ...state.values,
      profiles: form.getAll("profiles").join(","),
      challenges: form.getAll("challenges").join(","),
      requireEab: form.get("requireEab") === "on" ? "on" : "",
      $submitted: "1",
    },
  };
}

export async function createEndpointAction(_: FormState, form: FormData): Promise<FormState> {
  let id: string;
  try {
    const endpoint = await actAs("manage_cas", () => createAcmeEndpoint({ name: formText(form, "name"), ...endpointFields(form) }));
    id = endpoint.id;
  } catch (error) {
    return keep(error, form);
  }
  revalidatePath("/acme-endpoints");
  redirect(`/acme-endpoints/${id}?created=1`);
}

export async function updateEndpointAction(id: string, _: FormState, form: FormData): Promise<FormState> {
  try {
    await actAs("manage_cas", () => updateAcmeEndpoint(id, endpointFields(form)));
  } catch (error) {
    return keep(error, form);
  }
  revalidatePath(`/acme-endpoints/${id}`);
  redirect(`/acme-endpoints/${id}?saved=1`);
}

export async function deleteEndpointAction(id: string, _: FormState, form: FormData): Promise<FormState> {
  try {
    const endpoint = await actAs("manage_cas", async () => (await getAcmeEndpoint(id))!);
    if (formText(form, "confirm")?.trim() !== endpoint.name) {
      return {
        ok: false,
        field: "confirm",
        message: `Type the endpoint's name, ${endpoint.name}, to delete it.`,
        values: formValues(form),
      };
    }
    await actAs("manage_cas", () => deleteAcmeEndpoint(id));
  } catch (error) {
    return formFailure(error, form);
  }
  revalidatePath("/acme-endpoints");
  redirect("/acme-endpoints?deleted=1");
}

export interface EabFormState extends FormState {
  key?: { keyId: string; hmacKey: string; label: string | null };
  /** The set-ups with this key filled in, shown with it once. */
  setups?: AcmeSetup[];
}

export async function createEabKeyAction(endpointId: string, _: EabFormState, form: FormData): Promise<EabFormState> {
  try {
    const key = await actAs("manage_cas", () => createAcmeEabKey(endpointId, { label: formText(form, "label") }));
    const detail = (await actAs("manage_cas", () => getAcmeEndpoint(endpointId)))!;
    revalidatePath(`/acme-endpoints/${endpointId}`);
    return {
      ok: true,
      key: { keyId: key.keyId, hmacKey: key.hmacKey, label: key.label },
      setups: acmeSetups(setupInput(detail, { keyId: key.keyId, hmacKey: key.hmacKey })),
    };
  } catch (error) {
    return formFailure(error, form);
  }
}

export async function revokeEabKeyAction(endpointId: string, form: FormData): Promise<void> {
  await actAs("manage_cas", () => revokeAcmeEabKey(endpointId, formText(form, "keyId") ?? ""));
  revalidatePath(`/acme-endpoints/${endpointId}`);
}

export async function deactivateAccountAction(endpointId: string, form: FormData): Promise<void> {
  await actAs("manage_cas", () => deactivateAcmeAccount(endpointId, formText(form, "accountId") ?? ""));
  revalidatePath(`/acme-endpoints/${endpointId}`);
}
