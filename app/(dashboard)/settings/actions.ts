"use server";

import { revalidatePath } from "next/cache";
import { actAs } from "@/lib/auth/request";
import { formFailure, formText, formValues, type FormState } from "@/lib/form-state";
import { createApiToken, revokeApiToken } from "@/lib/services/api-tokens";
import { changeOwnPassword, changeRole, createUser, deleteUser, endOtherSessions, resetPassword } from "@/lib/services/users";

export async function createUserAction(_: FormState, form: FormData): Promise<FormState> {
  try {
    const user = await actAs("users", () =>
      createUser({ email: formText(form, "email"), role: formText(form, "role"), password: formText(form, "password") }),
    );
    revalidatePath("/settings/users");
    return {
      ok: true,
      message: `${user.email} can now sign in as ${user.role}. Give them the initial password over a separate channel; they can change it under their account.`,
    };
  } catch (error) {
    return formFailure(error, form);
  }
}

export async function changeRoleAction(id: string, _: FormState, form: FormData): Promise<FormState> {
  try {
    await actAs("users", () => changeRole(id, formText(form, "role")));
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
    await actAs("users", () => resetPassword(id, formText(form, "password")));
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
    const { token, record } = await actAs("users", () =>
      createApiToken({ name: formText(form, "name"), role: formText(form, "role"), expiresInDays: formText(form, "expiresInDays") }),
    );
    revalidatePath("/settings/tokens");
    return { ok: true, token, message: `Token "${record.name}" created.` };
  } catch (error) {
    return formFailure(error, form);
  }
}

export async function revokeTokenAction(form: FormData): Promise<void> {
  await actAs("users", () => revokeApiToken(formText(form, "id") ?? ""));
  revalidatePath("/settings/tokens");
}

export async function changePasswordAction(_: FormState, form: FormData): Promise<FormState> {
  try {
    await actAs("view", () =>
      changeOwnPassword({ currentPassword: formText(form, "currentPassword"), newPassword: formText(form, "newPassword") }),
    );
    return { ok: true, message: "Password changed. Your other sessions were signed out." };
  } catch (error) {
    return { ...formFailure(error, form), values: formValues(form) };
  }
}

export async function endOtherSessionsAction(): Promise<void> {
  await actAs("view", () => endOtherSessions());
  revalidatePath("/account");
}
