"use client";

import { usePathname } from "next/navigation";
import { useState } from "react";
import { useFormStatus } from "react-dom";
import { MAX_UPLOAD_BYTES } from "@/lib/errors";
import type { FormState } from "@/lib/form-state";

export function SubmitButton({
  children,
  pendingText,
  formAction,
}: {
  children: React.ReactNode;
  pendingText?: string;
  formAction?: (form: FormData) => void;
}) {
  const { pending } = useFormStatus();
  return (
    <button type="submit" className="btn btn-primary" disabled={pending} aria-disabled={pending} formAction={formAction}>
      {pending ? (pendingText ?? "Working…") : children}
    </button>
  );
}

/** The form-level message when it does not belong to a visible field. */
export function FormAlert({ state, fields }: { state: FormState; fields: string[] }) {
  const pathname = usePathname();
  if (state.ok || !state.message || (state.field && fields.includes(state.field))) return null;
  return (
    <div
      role="alert"
      className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-300"
    >
      {state.message}
      {state.reauth && (
        <>
          {" "}
          {/* A new tab, so this form and what was typed into it stay as they are. */}
          <a
            href={`/confirm-password?next=${encodeURIComponent(pathname)}&tab=1`}
            target="_blank"
            rel="noopener"
            className="font-medium underline"
          >
            Confirm your password
          </a>
        </>
      )}
    </div>
  );
}

/** The form-level success message, announced to assistive tech. */
export function FormDone({ state }: { state: FormState }) {
  return state.ok && state.message ? (
    <p role="status" className="text-sm text-emerald-700 dark:text-emerald-400">
      {state.message}
    </p>
  ) : null;
}

export function FieldError({ state, name }: { state: FormState; name: string | string[] }) {
  const names = Array.isArray(name) ? name : [name];
  if (state.ok || !state.field || !names.includes(state.field)) return null;
  return (
    <p role="alert" className="field-error" id={`${names[0]}-error`}>
      {state.message}
    </p>
  );
}

interface ShellProps {
  name: string;
  label: string;
  hint?: React.ReactNode;
  state: FormState;
  /** Other error fields shown here too (the API's name for the same input). */
  errorFields?: string[];
}

/** Label, hint and error around one control; `invalid` marks the control for assistive tech. */
function FieldShell({
  name,
  label,
  hint,
  state,
  errorFields = [],
  children,
}: ShellProps & { children: (invalid: boolean) => React.ReactNode }) {
  const names = [name, ...errorFields];
  const invalid = !state.ok && !!state.field && names.includes(state.field);
  return (
    <div>
      <label className="label" htmlFor={name}>
        {label}
      </label>
      {children(invalid)}
      {hint && <p className="hint">{hint}</p>}
      <FieldError state={state} name={names} />
    </div>
  );
}

type TextFieldProps = ShellProps & React.InputHTMLAttributes<HTMLInputElement>;

export function TextField({ name, label, hint, state, errorFields, defaultValue, ...rest }: TextFieldProps) {
  return (
    <FieldShell name={name} label={label} hint={hint} state={state} errorFields={errorFields}>
      {(invalid) => (
        <input
          id={name}
          name={name}
          className="input"
          aria-invalid={invalid}
          defaultValue={state.values?.[name] ?? defaultValue}
          {...rest}
        />
      )}
    </FieldShell>
  );
}

type SelectFieldProps = ShellProps & React.SelectHTMLAttributes<HTMLSelectElement> & { options: { value: string; label: string }[] };

export function SelectField({ name, label, hint, state, options, defaultValue, ...rest }: SelectFieldProps) {
  return (
    <FieldShell name={name} label={label} hint={hint} state={state}>
      {(invalid) => (
        <select
          id={name}
          name={name}
          className="input"
          aria-invalid={invalid}
          defaultValue={rest.value === undefined ? (state.values?.[name] ?? defaultValue) : undefined}
          {...rest}
        >
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </FieldShell>
  );
}

type TextAreaFieldProps = ShellProps & React.TextareaHTMLAttributes<HTMLTextAreaElement>;

export function TextAreaField({ name, label, hint, state, errorFields, defaultValue, ...rest }: TextAreaFieldProps) {
  return (
    <FieldShell name={name} label={label} hint={hint} state={state} errorFields={errorFields}>
      {(invalid) => (
        <textarea
          id={name}
          name={name}
          className="input font-mono text-xs"
          aria-invalid={invalid}
          defaultValue={state.values?.[name] ?? defaultValue}
          {...rest}
        />
      )}
    </FieldShell>
  );
}

/**
 * A key that changes with every new action state. React resets a form after its action runs, and
 * a reset select falls back to its first render's option; remounting with this key makes every
 * field, selects included, show the values the server sent back.
 */
export function useRemountKey(state: FormState): number {
  const [seen, setSeen] = useState(state);
  const [key, setKey] = useState(0);
  if (seen !== state) {
    setSeen(state);
    setKey(key + 1);
  }
  return key;
}

/**
 * A file picker that refuses files over the upload limit before anything is sent, with the
 * reason beside it (the server checks again).
 */
export function FileInput(props: Omit<React.InputHTMLAttributes<HTMLInputElement>, "type" | "onChange">) {
  const [problem, setProblem] = useState("");
  return (
    <span className="inline-block">
      <input
        type="file"
        className="file-input"
        {...props}
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          const message =
            file && file.size > MAX_UPLOAD_BYTES
              ? `This file is ${(file.size / 1024 / 1024).toFixed(1)} MiB; the limit is 1 MiB. A certificate, key or CSR is a few KiB: check that you picked the right file.`
              : "";
          e.currentTarget.setCustomValidity(message);
          setProblem(message);
        }}
      />
      {problem && (
        <p role="alert" className="field-error">
          {problem}
        </p>
      )}
    </span>
  );
}
