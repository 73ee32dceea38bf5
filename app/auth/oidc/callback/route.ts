import { cookies } from "next/headers";
import { NextResponse } from "next/server";
import { runAs } from "@/lib/auth/actor";
import { PENDING_COOKIE } from "@/lib/auth/oidc/client";
import { sealProblem } from "@/lib/auth/oidc/flash";
import { readSessionActor, requestMeta, servedOverHttps, sessionCookieOptions } from "@/lib/auth/request";
import { SESSION_COOKIE } from "@/lib/auth/sessions";
import { publicRoute } from "@/lib/api/handler";
import { readConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { completeOidcSignIn } from "@/lib/services/oidc-sign-in";

/**
 * The redirect URI ({CADESK_PUBLIC_URL}/auth/oidc/callback): the provider sends the browser back
 * here with a code (or an error). A new session on success; otherwise back to the sign-in page
 * with the reason, sealed so that nobody can put other words there.
 */
export const GET = publicRoute(async (request: Request) => {
  const base = readConfig().publicUrl;
  // Next's cookie store decodes the value it URL-encoded when the start route set it.
  const cookie = (await cookies()).get(PENDING_COOKIE)?.value;
  const params = new URL(request.url).searchParams;
  const meta = await requestMeta();
  const secure = servedOverHttps(request.headers);
  let response: NextResponse;
  try {
    // A re-authentication runs as the session's user; a sign-in as the anonymous visitor.
    const actor = await readSessionActor();
    const outcome = actor
      ? await runAs(actor, () => completeOidcSignIn(cookie, params, meta))
      : await completeOidcSignIn(cookie, params, meta);
    if (outcome.kind === "signed-in") {
      response = NextResponse.redirect(`${base}${outcome.next}`, 303);
      response.cookies.set(SESSION_COOKIE, outcome.token, sessionCookieOptions(secure));
    } else {
      response = NextResponse.redirect(`${base}/auth/oidc/confirmed?next=${encodeURIComponent(outcome.next)}`, 303);
    }
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    // Signed in already: a re-authentication that failed, told in its pop-up; otherwise the sign-in page.
    const back = new URL((await readSessionActor()) ? `${base}/auth/oidc/confirmed` : `${base}/sign-in`);
    back.searchParams.set("problem", sealProblem(error.message));
    response = NextResponse.redirect(back, 303);
  }
  response.cookies.set(PENDING_COOKIE, "", { path: "/auth/oidc", maxAge: 0, httpOnly: true, sameSite: "lax", secure });
  return response;
});
