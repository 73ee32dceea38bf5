/**
 * The public PKI endpoints (OCSP, CRL, CA certificate; ACME reuses this): no token, as RFC 5280
 * and RFC 6960 expect of them, and every failure answered in the protocol's own terms by the
 * endpoint's `onError` (an OCSP error response, a short text, an RFC 7807 problem), never as the
 * empty HTTP 500 Next sends for an exception that escapes a route.
 */
import { publicActor, runAs } from "../auth/actor";
import { clientIp, requestId } from "./auth";
import { AppError } from "../errors";
import { bytesResponse } from "./respond";

type Context<P> = { params: Promise<P> };

export function pkiRoute<P>(
  onError: (error: AppError, request: Request) => Response | Promise<Response>,
  handler: (request: Request, params: P) => Promise<Response>,
): (request: Request, context: Context<P>) => Promise<Response> {
  return async (request, context) => {
    try {
      // What these endpoints return is public by design, so they act as the anonymous public,
      // explicitly: the services they call (CRL, OCSP, CA certificate) accept any actor, and a
      // stale CRL or responder certificate is re-signed on the way without any user permission.
      const actor = { ...publicActor(clientIp(request.headers)), requestId: requestId(request.headers) };
      return await runAs(actor, async () => handler(request, await context.params));
    } catch (error) {
      if (error instanceof AppError) return onError(error, request);
      console.error(`[cadesk] ${request.method} ${new URL(request.url).pathname} failed: ${(error as Error).stack ?? error}`);
      return onError(new AppError("INTERNAL", "An unexpected error occurred; the server log has the details."), request);
    }
  };
}

/** For CRL and CA-certificate downloads: the status of the error and its message as one line of text. */
export function plainTextError(error: AppError): Response {
  return bytesResponse(error.message + "\n", {
    status: error.status,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" },
  });
}
