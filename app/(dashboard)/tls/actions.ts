"use server";

import { actAs } from "@/lib/auth/request";
import { revalidatePath } from "next/cache";
import { formFailure, formValues, type FormState } from "@/lib/form-state";
import { updateEchoSettings, type EchoStatus } from "@/lib/services/echo-settings";
import { testConnection } from "@/lib/services/test-connection";
import type { DoctorResult } from "@/lib/tls/connection-doctor";

export interface EchoFormState extends FormState {
  status?: EchoStatus;
}

export async function updateEchoAction(_: EchoFormState, form: FormData): Promise<EchoFormState> {
  try {
    const status = await actAs("settings", () =>
      updateEchoSettings({
        certificateId: form.get("certificateId"),
        clientCaIds: form.getAll("clientCaIds").filter((v) => typeof v === "string"),
        clientAuth: form.get("clientAuth"),
      }),
    );
    revalidatePath("/tls");
    // Said in words: a listener that was already running looks the same before and after.
    const clients = {
      require: "client certificates required",
      request: "client certificates asked for",
      none: "no client certificate asked for",
    };
    const message = status.error
      ? undefined
      : `Applied: new connections to port ${status.port} get "${status.certificateName}", ${clients[status.clientAuth]}.`;
    return { ok: true, status, message, values: formValues(form) };
  } catch (error) {
    return formFailure(error, form);
  }
}

export interface DoctorFormState extends FormState {
  result?: DoctorResult;
}

export async function testConnectionAction(_: DoctorFormState, form: FormData): Promise<DoctorFormState> {
  const text = (name: string) => (typeof form.get(name) === "string" ? (form.get(name) as string).trim() : "");
  try {
    const toEcho = text("target") === "echo";
    const trust = text("trust");
    const result = await actAs("issue", () =>
      testConnection({
        host: toEcho ? "echo" : text("host"),
        port: toEcho ? undefined : text("port") || undefined,
        serverName: text("serverName") || undefined,
        caIds: trust.startsWith("ca:") ? [trust.slice(3)] : undefined,
        caPem: trust === "pasted" ? text("caPem") : undefined,
        clientCertificateId: text("clientCertificateId") || undefined,
        mode: text("mode") || undefined,
      }),
    );
    return { ok: true, result, values: formValues(form) };
  } catch (error) {
    return formFailure(error, form);
  }
}
