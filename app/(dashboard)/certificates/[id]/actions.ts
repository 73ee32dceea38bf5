"use server";

import { actAs } from "@/lib/auth/request";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { formFailure, formValues, type FormState } from "@/lib/form-state";
import { renewCertificate } from "@/lib/services/renew-certificate";
import { liftHold, revokeCertificate } from "@/lib/services/revoke-certificate";
import type { IssueFormState } from "../actions";
import { oneTimeKeyFor } from "../one-time-key-state";

export async function revokeAction(id: string, _: FormState, form: FormData): Promise<FormState> {
  try {
    if (form.get("confirm") !== "on") {
      return {
        ok: false,
        field: "confirm",
        message: "Tick the box to confirm: revocation cannot be undone (except a hold).",
        values: formValues(form),
      };
    }
    await actAs("issue", () => revokeCertificate(id, { reason: form.get("reason") }));
  } catch (error) {
    return formFailure(error, form);
  }
  revalidatePath(`/certificates/${id}`);
  return { ok: true, message: "Revoked. The CA's CRL was signed anew." };
}

export async function liftHoldAction(id: string, _: FormState, form: FormData): Promise<FormState> {
  try {
    await actAs("issue", () => liftHold(id));
  } catch (error) {
    return formFailure(error, form);
  }
  revalidatePath(`/certificates/${id}`);
  return { ok: true, message: "The hold is lifted: the certificate is valid again." };
}

export async function renewAction(id: string, _: IssueFormState, form: FormData): Promise<IssueFormState> {
  let newId: string;
  try {
    const renewed = await actAs("issue", () => renewCertificate(id, { revokeOld: form.get("revokeOld") === "on" }, new Date(), "form"));
    newId = renewed.certificate.id;
    if (renewed.privateKeyPem) return { ok: true, oneTimeKey: oneTimeKeyFor(renewed.certificate, renewed.privateKeyPem) };
  } catch (error) {
    return formFailure(error, form);
  }
  redirect(`/certificates/${newId}?issued=1`);
}
