"use server";

import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { runAs } from "@/lib/auth/actor";
import { LOGOUT_COOKIE, LOGOUT_COOKIE_MAX, logoutCookieOptions } from "@/lib/auth/oidc/client";
import {
  actAs,
  actPublicly,
  clearSessionCookie,
  readSessionActor,
  requestMeta,
  servedOverHttps,
  setSessionCookie,
} from "@/lib/auth/request";
import { safeNext } from "@/lib/auth/safe-next";
import { formFailure, formText, type FormState } from "@/lib/form-state";
import { completeSetup, confirmPassword, signIn, signOut } from "@/lib/services/users";

export async function signInAction(_: FormState, form: FormData): Promise<FormState> {
  try {
    const meta = await requestMeta();
    const { token } = await actPublicly(() => signIn({ email: formText(form, "email"), password: formText(form, "password") }, meta));
    await setSessionCookie(token);
  } catch (error) {
    return formFailure(error, form);
  }
  redirect(safeNext(formText(form, "next")));
}

export async function setupAction(_: FormState, form: FormData): Promise<FormState> {
  try {
    const password = formText(form, "password");
    if (password !== formText(form, "confirmPassword"))
      return {
        ok: false,
        field: "confirmPassword",
        message: "The two passwords differ.",
        values: { email: formText(form, "email") ?? "" },
      };
    const meta = await requestMeta();
    const { token } = await actPublicly(() =>
      completeSetup({ setupToken: formText(form, "setupToken"), email: formText(form, "email"), password }, meta),
    );
    await setSessionCookie(token);
  } catch (error) {
    return formFailure(error, form);
  }
  redirect("/?welcome=1");
}

/** The re-authentication dialog (app/ui/reauth.tsx): the password again, on the same page. */
export async function confirmPasswordAction(_: FormState, form: FormData): Promise<FormState> {
  try {
    await actAs("view", () => confirmPassword(formText(form, "password")));
    return { ok: true };
  } catch (error) {
    return formFailure(error, form);
  }
}

export async function signOutAction(): Promise<void> {
  const actor = await readSessionActor();
  const token = await clearSessionCookie();
  const { viaProvider, sealedIdToken } = actor ? await runAs(actor, () => signOut(token)) : { viaProvider: false, sealedIdToken: null };
  // People of the identity provider are still signed in there: the sign-in page offers its sign-out
  // (/auth/oidc/logout), which sends the session's ID token as id_token_hint, kept for it in a cookie.
  if (sealedIdToken && sealedIdToken.length <= LOGOUT_COOKIE_MAX)
    (await cookies()).set(LOGOUT_COOKIE, sealedIdToken, logoutCookieOptions(servedOverHttps(await headers())));
  redirect(viaProvider ? "/sign-in?signed-out=provider" : "/sign-in");
}
