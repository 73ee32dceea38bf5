"use server";

import { revalidatePath } from "next/cache";
import { actAs } from "@/lib/auth/request";
import { formFailure, formValues, type FormState } from "@/lib/form-state";
import { createApiToken, revokeApiToken } from "@/lib/services/api-tokens";
import { changeOwnPassword, changeRole, createUser, deleteUser, endOtherSessions, resetPassword } from "@/lib/services/users";

const text = (form: FormData, name: string) => (typeof form.get(name) === "string" ? (form.get(name) as string) : undefined);

export async function createUserAction(_: FormState, form: FormData): Promise<FormState> {
  try {
    const user = await actAs("users", () => createUser({ email: text(form, "email"), role: text(form, "role"), password: text(form, "password") }));
    revalidatePath("/settings/users");
    return { ok: true, message: `${user.email} can now sign in as ${user.role}. Give them the initial password over a separate channel; they can change it under their account.` };
  } catch (error) {
    return formFailure(error, form);
  }
}

export async function changeRoleAction(id: string, _: FormState, form: FormData): Promise<FormState> {
  try {
    await actAs("users", () => changeRole(id, text(form, "role")));
    revalidatePath("/settings/users");
    return { ok: true, message: "Role changed; their sessions were signed out." };
  } catch (error) {
    return formFailure(error, form);
  }
}

export async function deleteUserAction(id: string, _: FormState, form: FormData): Promise<FormState> {
  try {
    await actAs("users", () => deleteUser(id));
    revalidatePath("/settings/users");
    return { ok: true };
  } catch (error) {
    return formFailure(error, form);
  }
}

export async function resetPasswordAction(id: string, _: FormState, form: FormData): Promise<FormState> {
  try {
    await actAs("users", () => resetPassword(id, text(form, "password")));
    return { ok: true, message: "Password set; their sessions were signed out. Tell them over a separate channel." };
  } catch (error) {
    return formFailure(error, form);
  }
}

export interface TokenFormState extends FormState {
  token?: string;
}

export async function createTokenAction(_: TokenFormState, form: FormData): Promise<TokenFormState> {
  try {
    const { token, record } = await actAs("users", () => createApiToken({ name: text(form, "name"), role: text(form, "role"), expiresInDays: text(form, "expiresInDays") }));
    revalidatePath("/settings/tokens");
    return { ok: true, token, message: `Token "${record.name}" created.` };
  } catch (error) {
    return formFailure(error, form);
  }
}

export async function revokeTokenAction(form: FormData): Promise<void> {
  await actAs("users", () => revokeApiToken(text(form, "id") ?? ""));
  revalidatePath("/settings/tokens");
}

export async function changePasswordAction(_: FormState, form: FormData): Promise<FormState> {
  try {
    await actAs("view", () => changeOwnPassword({ currentPassword: text(form, "currentPassword"), newPassword: text(form, "newPassword") }));
    return { ok: true, message: "Password changed. Your other sessions were signed out." };
  } catch (error) {
    return { ...formFailure(error, form), values: formValues(form) };
  }
}

export async function endOtherSessionsAction(): Promise<void> {
  await actAs("view", () => endOtherSessions());
  revalidatePath("/account");
}
