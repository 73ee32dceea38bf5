"use server";

import { actAs } from "@/lib/auth/request";
import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import { formFailure, formValues, type FormState } from "@/lib/form-state";
import { revokeAuthority } from "@/lib/services/revoke-authority";
import { createAuthority } from "@/lib/services/create-authority";
import { importAuthority } from "@/lib/services/import-authority";
import { setAuthorityOperators } from "@/lib/services/authority-operators";
import { pastedOrUploaded } from "@/lib/services/read-upload";
import { setAuthorityPolicy } from "@/lib/services/set-authority-policy";
import { nameConstraintsFromForm, policyFromForm } from "@/lib/policy/form-input";

export async function createAuthorityAction(_: FormState, form: FormData): Promise<FormState> {
  let id: string;
  try {
    const input = Object.fromEntries(
      [...form.entries()].filter(([k, v]) => typeof v === "string" && !k.startsWith("$") && !k.startsWith("nameConstraints.")),
    );
    id = (await actAs("manage_cas", () => createAuthority({ ...input, nameConstraints: nameConstraintsFromForm(form) }))).authority.id;
  } catch (error) {
    return formFailure(error, form);
  }
  redirect(`/authorities/${id}?created=1`);
}

export async function revokeAuthorityAction(id: string, _: FormState, form: FormData): Promise<FormState> {
  try {
    if (form.get("confirm") !== "on") {
      return {
        ok: false,
        field: "confirm",
        message: "Tick the box to confirm: everything beneath this CA stops being trusted.",
        values: formValues(form),
      };
    }
    await actAs("manage_cas", () => revokeAuthority(id, { reason: form.get("reason") }));
  } catch (error) {
    return formFailure(error, form);
  }
  revalidatePath(`/authorities/${id}`);
  return { ok: true, message: "Revoked. The parent CA's CRL was signed anew." };
}

export async function importAuthorityAction(_: FormState, form: FormData): Promise<FormState> {
  let id: string;
  try {
    const input = {
      certificatePem: await pastedOrUploaded(form.get("certificatePem"), form.get("certificateFile"), "CERTIFICATE", "certificatePem"),
      privateKeyPem: await pastedOrUploaded(form.get("privateKeyPem"), form.get("privateKeyFile"), "PRIVATE KEY", "privateKeyPem"),
      keyPassphrase: form.get("keyPassphrase") ?? undefined,
      keyStorage: form.get("keyStorage") ?? undefined,
      pkcs11KeyId: form.get("pkcs11KeyId") ?? undefined,
      pkcs11KeyLabel: form.get("pkcs11KeyLabel") ?? undefined,
    };
    id = (await actAs("manage_cas", () => importAuthority(input))).authority.id;
  } catch (error) {
    return formFailure(error, form);
  }
  redirect(`/authorities/${id}?created=1`);
}

export async function setOperatorsAction(id: string, _: FormState, form: FormData): Promise<FormState> {
  try {
    await actAs("manage_cas", () =>
      setAuthorityOperators(id, {
        restrict: form.get("restrict") === "on",
        operatorIds: form.getAll("operatorIds").filter((v) => typeof v === "string"),
      }),
    );
  } catch (error) {
    return formFailure(error, form);
  }
  revalidatePath(`/authorities/${id}`);
  return { ok: true, message: "Saved." };
}

export async function setPolicyAction(id: string, _: FormState, form: FormData): Promise<FormState> {
  try {
    await actAs("manage_cas", () => setAuthorityPolicy(id, policyFromForm(form)));
  } catch (error) {
    return formFailure(error, form);
  }
  revalidatePath(`/authorities/${id}`);
  return { ok: true, message: "Policy saved. It applies to every request from now on." };
}
