import { NextResponse, type NextRequest } from "next/server";

/** Paths that work without a session: sign-in itself (with the OpenID Connect round trip), token-authenticated API, public PKI endpoints. */
const PUBLIC = /^\/(sign-in|setup|auth\/oidc\/)/;
const SESSION_COOKIE = "cadesk_session";

function nonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

/**
 * A strict CSP: scripts only from this origin with this response's nonce (Next puts it on its own
 * scripts), nothing may frame the dashboard, forms post only here. Styles allow inline attributes,
 * which React's style props need; they cannot run code.
 */
function contentSecurityPolicy(value: string, https: boolean): string {
  // NODE_ENV is set by Next itself (and inlined in this bundle), not cadesk configuration: it stays
  // here instead of lib/config.ts, which the proxy does not load.
  const dev = process.env.NODE_ENV === "development";
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${value}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

/**
 * Runs before every page and route: sends a signed-out browser to sign-in, refuses cross-site
 * form posts (CSRF) on top of SameSite cookies and Next's own Server Action origin check, and
 * sets the CSP with a fresh nonce. Sessions are checked for real where data is read and written.
 */
export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const https = (request.headers.get("x-forwarded-proto") ?? request.nextUrl.protocol.replace(":", "")).startsWith("https");

  const unsafe = !["GET", "HEAD", "OPTIONS"].includes(request.method);
  const origin = request.headers.get("origin");
  if (unsafe && origin) {
    const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
    let sameOrigin = false;
    try {
      sameOrigin = new URL(origin).host === host;
    } catch {}
    if (!sameOrigin)
      return new NextResponse("Cross-site request refused: submit the form from cadesk itself.", {
        status: 403,
        headers: { "content-type": "text/plain; charset=utf-8" },
      });
  }

  if (!PUBLIC.test(pathname) && !request.cookies.has(SESSION_COOKIE)) {
    const url = request.nextUrl.clone();
    url.pathname = "/sign-in";
    url.search = pathname === "/" ? "" : `?next=${encodeURIComponent(pathname + search)}`;
    return NextResponse.redirect(url);
  }

  const value = nonce();
  const csp = contentSecurityPolicy(value, https);
  const headers = new Headers(request.headers);
  headers.set("x-nonce", value);
  headers.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", csp);
  if (https) response.headers.set("strict-transport-security", "max-age=31536000");
  return response;
}

// Not for static files, nor for the token-authenticated API, the public PKI endpoints and the
// health and metrics endpoints: they need no nonce, and next.config.js gives them a fixed
// "default-src 'none'" CSP instead.
export const config = {
  matcher: [{ source: "/((?!_next/static|_next/image|favicon.ico|icon.svg|api/|crl/|ocsp/|ca/|acme/|healthz|readyz|metrics).*)" }],
};
