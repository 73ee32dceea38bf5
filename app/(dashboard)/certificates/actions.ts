"use server";

import { actAs } from "@/lib/auth/request";
import { redirect } from "next/navigation";
import { formFailure, formValues, type FormState } from "@/lib/form-state";
import { oneTimeKeyFor } from "./one-time-key-state";
import type { OneTimeKeyProps } from "../../ui/one-time-key";
import { issueCertificate } from "@/lib/services/issue-certificate";
import { issueInputFromForm } from "@/lib/services/issue-form";
import { pastedOrUploaded } from "@/lib/services/read-upload";
import { reviewCsr, type CsrReview } from "@/lib/services/review-csr";

export interface IssueFormState extends FormState {
  /** Set when the new key goes to the person who issued (not kept, or their role cannot download it later): shown this once. */
  oneTimeKey?: OneTimeKeyProps;
}

export async function issueCertificateAction(_: IssueFormState, form: FormData): Promise<IssueFormState> {
  let id: string;
  try {
    const issued = await actAs("issue", () => issueCertificate(issueInputFromForm(form), new Date(), "form"));
    id = issued.certificate.id;
    if (issued.privateKeyPem) return { ok: true, oneTimeKey: oneTimeKeyFor(issued.certificate, issued.privateKeyPem) };
  } catch (error) {
    return formFailure(error, form);
  }
  redirect(`/certificates/${id}?issued=1`);
}

export interface CsrFormState extends FormState {
  preview?: CsrReview;
  csrPem?: string;
}

export async function previewCsrAction(_: CsrFormState, form: FormData): Promise<CsrFormState> {
  try {
    const csrPem = await pastedOrUploaded(form.get("csr"), form.get("csrFile"), "CERTIFICATE REQUEST", "csr");
    return { ok: true, preview: await actAs("issue", () => reviewCsr(csrPem)), csrPem, values: formValues(form) };
  } catch (error) {
    return formFailure(error, form);
  }
}

export async function signCsrAction(_: CsrFormState, form: FormData): Promise<CsrFormState> {
  let id: string;
  try {
    const csrPem = await pastedOrUploaded(form.get("csr"), null, "CERTIFICATE REQUEST", "csr");
    id = (await actAs("issue", () => issueCertificate(issueInputFromForm(form, csrPem)))).certificate.id;
  } catch (error) {
    return formFailure(error, form);
  }
  redirect(`/certificates/${id}?issued=1`);
}
