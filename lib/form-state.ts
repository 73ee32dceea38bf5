import { AppError } from "./errors";

/** What a server action returns to a `useActionState` form. */
export interface FormState {
  ok: boolean;
  message?: string;
  /** The field the message belongs to, shown beside it. */
  field?: string;
  /** What the user typed, so a refused form loses nothing (React resets forms after an action). */
  values?: Record<string, string>;
  /** The action needs the password again: the form offers a link to confirm it. */
  reauth?: boolean;
}

/** A text field of a submitted form; undefined for a missing field or a file. */
export function formText(form: FormData, name: string): string | undefined {
  const value = form.get(name);
  return typeof value === "string" ? value : undefined;
}

const SECRET_FIELDS = /pass(word|phrase)/i;

export function formValues(form: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of form.entries()) {
    if (typeof value === "string" && !key.startsWith("$") && !SECRET_FIELDS.test(key)) values[key] = value;
  }
  return values;
}

/** Turns an expected failure into form state; anything else is a bug and propagates. */
export function formFailure(error: unknown, form: FormData): FormState {
  if (error instanceof AppError) {
    return {
      ok: false,
      message: error.message,
      field: error.field,
      values: formValues(form),
      ...(error.code === "REAUTH_REQUIRED" ? { reauth: true } : {}),
    };
  }
  throw error;
}
