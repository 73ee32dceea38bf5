"use server";

import { actAs } from "@/lib/auth/request";
import { formFailure, formValues, type FormState } from "@/lib/form-state";
import { inspect, type InspectResult } from "@/lib/services/inspect";
import { ZVerifyQuery } from "@/lib/validations/inspect";
import { parseInput } from "@/lib/validations/parse";

export interface InspectFormState extends FormState {
  result?: InspectResult;
}

export async function inspectAction(_: InspectFormState, form: FormData): Promise<InspectFormState> {
  try {
    const file = form.get("file");
    const text = form.get("input");
    const input = file instanceof File && file.size > 0 ? new Uint8Array(await file.arrayBuffer()) : typeof text === "string" ? text : "";
    const value = (name: string) => (typeof form.get(name) === "string" ? (form.get(name) as string) : undefined);
    const options = parseInput(ZVerifyQuery, { validationTime: value("validationTime"), purpose: value("purpose"), mode: value("mode") });
    const result = await actAs("view", () =>
      inspect({ input, password: value("password") || undefined, hostname: value("hostname"), rootPem: value("rootPem"), ...options }),
    );
    return { ok: true, result, values: formValues(form) };
  } catch (error) {
    return formFailure(error, form);
  }
}
