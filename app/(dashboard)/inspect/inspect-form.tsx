"use client";

import { useActionState, useEffect, useRef, useState } from "react";
import { MAX_UPLOAD_BYTES } from "@/lib/errors";
import type { InspectedObject } from "@/lib/services/inspect";
import { FileInput, FormAlert, SelectField, SubmitButton, TextAreaField, TextField, useRemountKey } from "../../ui/form";
import { PemBlock } from "../../ui/pem-block";
import { inspectAction, type InspectFormState } from "./actions";

const KIND_LABELS = { certificate: "Certificate", csr: "Certificate request", crl: "Revocation list" } as const;

export function InspectForm() {
  const [state, action] = useActionState<InspectFormState, FormData>(inspectAction, { ok: true });
  const key = useRemountKey(state);
  const fileRef = useRef<HTMLFormElement>(null);
  const [dropped, setDropped] = useState("");
  const [tooLarge, setTooLarge] = useState("");
  // The chosen file outlives the remount after each answer (a .p12 sent without its password is
  // still there when the password is typed): file inputs cannot be given a value, only a FileList.
  const chosen = useRef<File | null>(null);
  useEffect(() => {
    const input = fileRef.current?.querySelector<HTMLInputElement>('input[type="file"]');
    if (!input || !chosen.current || input.files?.length) return;
    const transfer = new DataTransfer();
    transfer.items.add(chosen.current);
    input.files = transfer.files;
  }, [key]);
  return (
    <div className="space-y-6">
      <form
        key={key}
        ref={fileRef}
        action={action}
        className="card space-y-4"
        onSubmit={(e) => {
          // A paste over the limit is refused here with its reason, before the upload starts.
          for (const name of ["input", "rootPem"]) {
            const field = e.currentTarget.elements.namedItem(name) as HTMLTextAreaElement | null;
            const size = field ? new Blob([field.value]).size : 0;
            if (size > MAX_UPLOAD_BYTES) {
              e.preventDefault();
              setTooLarge(
                `The pasted text is ${(size / 1024 / 1024).toFixed(1)} MiB; the limit is 1 MiB. A certificate chain is a few KiB: check what was copied.`,
              );
              return;
            }
          }
          setTooLarge("");
        }}
        onChange={(e) => {
          const target: EventTarget = e.target;
          if (target instanceof HTMLInputElement && target.type === "file") chosen.current = target.files?.[0] ?? null;
        }}
        onDragOver={(e) => e.preventDefault()}
        onDrop={(e) => {
          e.preventDefault();
          const input = fileRef.current?.querySelector<HTMLInputElement>('input[type="file"]');
          if (input && e.dataTransfer.files.length) {
            input.files = e.dataTransfer.files;
            chosen.current = e.dataTransfer.files[0]!;
            setDropped(e.dataTransfer.files[0]!.name);
          }
        }}
      >
        <FormAlert state={state} fields={["input", "password", "hostname", "rootPem", "validationTime", "purpose", "mode"]} />
        {tooLarge && (
          <p role="alert" className="field-error">
            {tooLarge}
          </p>
        )}
        <TextAreaField
          name="input"
          label="PEM text (one or many blocks)"
          rows={8}
          state={state}
          placeholder={"-----BEGIN CERTIFICATE-----\n…\n-----END CERTIFICATE-----"}
          hint="Or drop a file anywhere on this form."
        />
        <div className="flex flex-wrap items-center gap-3">
          <FileInput
            name="file"
            aria-label="Upload a file (PEM, DER, .p7b, .p12)"
            accept=".pem,.crt,.cer,.der,.csr,.crl,.p7b,.p7c,.p12,.pfx"
          />
          {dropped && <span className="text-sm text-slate-600 dark:text-slate-400">Dropped: {dropped}</span>}
        </div>
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField
            name="hostname"
            label="Host name to check"
            state={state}
            placeholder="api.example.com"
            hint="Checks the chain is valid for this name, as a TLS client would."
          />
          <TextField
            name="password"
            label="PKCS#12 password"
            type="password"
            autoComplete="off"
            state={state}
            hint="Only for .p12/.pfx files."
          />
        </div>
        <details>
          <summary className="cursor-pointer text-sm text-sky-700 dark:text-sky-400">
            Verification options: trusted roots, time, purpose and rules
          </summary>
          <div className="mt-3 space-y-4">
            <TextAreaField
              name="rootPem"
              label="Trusted roots (PEM, one or more)"
              rows={5}
              state={state}
              hint="Verify against these instead of cadesk's root CAs."
            />
            <div className="grid gap-4 sm:grid-cols-3">
              <SelectField
                name="purpose"
                label="Used as"
                state={state}
                options={[
                  { value: "server", label: "TLS server certificate" },
                  { value: "client", label: "TLS client certificate (mTLS)" },
                ]}
              />
              <SelectField
                name="mode"
                label="Rules"
                state={state}
                hint="Private CA: CA/Browser Forum rules are warnings. WebPKI: they fail the chain."
                options={[
                  { value: "private", label: "Private CA (RFC 5280)" },
                  { value: "webpki", label: "WebPKI-strict (RFC 5280 + CA/B Forum)" },
                ]}
              />
              <TextField name="validationTime" label="Validate at (UTC)" type="datetime-local" step={1} state={state} hint="Empty: now." />
            </div>
          </div>
        </details>
        <div className="flex justify-end">
          <SubmitButton pendingText="Inspecting…">Inspect</SubmitButton>
        </div>
      </form>
      {state.result && <Results result={state.result} />}
    </div>
  );
}

function Results({ result }: { result: NonNullable<InspectFormState["result"]> }) {
  return (
    <div className="space-y-6">
      {result.chain && <ChainVerdict chain={result.chain} />}
      {result.skipped.map((s) => (
        <p key={s} className="text-sm text-slate-500">
          Skipped {s}
        </p>
      ))}
      {result.objects.map((object, i) => (
        <ObjectCard key={i} object={object} />
      ))}
    </div>
  );
}

type Chain = NonNullable<NonNullable<InspectFormState["result"]>["chain"]>;

const ROLE_LABELS = { leaf: "leaf", intermediate: "intermediate", "trust anchor": "trust anchor" } as const;

function ChainVerdict({ chain }: { chain: Chain }) {
  const good = chain.ok;
  return (
    <section
      aria-label="Chain verification"
      className={`rounded-lg border px-4 py-3 text-sm ${good ? "border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-900 dark:bg-emerald-950 dark:text-emerald-200" : "border-red-300 bg-red-50 text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-200"}`}
    >
      <p className="font-semibold">
        {good ? "Chain verifies" : `Chain does not verify: ${chain.code}`}
        <span className="ml-2 font-normal opacity-80">
          ({chain.purpose === "server" ? "TLS server" : "TLS client"}, {chain.mode === "webpki" ? "WebPKI-strict" : "private-CA"} rules, at{" "}
          {chain.validationTime.replace("T", " ").slice(0, 19)} UTC)
        </span>
      </p>
      <p className="mt-1">{chain.explanation}</p>
      {chain.failure && (
        <p className="mt-1">
          Rule: {chain.failure.rule} ({chain.failure.section}), broken by the {chain.failure.role} &ldquo;{chain.failure.certificate}
          &rdquo;.
        </p>
      )}
      <p className="mt-2 font-medium">{good ? "Path" : chain.path.length > 1 ? "Path tried" : "Path"}</p>
      <ol className="list-decimal pl-5">
        {chain.path.map((link, i) => (
          <li key={i}>
            {link.subject}{" "}
            <span className="opacity-70">({link.role === "trust anchor" ? link.source : `${ROLE_LABELS[link.role]}, ${link.source}`})</span>
          </li>
        ))}
      </ol>
      {chain.warnings.length > 0 && (
        <ul aria-label="Chain warnings" className="mt-2 space-y-1">
          {chain.warnings.map((w, i) => (
            <li key={i} className="rounded-md bg-amber-50 px-3 py-2 text-amber-900 dark:bg-amber-950 dark:text-amber-200">
              <strong className="mr-1">Warning:</strong>
              {w.clients ? `${w.clients}: ` : ""}
              {w.rule} ({w.section}). {w.message}
            </li>
          ))}
        </ul>
      )}
      <details className="mt-2">
        <summary className="cursor-pointer">Rules applied</summary>
        <ul className="mt-1 list-disc pl-5">
          {chain.rulesApplied.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      </details>
    </section>
  );
}

function ObjectCard({ object }: { object: InspectedObject }) {
  return (
    <article className="card space-y-4" aria-label={`${KIND_LABELS[object.kind]}: ${object.title}`}>
      <header>
        <p className="text-xs uppercase tracking-wide text-slate-500">
          {KIND_LABELS[object.kind]} · {object.source}
        </p>
        <h2 className="text-lg">{object.title}</h2>
      </header>
      {object.lints.length > 0 ? (
        <ul className="space-y-1.5">
          {object.lints.map((lint) => (
            <li
              key={lint.code}
              className={`rounded-md px-3 py-2 text-sm ${lint.severity === "error" ? "bg-red-50 text-red-900 dark:bg-red-950 dark:text-red-200" : "bg-amber-50 text-amber-900 dark:bg-amber-950 dark:text-amber-200"}`}
            >
              <strong className="mr-1">{lint.severity === "error" ? "Problem:" : "Warning:"}</strong>
              {lint.message}
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-sm text-emerald-700 dark:text-emerald-400">No problems found.</p>
      )}
      <dl className="dl">
        {object.summary.map((f) => (
          <div key={f.label} className="contents">
            <dt>{f.label}</dt>
            <dd className={f.label.startsWith("SHA") || f.label === "Serial" ? "font-mono text-xs" : ""}>{f.value}</dd>
          </div>
        ))}
      </dl>
      <details>
        <summary className="cursor-pointer text-sm text-sky-700 dark:text-sky-400">Text and PEM</summary>
        <div className="mt-3 grid gap-4 xl:grid-cols-2">
          <PemBlock title="Text" text={object.text} />
          <PemBlock title="PEM" text={object.pem} />
        </div>
      </details>
    </article>
  );
}
