import { NextResponse } from "next/server";
import { runAs } from "@/lib/auth/actor";
import { PENDING_COOKIE, PENDING_MAX_SECONDS } from "@/lib/auth/oidc/client";
import { sealProblem } from "@/lib/auth/oidc/flash";
import { readSessionActor, servedOverHttps } from "@/lib/auth/request";
import { safeNext } from "@/lib/auth/safe-next";
import { publicRoute } from "@/lib/api/handler";
import { readConfig } from "@/lib/config";
import { startOidcReauth, startOidcSignIn } from "@/lib/services/oidc-sign-in";

/**
 * "Sign in with <provider>": a plain link here (a form's redirect to another site would break the
 * CSP's form-action 'self'). Sends the browser to the provider, with the pending login sealed in
 * a cookie only /auth/oidc sees; `purpose=reauth` confirms the signed-in person instead.
 */
export const GET = publicRoute(async (request: Request) => {
  const query = new URL(request.url).searchParams;
  const next = safeNext(query.get("next"));
  const reauth = query.get("purpose") === "reauth";
  try {
    const actor = reauth ? await readSessionActor() : null;
    const { url, sealed } = actor ? await runAs(actor, () => startOidcReauth(next)) : await startOidcSignIn(next);
    const response = NextResponse.redirect(url, 303);
    response.cookies.set(PENDING_COOKIE, sealed, {
      httpOnly: true,
      sameSite: "lax", // sent on the provider's top-level redirect back
      secure: servedOverHttps(request.headers),
      path: "/auth/oidc",
      maxAge: PENDING_MAX_SECONDS,
    });
    return response;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const back = new URL(`${readConfig().publicUrl}/sign-in`);
    back.searchParams.set("problem", sealProblem(message));
    if (next !== "/") back.searchParams.set("next", next);
    return NextResponse.redirect(back, 303);
  }
});
