"use client";

import { useActionState, useState } from "react";
import type { Option } from "@/lib/data/tls";
import type { EchoStatus } from "@/lib/services/echo-settings";
import { FormAlert, FormDone, SelectField, SubmitButton, TextAreaField, TextField, useRemountKey } from "../../ui/form";
import { PemBlock } from "../../ui/pem-block";
import { testConnectionAction, updateEchoAction, type DoctorFormState, type EchoFormState } from "./actions";

const MODES = [
  { value: "require", label: "Required", hint: "RequireAndVerifyClientCert: clients without a trusted certificate are refused." },
  { value: "request", label: "Optional", hint: "Asked for and reported, but the connection goes on either way." },
  { value: "none", label: "Ignored", hint: "Plain TLS: no client certificate is asked for." },
];

/** The echo server's settings; read-only for roles that may test but not configure it. */
export function EchoForm({
  status,
  certificates,
  authorities,
  readOnly = false,
}: {
  status: EchoStatus;
  certificates: Option[];
  authorities: Option[];
  readOnly?: boolean;
}) {
  const [state, action] = useActionState<EchoFormState, FormData>(updateEchoAction, { ok: true });
  const key = useRemountKey(state);
  const current = state.status ?? status;
  return (
    <form key={key} action={action} className="card space-y-4" aria-label="Echo server">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2>Built-in echo server</h2>
        <span
          className={`rounded-full px-2.5 py-0.5 text-xs font-medium ${current.listening ? "bg-emerald-50 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300" : "bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300"}`}
        >
          {current.listening ? `listening on port ${current.port}` : "not running"}
        </span>
      </div>
      {current.error && (
        <p role="alert" className="field-error">
          {current.error}
        </p>
      )}
      <p className="text-sm text-slate-600 dark:text-slate-400">
        It answers with what it saw (TLS version, cipher, SNI, client certificate) as JSON over HTTPS, or as text lines for{" "}
        <code>openssl s_client</code>. Changes apply to new connections at once, without a restart.
      </p>
      <FormAlert state={state} fields={["certificateId", "clientCaIds", "clientAuth"]} />
      <FormDone state={state} />
      <fieldset disabled={readOnly} className="space-y-4">
        <SelectField
          name="certificateId"
          label="Server certificate"
          state={state}
          options={certificates}
          defaultValue={current.certificateId ?? certificates[0]?.value}
        />
        <fieldset>
          <legend className="label">Client certificates must chain to</legend>
          <div className="flex flex-wrap gap-3">
            {authorities.map((a) => (
              <label key={a.value} className="flex items-center gap-1.5 text-sm">
                <input type="checkbox" name="clientCaIds" value={a.value} defaultChecked={current.clientCaIds.includes(a.value)} />{" "}
                {a.label}
              </label>
            ))}
          </div>
          {!state.ok && state.field === "clientCaIds" && (
            <p role="alert" className="field-error">
              {state.message}
            </p>
          )}
        </fieldset>
        <fieldset>
          <legend className="label">Client certificate</legend>
          <div className="space-y-1">
            {MODES.map((m) => (
              <label key={m.value} className="flex items-start gap-2 text-sm">
                <input type="radio" name="clientAuth" value={m.value} defaultChecked={current.clientAuth === m.value} className="mt-1" />
                <span>
                  <strong className="font-medium">{m.label}</strong> <span className="text-slate-500">{m.hint}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
      </fieldset>
      {readOnly ? (
        <p className="hint">Only an admin can change the echo server; you can test against it below.</p>
      ) : (
        <div className="flex justify-end">
          <SubmitButton pendingText="Applying…">Apply to the echo server</SubmitButton>
        </div>
      )}
    </form>
  );
}

export function DoctorForm({
  echoListening,
  authorities,
  clientCertificates,
}: {
  echoListening: boolean;
  authorities: Option[];
  clientCertificates: Option[];
}) {
  const [state, action] = useActionState<DoctorFormState, FormData>(testConnectionAction, { ok: true });
  const key = useRemountKey(state);
  const [target, setTarget] = useState(state.values?.target ?? (echoListening ? "echo" : "host"));
  const [trust, setTrust] = useState(state.values?.trust ?? (authorities[0] ? `ca:${authorities[0].value}` : "system"));
  return (
    <div className="space-y-6">
      <form key={key} action={action} className="card space-y-4" aria-label="Connection doctor">
        <h2>Connection doctor</h2>
        <FormAlert state={state} fields={["host", "port", "serverName", "caIds", "caPem", "clientCertificateId", "mode"]} />
        <fieldset className="flex flex-wrap gap-4 text-sm">
          <legend className="label">Connect to</legend>
          <label className="flex items-center gap-1.5">
            <input type="radio" name="target" value="echo" checked={target === "echo"} onChange={() => setTarget("echo")} /> the built-in
            echo server
          </label>
          <label className="flex items-center gap-1.5">
            <input type="radio" name="target" value="host" checked={target === "host"} onChange={() => setTarget("host")} /> another host
          </label>
        </fieldset>
        {target === "host" && (
          <div className="grid gap-4 sm:grid-cols-[1fr_8rem]">
            <TextField name="host" label="Host" state={state} placeholder="api.internal.example.com" />
            <TextField name="port" label="Port" type="number" min={1} max={65535} state={state} defaultValue="443" />
          </div>
        )}
        <TextField
          name="serverName"
          label="Server name to check (SNI)"
          state={state}
          placeholder={target === "echo" ? "the echo certificate's name" : "defaults to the host"}
          hint="The name a client would connect with; the certificate must hold it."
        />
        <SelectField
          name="trust"
          label="Trust"
          state={state}
          value={trust}
          onChange={(e) => setTrust(e.target.value)}
          options={[
            ...authorities.map((a) => ({ value: `ca:${a.value}`, label: `cadesk CA: ${a.label}` })),
            { value: "system", label: "The system's public roots" },
            { value: "pasted", label: "A CA certificate I paste" },
          ]}
        />
        {trust === "pasted" && <TextAreaField name="caPem" label="CA certificate (PEM)" rows={5} state={state} />}
        <SelectField
          name="clientCertificateId"
          label="Client certificate (mTLS)"
          state={state}
          options={[{ value: "", label: "None" }, ...clientCertificates]}
        />
        <SelectField
          name="mode"
          label="Rules"
          state={state}
          hint="Private CA: CA/Browser Forum rules are warnings. WebPKI: they fail the chain, as Chrome and Go would."
          options={[
            { value: "private", label: "Private CA (RFC 5280)" },
            { value: "webpki", label: "WebPKI-strict (RFC 5280 + CA/B Forum)" },
          ]}
        />
        <div className="flex justify-end">
          <SubmitButton pendingText="Connecting…">Test connection</SubmitButton>
        </div>
      </form>
      {state.result && <DoctorReport result={state.result} />}
    </div>
  );
}

function DoctorReport({ result }: { result: NonNullable<DoctorFormState["result"]> }) {
  return (
    <section className="card space-y-4" aria-label="Connection result">
      <div
        className={`rounded-md border px-4 py-3 text-sm ${result.ok ? "border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-900 dark:bg-emerald-950 dark:text-emerald-200" : "border-red-300 bg-red-50 text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-200"}`}
      >
        <p className="font-semibold">{result.ok ? "Connection succeeded" : `Connection failed: ${result.code}`}</p>
        {result.explanation && <p className="mt-1">{result.explanation}</p>}
      </div>
      <ol className="space-y-1.5 text-sm">
        {result.steps.map((step, i) => (
          <li key={i} className="flex gap-2">
            <span aria-hidden className={step.ok ? "text-emerald-600" : "text-red-600"}>
              {step.ok ? "✓" : "✗"}
            </span>
            <span>
              <strong className="font-medium">{step.title}:</strong> {step.detail}
            </span>
          </li>
        ))}
      </ol>
      {result.serverChain.length > 0 && (
        <div>
          <h3 className="mb-1 text-sm font-semibold">
            Server&apos;s certificate chain <span className="font-normal text-slate-500">(as sent, completed from the trusted CAs)</span>
          </h3>
          <ol className="list-decimal space-y-0.5 pl-5 text-sm">
            {result.serverChain.map((c) => (
              <li key={c.fingerprintSha256}>
                <details>
                  <summary className="cursor-pointer">
                    {c.subject}{" "}
                    <span className="text-slate-500">
                      issued by {c.issuer}, until {c.validTo}
                    </span>
                  </summary>
                  <div className="mt-2">
                    <PemBlock title="Text" text={c.text} />
                  </div>
                </details>
              </li>
            ))}
          </ol>
        </div>
      )}
      {result.reply && <PemBlock title="Reply" text={result.reply} />}
      <div className="space-y-4">
        <PemBlock title="curl" text={result.commands.curl} />
        <PemBlock title="openssl s_client" text={result.commands.openssl} />
        <PemBlock title="Go tls.Config" text={result.commands.go} />
      </div>
    </section>
  );
}
