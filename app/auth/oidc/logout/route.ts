import { cookies } from "next/headers";
import { NextResponse } from "next/server";
import { LOGOUT_COOKIE } from "@/lib/auth/oidc/client";
import { servedOverHttps } from "@/lib/auth/request";
import { publicRoute } from "@/lib/api/handler";
import { readConfig } from "@/lib/config";
import { oidcSignOutUrl } from "@/lib/services/oidc-sign-in";

/**
 * "Sign out of <provider> too", offered on the sign-in page after cadesk's own sign-out: sends the
 * browser to the provider's end_session_endpoint (RP-Initiated Logout 1.0 section 2) with
 * client_id, post_logout_redirect_uri and, when this browser signed out within the last 10
 * minutes, that session's ID token as id_token_hint (from the cookie the sign-out set here).
 */
export const GET = publicRoute(async (request: Request) => {
  const sealed = (await cookies()).get(LOGOUT_COOKIE)?.value;
  const url = await oidcSignOutUrl(sealed);
  const response = NextResponse.redirect(url ?? `${readConfig().publicUrl}/sign-in`, 303);
  response.cookies.set(LOGOUT_COOKIE, "", {
    path: "/auth/oidc",
    maxAge: 0,
    httpOnly: true,
    sameSite: "lax",
    secure: servedOverHttps(request.headers),
  });
  return response;
});
