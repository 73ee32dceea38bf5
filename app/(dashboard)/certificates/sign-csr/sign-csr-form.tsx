"use client";

import { useActionState, useRef, useState, useTransition } from "react";
import { reviewCsrRequest, type ReviewRow } from "@/lib/pki/csr-review";
import { LEAF_PROFILES, PROFILE_SPECS, type LeafProfile } from "@/lib/pki/profiles-data";
import { FieldError, FileInput, FormAlert, SubmitButton, TextField, useRemountKey } from "../../../ui/form";
import { IssuerAndProfile, SanField, ValidityField, type CaOption } from "../../../ui/leaf-fields";
import { previewCsrAction, signCsrAction, type CsrFormState } from "../actions";

/** Two steps in one form: review what the CSR asks for, then sign it with the operator's edits. */
export function SignCsrForm({ authorities, defaultCaId }: { authorities: CaOption[]; defaultCaId?: string }) {
  const [review, previewAction] = useActionState<CsrFormState, FormData>(previewCsrAction, { ok: true });
  const [signed, signAction] = useActionState<CsrFormState, FormData>(signCsrAction, { ok: true });
  const [csr, setCsr] = useState("");
  const formRef = useRef<HTMLFormElement>(null);
  const [reviewing, startReview] = useTransition();
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
  // The profile and CN chosen below, so the "kept?" column follows them as they change.
  const [chosen, setChosen] = useState<{ profile?: string; commonName?: string }>({});
  const [seenPreview, setSeenPreview] = useState(preview);
  if (preview !== seenPreview) {
    setSeenPreview(preview);
    setChosen({});
  }
  const isProfile = (p: string | undefined): p is LeafProfile => !!p && (LEAF_PROFILES as readonly string[]).includes(p);
  const profile: LeafProfile = isProfile(chosen.profile)
    ? chosen.profile
    : isProfile(state.values?.profile)
      ? state.values.profile
      : (preview?.suggestedProfile ?? "server");
  const rows = preview ? reviewCsrRequest(preview.requested, profile, preview.rsaKey, chosen.commonName ?? state.values?.commonName) : [];

  return (
    <form ref={formRef} className="space-y-6">
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
          {/* Dispatched by hand, not as a form action: React resets a form after its action, and the
              reset would show the profile select's first option over the one the CSR asks for. */}
          <button
            type="button"
            className="btn"
            disabled={reviewing}
            aria-disabled={reviewing}
            onClick={() => {
              const form = formRef.current;
              // The same checks a submit runs (the file size limit among them).
              if (!form || !form.reportValidity()) return;
              startReview(() => previewAction(new FormData(form)));
            }}
          >
            {reviewing ? "Reviewing…" : "Review CSR"}
          </button>
        </div>
      </section>

      {reviewed && (
        <section
          key={reviewKey}
          className="card space-y-5"
          onChange={(e) => {
            const target: EventTarget = e.target;
            if (target instanceof HTMLSelectElement && target.name === "profile") setChosen((c) => ({ ...c, profile: target.value }));
            if (target instanceof HTMLInputElement && target.name === "commonName") setChosen((c) => ({ ...c, commonName: target.value }));
          }}
        >
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
          <RequestedTable
            rows={rows}
            profile={profile}
            suggested={preview.requested.extendedKeyUsages.length ? preview.suggestedProfile : null}
          />
          <h2>3. What you will sign</h2>
          <FormAlert state={signed} fields={["caId", "profile", "commonName", "sans", "validityDays", "csr"]} />
          {/* The profile defaults to what the CSR's extended key usages ask for. */}
          <IssuerAndProfile
            state={{ ...state, values: { profile: preview.suggestedProfile, ...state.values } }}
            authorities={authorities}
            defaultCaId={defaultCaId}
          />
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

const OUTCOME_STYLE: Record<ReviewRow["outcome"], string> = {
  kept: "text-emerald-700 dark:text-emerald-400",
  changed: "text-amber-700 dark:text-amber-400",
  dropped: "text-red-700 dark:text-red-400",
};

/** Each requested attribute, usage and extension, and whether the certificate will carry it with the chosen profile. */
function RequestedTable({ rows, profile, suggested }: { rows: ReviewRow[]; profile: LeafProfile; suggested: LeafProfile | null }) {
  return (
    <div>
      <table className="table" aria-label="Requested attributes and usages">
        <thead>
          <tr>
            <th>Requested</th>
            <th>Value</th>
            <th>With {PROFILE_SPECS[profile].label}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              <td>{r.what}</td>
              <td className="font-mono text-xs break-all">{r.asked}</td>
              <td>
                <span className={`font-medium ${OUTCOME_STYLE[r.outcome]}`}>
                  {r.outcome === "kept" ? "kept" : r.outcome === "changed" ? "set by cadesk" : "not kept"}
                </span>
                <span className="text-slate-600 dark:text-slate-400">: {r.note}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint">
        The profile decides usages, as step-ca and cfssl do.{" "}
        {suggested === null
          ? "The CSR asks for no extended key usage, so the TLS server profile is preselected."
          : suggested === profile
            ? `The CSR asks for ${PROFILE_SPECS[suggested].label}, which is selected below.`
            : `The CSR asks for ${PROFILE_SPECS[suggested].label}; you chose ${PROFILE_SPECS[profile].label}.`}
      </p>
    </div>
  );
}
