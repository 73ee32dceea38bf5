// The route label of a request path for metrics: ids collapse to :id, unknown areas to "other".
// Known first path segments; anything else is "other", so a scanner cannot grow the label set.
const AREAS = new Set(
  "api crl ocsp ca acme healthz readyz metrics certificates authorities inspect tls notifications settings audit account sign-in setup confirm-password forbidden download".split(
    " ",
  ),
);

/** "/api/v1/certificates/3f2a.../text" -> "/api/v1/certificates/:id/text". */
export function routeLabel(pathname) {
  if (pathname.startsWith("/_next/")) return "/_next/*";
  const segments = pathname.split("/").slice(1);
  if (segments[0] === "") return "/";
  if (!AREAS.has(segments[0])) return "other";
  const label = segments
    .slice(0, 6)
    .map((s) => (/^[0-9a-f]{8}-[0-9a-f-]{27}$/i.test(s) || /^[0-9a-f]{16,}$/i.test(s) || /^\d+$/.test(s) || s.length > 24 ? ":id" : s));
  return "/" + label.join("/");
}
