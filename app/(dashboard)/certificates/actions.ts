"use server";

import { actAs } from "@/lib/auth/request";
import { redirect } from "next/navigation";
import { formFailure, formValues, type FormState } from "@/lib/form-state";
import { fileBaseName } from "@/lib/services/export-certificate";
import { issueCertificate } from "@/lib/services/issue-certificate";
import { issueInputFromForm } from "@/lib/services/issue-form";
import { pastedOrUploaded } from "@/lib/services/read-upload";
import { reviewCsr, type CsrReview } from "@/lib/services/review-csr";

export interface IssueFormState extends FormState {
  /** Set when the user chose not to keep the key: it is shown this once. */
  oneTimeKey?: { certificateId: string; privateKeyPem: string; filename: string };
}

export async function issueCertificateAction(_: IssueFormState, form: FormData): Promise<IssueFormState> {
  let id: string;
  try {
    const issued = await actAs("issue", () => issueCertificate(issueInputFromForm(form)));
    id = issued.certificate.id;
    if (!issued.certificate.encryptedKey) {
      const filename = fileBaseName(issued.certificate.commonName, issued.certificate.serialHex) + ".key.pem";
      return { ok: true, oneTimeKey: { certificateId: id, privateKeyPem: issued.privateKeyPem!, filename } };
    }
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
