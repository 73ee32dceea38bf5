import { pkiRoute, plainTextError } from "@/lib/api/pki-route";
import { BytesResponse } from "@/lib/api/respond";
import { AppError } from "@/lib/errors";
import { currentCrlFile } from "@/lib/services/crl";

/**
 * The CA's CRL over plain HTTP, unauthenticated as RFC 5280 expects: DER, or PEM with ?format=pem.
 * Served from memory while current, with an ETag and Last-Modified (its thisUpdate), so a client
 * that has it gets 304 Not Modified (RFC 9110 13.1.1, 13.1.3) instead of megabytes again.
 */
export const GET = pkiRoute<{ caId: string }>(plainTextError, async (request, { caId }) => {
  const format = new URL(request.url).searchParams.get("format") ?? "der";
  if (format !== "der" && format !== "pem") throw new AppError("INVALID_INPUT", 'format must be "der" (the default) or "pem".', "format");
  const crl = await currentCrlFile(caId);
  const etag = format === "pem" ? crl.etag.replace(/"$/, '-pem"') : crl.etag;
  const headers = {
    "Content-Type": format === "pem" ? "application/x-pem-file" : "application/pkix-crl",
    "Cache-Control": "public, max-age=300",
    ETag: etag,
    "Last-Modified": crl.lastModified.toUTCString(),
  };
  if (notModified(request.headers, etag, crl.lastModified)) return new Response(null, { status: 304, headers });
  // The cached bytes, sent by the lean dispatch with one res.end(); a web body (Blob) only on Next's path.
  return new BytesResponse(crl.bytes(format), { headers }, () => crl.body(format));
});

/** RFC 9110 13.1.2 and 13.1.3: If-None-Match wins over If-Modified-Since when both are sent. */
function notModified(headers: Headers, etag: string, lastModified: Date): boolean {
  const ifNoneMatch = headers.get("if-none-match");
  if (ifNoneMatch !== null) return ifNoneMatch.split(",").some((tag) => tag.trim() === "*" || tag.trim().replace(/^W\//, "") === etag);
  const since = Date.parse(headers.get("if-modified-since") ?? "");
  return Number.isFinite(since) && Math.floor(lastModified.getTime() / 1000) * 1000 <= since;
}
