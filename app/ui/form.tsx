"use client";

import { useState } from "react";
import { useFormStatus } from "react-dom";
import type { FormState } from "@/lib/form-state";

export function SubmitButton({ children, pendingText, formAction }: { children: React.ReactNode; pendingText?: string; formAction?: (form: FormData) => void }) {
  const { pending } = useFormStatus();
  return (
    <button type="submit" className="btn btn-primary" disabled={pending} aria-disabled={pending} formAction={formAction}>
      {pending ? (pendingText ?? "Working…") : children}
    </button>
  );
}

/** The form-level message when it does not belong to a visible field. */
export function FormAlert({ state, fields }: { state: FormState; fields: string[] }) {
  if (state.ok || !state.message || (state.field && fields.includes(state.field))) return null;
  return (
    <div role="alert" className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-300">
      {state.message}
    </div>
  );
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

interface TextFieldProps extends React.InputHTMLAttributes<HTMLInputElement> {
  name: string;
  label: string;
  hint?: React.ReactNode;
  state: FormState;
  /** Other error fields shown here too (the API's name for the same input). */
  errorFields?: string[];
}

export function TextField({ name, label, hint, state, errorFields = [], defaultValue, ...rest }: TextFieldProps) {
  const invalid = !state.ok && !!state.field && [name, ...errorFields].includes(state.field);
  return (
    <div>
      <label className="label" htmlFor={name}>{label}</label>
      <input id={name} name={name} className="input" aria-invalid={invalid} defaultValue={state.values?.[name] ?? defaultValue} {...rest} />
      {hint && <p className="hint">{hint}</p>}
      <FieldError state={state} name={[name, ...errorFields]} />
    </div>
  );
}

interface SelectFieldProps extends React.SelectHTMLAttributes<HTMLSelectElement> {
  name: string;
  label: string;
  hint?: React.ReactNode;
  state: FormState;
  options: { value: string; label: string }[];
}

export function SelectField({ name, label, hint, state, options, defaultValue, ...rest }: SelectFieldProps) {
  return (
    <div>
      <label className="label" htmlFor={name}>{label}</label>
      <select id={name} name={name} className="input" defaultValue={state.values?.[name] ?? defaultValue} {...rest}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>{o.label}</option>
        ))}
      </select>
      {hint && <p className="hint">{hint}</p>}
      <FieldError state={state} name={name} />
    </div>
  );
}

interface TextAreaFieldProps extends React.TextareaHTMLAttributes<HTMLTextAreaElement> {
  name: string;
  label: string;
  hint?: React.ReactNode;
  state: FormState;
  errorFields?: string[];
}

export function TextAreaField({ name, label, hint, state, errorFields = [], defaultValue, ...rest }: TextAreaFieldProps) {
  const invalid = !state.ok && !!state.field && [name, ...errorFields].includes(state.field);
  return (
    <div>
      <label className="label" htmlFor={name}>{label}</label>
      <textarea id={name} name={name} className="input font-mono text-xs" aria-invalid={invalid} defaultValue={state.values?.[name] ?? defaultValue} {...rest} />
      {hint && <p className="hint">{hint}</p>}
      <FieldError state={state} name={[name, ...errorFields]} />
    </div>
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
