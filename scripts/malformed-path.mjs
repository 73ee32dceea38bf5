// A request path that is not valid percent-encoding (GET /ocsp/{caId}/%E0%A4%A): Next answers it
// with a bare 500 before any route handler runs, so scripts/serve.mjs answers 400 itself.
export function malformedPath(pathname) {
  try {
    decodeURIComponent(pathname);
    return false;
  } catch {
    return true;
  }
}
