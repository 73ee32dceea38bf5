"use server";

import { redirect } from "next/navigation";
import { formFailure, type FormState } from "@/lib/form-state";
import { createAuthority } from "@/lib/services/create-authority";
import { importAuthority } from "@/lib/services/import-authority";
import { pastedOrUploaded } from "@/lib/services/read-upload";

export async function createAuthorityAction(_: FormState, form: FormData): Promise<FormState> {
  let id: string;
  try {
    const input = Object.fromEntries([...form.entries()].filter(([k, v]) => typeof v === "string" && !k.startsWith("$")));
    id = (await createAuthority(input)).authority.id;
  } catch (error) {
    return formFailure(error, form);
  }
  redirect(`/authorities/${id}?created=1`);
}

export async function importAuthorityAction(_: FormState, form: FormData): Promise<FormState> {
  let id: string;
  try {
    id = (
      await importAuthority({
        certificatePem: await pastedOrUploaded(form.get("certificatePem"), form.get("certificateFile"), "CERTIFICATE", "certificatePem"),
        privateKeyPem: await pastedOrUploaded(form.get("privateKeyPem"), form.get("privateKeyFile"), "PRIVATE KEY", "privateKeyPem"),
        keyPassphrase: form.get("keyPassphrase") ?? undefined,
      })
    ).authority.id;
  } catch (error) {
    return formFailure(error, form);
  }
  redirect(`/authorities/${id}?created=1`);
}
