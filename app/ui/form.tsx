"use client";

import { useEffect, useId, useRef, useState } from "react";
import { useFormStatus } from "react-dom";
import { MAX_UPLOAD_BYTES } from "@/lib/errors";
import type { FormState } from "@/lib/form-state";
import { useReauth } from "./reauth";
import { Spinner } from "./spinner";

type ButtonVariant = "primary" | "default" | "danger";

const VARIANT: Record<ButtonVariant, string> = { primary: "btn btn-primary", default: "btn", danger: "btn btn-danger" };

/**
 * The one submit button for actions that wait on the server: while the form's action runs it
 * shows progress and ignores further clicks and Enter presses, so nothing is sent twice. It stays
 * focusable (aria-disabled, not disabled), so focus is not lost while it works.
 */
export function SubmitButton({
  children,
  pendingText,
  formAction,
  pending: pendingProp,
  variant = "primary",
  size,
  className = "",
  ...rest
}: {
  children: React.ReactNode;
  pendingText?: string;
  formAction?: (form: FormData) => void;
  /** For forms that submit by script (no form action): the caller says when it is busy. */
  pending?: boolean;
  variant?: ButtonVariant;
  size?: "sm";
  className?: string;
} & Omit<React.ButtonHTMLAttributes<HTMLButtonElement>, "type" | "formAction" | "children">) {
  const status = useFormStatus();
  const pending = pendingProp ?? status.pending;
  // With several buttons in one form, only the one that was pressed says what it is doing
  // (Enter in a field presses the first one); all of them refuse a second submit.
  const [pressed, setPressed] = useState(false);
  const [sawPending, setSawPending] = useState(false);
  if (pending && !sawPending) setSawPending(true);
  if (!pending && sawPending) {
    setSawPending(false);
    setPressed(false);
  }
  const mine = pendingProp !== undefined || pressed || (!!formAction && status.action === formAction);
  return (
    <button
      type="submit"
      className={`${VARIANT[variant]}${size ? " btn-sm" : ""} ${className}`.trim()}
      aria-disabled={pending || undefined}
      aria-busy={(pending && mine) || undefined}
      formAction={formAction}
      {...rest}
      onClick={(e) => {
        if (pending) return e.preventDefault();
        setPressed(true);
        rest.onClick?.(e);
      }}
    >
      {pending && mine ? (
        <>
          <Spinner />
          {pendingText ?? "Working…"}
        </>
      ) : (
        children
      )}
    </button>
  );
}

/** Moves focus to `target` once per new form state (after a failed submit). */
function useFocusOnError(state: FormState, active: boolean, target: () => HTMLElement | null) {
  const seen = useRef<FormState | null>(null);
  useEffect(() => {
    if (!active || seen.current === state) return;
    seen.current = state;
    target()?.focus();
  });
}

/** The form-level message when it does not belong to a visible field. */
export function FormAlert({ state, fields }: { state: FormState; fields: string[] }) {
  const ask = useReauth();
  const ref = useRef<HTMLDivElement>(null);
  const shown = !state.ok && !!state.message && !(state.field && fields.includes(state.field));
  useFocusOnError(state, shown, () => ref.current);
  if (!shown) return null;
  return (
    <div
      ref={ref}
      role="alert"
      tabIndex={-1}
      className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-300"
    >
      {state.message}
      {state.reauth && (
        <>
          {" "}
          {/* The dialog was cancelled: offer it again; the form keeps what was typed. */}
          <button type="button" className="font-medium underline" onClick={() => void ask()}>
            Confirm your password
          </button>
          , then submit again.
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

/** The error of one field, tied to its control by id (`NAME-error`); focus moves to the control. */
export function FieldError({ state, name }: { state: FormState; name: string | string[] }) {
  const names = Array.isArray(name) ? name : [name];
  const shown = !state.ok && !!state.field && names.includes(state.field);
  useFocusOnError(state, shown, () => document.getElementById(names[0]!));
  if (!shown) return null;
  return (
    <p role="alert" className="field-error" id={`${names[0]}-error`}>
      {state.message}
    </p>
  );
}

function joinIds(...ids: (string | undefined)[]): string | undefined {
  return ids.filter(Boolean).join(" ") || undefined;
}

/** The aria-describedby value for a field: its hint and, when shown, its error. */
export function describedBy(name: string, hint: boolean, invalid: boolean): string | undefined {
  return [hint && `${name}-hint`, invalid && `${name}-error`].filter(Boolean).join(" ") || undefined;
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
}: ShellProps & { children: (invalid: boolean, describedBy: string | undefined) => React.ReactNode }) {
  const names = [name, ...errorFields];
  const invalid = !state.ok && !!state.field && names.includes(state.field);
  return (
    <div>
      <label className="label" htmlFor={name}>
        {label}
      </label>
      {children(invalid, describedBy(name, !!hint, invalid))}
      {hint && (
        <p className="hint" id={`${name}-hint`}>
          {hint}
        </p>
      )}
      <FieldError state={state} name={names} />
    </div>
  );
}

type TextFieldProps = ShellProps & React.InputHTMLAttributes<HTMLInputElement>;

export function TextField({ name, label, hint, state, errorFields, defaultValue, "aria-describedby": extra, ...rest }: TextFieldProps) {
  return (
    <FieldShell name={name} label={label} hint={hint} state={state} errorFields={errorFields}>
      {(invalid, described) => (
        <input
          id={name}
          name={name}
          className="input"
          aria-invalid={invalid}
          aria-describedby={joinIds(described, extra)}
          defaultValue={state.values?.[name] ?? defaultValue}
          {...rest}
        />
      )}
    </FieldShell>
  );
}

type SelectFieldProps = ShellProps & React.SelectHTMLAttributes<HTMLSelectElement> & { options: { value: string; label: string }[] };

export function SelectField({ name, label, hint, state, options, defaultValue, "aria-describedby": extra, ...rest }: SelectFieldProps) {
  return (
    <FieldShell name={name} label={label} hint={hint} state={state}>
      {(invalid, described) => (
        <select
          id={name}
          name={name}
          className="input"
          aria-invalid={invalid}
          aria-describedby={joinIds(described, extra)}
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

export function TextAreaField({
  name,
  label,
  hint,
  state,
  errorFields,
  defaultValue,
  "aria-describedby": extra,
  ...rest
}: TextAreaFieldProps) {
  return (
    <FieldShell name={name} label={label} hint={hint} state={state} errorFields={errorFields}>
      {(invalid, described) => (
        <textarea
          id={name}
          name={name}
          className="input font-mono text-xs"
          aria-invalid={invalid}
          aria-describedby={joinIds(described, extra)}
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
  const problemId = useId();
  return (
    <span className="inline-block max-w-full">
      <input
        type="file"
        className="file-input max-w-full"
        {...props}
        aria-describedby={[props["aria-describedby"], problem && problemId].filter(Boolean).join(" ") || undefined}
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
        <p role="alert" className="field-error" id={problemId}>
          {problem}
        </p>
      )}
    </span>
  );
}
