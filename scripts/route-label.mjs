// The route label of a request path for metrics: ids collapse to :id, unknown areas to "other".
// Known first path segments; anything else is "other", so a scanner cannot grow the label set.
const AREAS = new Set(
  "api crl ocsp ca acme healthz readyz metrics certificates authorities inspect tls notifications settings audit account sign-in setup confirm-password forbidden download".split(
    " ",
  ),
);

/** Labels by path, made once: most requests repeat a path (the same OCSP or CRL URL, an API collection). */
const labels = new Map();

/** "/api/v1/certificates/3f2a.../text" -> "/api/v1/certificates/:id/text". */
export function routeLabel(pathname) {
  if (pathname.length > 200) return labelOf(pathname); // kept small: at most 10,000 short paths
  let label = labels.get(pathname);
  if (label === undefined) {
    label = labelOf(pathname);
    if (labels.size >= 10_000) labels.clear();
    labels.set(pathname, label);
  }
  return label;
}

function labelOf(pathname) {
  if (pathname.startsWith("/_next/")) return "/_next/*";
  const segments = pathname.split("/").slice(1);
  if (segments[0] === "") return "/";
  if (!AREAS.has(segments[0])) return "other";
  const label = segments
    .slice(0, 6)
    .map((s) => (/^[0-9a-f]{8}-[0-9a-f-]{27}$/i.test(s) || /^[0-9a-f]{16,}$/i.test(s) || /^\d+$/.test(s) || s.length > 24 ? ":id" : s));
  return "/" + label.join("/");
}
