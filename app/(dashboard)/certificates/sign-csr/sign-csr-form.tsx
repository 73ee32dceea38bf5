"use client";

import { useActionState, useState } from "react";
import { FieldError, FileInput, FormAlert, SubmitButton, TextField, useRemountKey } from "../../../ui/form";
import { IssuerAndProfile, SanField, ValidityField, type CaOption } from "../../../ui/leaf-fields";
import { previewCsrAction, signCsrAction, type CsrFormState } from "../actions";

/** Two steps in one form: review what the CSR asks for, then sign it with the operator's edits. */
export function SignCsrForm({ authorities, defaultCaId }: { authorities: CaOption[]; defaultCaId?: string }) {
  const [review, previewAction] = useActionState<CsrFormState, FormData>(previewCsrAction, { ok: true });
  const [signed, signAction] = useActionState<CsrFormState, FormData>(signCsrAction, { ok: true });
  const [csr, setCsr] = useState("");
  const reviewKey = useRemountKey(signed);
  // An uploaded file comes back as PEM text: keep it in the box so the next step sends it
  // (adjusted while rendering, as React recommends, rather than in an effect).
  const [seenPem, setSeenPem] = useState<string | undefined>();
  if (review.csrPem && review.csrPem !== seenPem) {
    setSeenPem(review.csrPem);
    setCsr(review.csrPem);
  }
  const preview = review.ok ? review.preview : undefined;
  const state = signed.ok ? review : signed;
  const reviewed = preview && review.csrPem === csr;

  return (
    <form className="space-y-6">
      <section className="card space-y-3">
        <h2>1. The CSR</h2>
        <FormAlert state={review} fields={["csr"]} />
        <div>
          <label className="label" htmlFor="csr">
            CSR (PEM)
          </label>
          <textarea
            id="csr"
            name="csr"
            rows={8}
            className="input font-mono text-xs"
            value={csr}
            onChange={(e) => setCsr(e.target.value)}
            placeholder="-----BEGIN CERTIFICATE REQUEST-----"
            aria-invalid={!review.ok && review.field === "csr"}
          />
          <FieldError state={review} name="csr" />
          <FieldError state={signed} name="csr" />
        </div>
        <div className="flex flex-wrap items-center justify-between gap-3">
          <FileInput name="csrFile" aria-label="Upload CSR file (PEM or DER)" accept=".csr,.pem,.der,.req" />
          <button type="submit" formAction={previewAction} className="btn">
            Review CSR
          </button>
        </div>
      </section>

      {reviewed && (
        <section key={reviewKey} className="card space-y-5">
          <h2>2. What it asks for</h2>
          <dl className="dl">
            <dt>Subject</dt>
            <dd>{preview.subject}</dd>
            <dt>Subject Alt Names</dt>
            <dd className="font-mono text-xs">{preview.sans}</dd>
            <dt>Key</dt>
            <dd>{preview.key}</dd>
            <dt>Signature</dt>
            <dd>
              <span className="text-emerald-700 dark:text-emerald-400">verified</span> ({preview.signatureAlgorithm}): the requester holds
              the private key
            </dd>
            {preview.ignoredSans.length > 0 && (
              <>
                <dt>Not copied</dt>
                <dd>{preview.ignoredSans.join(", ")}</dd>
              </>
            )}
          </dl>
          <h2>3. What you will sign</h2>
          <FormAlert state={signed} fields={["caId", "profile", "commonName", "sans", "validityDays", "csr"]} />
          <IssuerAndProfile state={state} authorities={authorities} defaultCaId={defaultCaId} />
          <TextField name="commonName" label="Common Name" maxLength={64} state={signed} defaultValue={preview.commonName} />
          <SanField state={signed} defaultValue={preview.sanText} />
          <ValidityField state={signed} />
          <div className="flex justify-end">
            <SubmitButton pendingText="Signing…" formAction={signAction}>
              Sign certificate
            </SubmitButton>
          </div>
        </section>
      )}
    </form>
  );
}
