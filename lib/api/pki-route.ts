/**
 * The public PKI endpoints (OCSP, CRL, CA certificate; ACME reuses this): no token, as RFC 5280
 * and RFC 6960 expect of them, and every failure answered in the protocol's own terms by the
 * endpoint's `onError` (an OCSP error response, a short text, an RFC 7807 problem), never as the
 * empty HTTP 500 Next sends for an exception that escapes a route.
 */
import { publicActor, runAs, type Actor } from "../auth/actor";
import { clientIpOf, requestIdOf } from "./auth";
import { readBounded } from "./handler";
import { AppError, MAX_UPLOAD_BYTES } from "../errors";
import { bytesResponse } from "./respond";

type Context<P> = { params: Promise<P> };

/**
 * What these endpoints return is public by design, so they act as the anonymous public,
 * explicitly: the services they call (CRL, OCSP, CA certificate) accept any actor, and a stale CRL
 * or responder certificate is re-signed on the way without any user permission.
 */
function publicRequestActor(header: (name: string) => string | null): Actor {
  return { ...publicActor(clientIpOf(header)), requestId: requestIdOf(header) };
}

/** An exception that is not an AppError is a bug: logged with its stack, answered as the protocol's internal error. */
function unexpected(error: unknown, method: string, url: string): AppError {
  console.error(`[cadesk] ${method} ${new URL(url).pathname} failed: ${(error as Error).stack ?? error}`);
  return new AppError("INTERNAL", "An unexpected error occurred; the server log has the details.");
}

export function pkiRoute<P>(
  onError: (error: AppError, request: Request) => Response | Promise<Response>,
  handler: (request: Request, params: P) => Promise<Response>,
): (request: Request, context: Context<P>) => Promise<Response> {
  return async (request, context) => {
    try {
      const actor = publicRequestActor((name) => request.headers.get(name));
      return await runAs(actor, async () => handler(request, await context.params));
    } catch (error) {
      if (error instanceof AppError) return onError(error, request);
      return onError(unexpected(error, request.method, request.url), request);
    }
  };
}

/** A PKI answer as bytes, the same for Next's Response and for the lean dispatch's one res.end(). */
export interface PkiAnswer {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** What a bytes route reads of its request: a header by lower-case name, and the whole body (at most 1 MiB). */
export interface PkiRequest {
  method: string;
  url: string;
  header(name: string): string | null;
  body(): Promise<Uint8Array>;
}

/**
 * Where a bytes route's handler keeps its lean form: scripts/lean-routes.mjs calls it with node's
 * parsed request and writes the PkiAnswer itself, with no web Request, Headers or Response made
 * (Symbol.for, so the plain-JS dispatcher and the bundled routes agree without importing each other).
 */
export const LEAN_ANSWER: unique symbol = Symbol.for("cadesk.leanAnswer");

type LeanAnswer<P> = (request: PkiRequest, params: P) => Promise<PkiAnswer>;
type BytesRoute<P> = ((request: Request, context: Context<P>) => Promise<Response>) & { [LEAN_ANSWER]: LeanAnswer<P> };

/**
 * pkiRoute for an endpoint whose every answer is a few bytes in memory (OCSP, issue #13): one
 * handler, reached two ways. Next (and anything holding a web Request) gets a Response as
 * pkiRoute gives one; the lean dispatch takes `[LEAN_ANSWER]` and skips the web objects, which
 * cost a good OCSP answer on a new connection about a sixth of its CPU (bench/README.md, "OCSP
 * without web objects").
 */
export function pkiBytesRoute<P>(
  onError: (error: AppError) => PkiAnswer,
  handler: (request: PkiRequest, params: P) => Promise<PkiAnswer>,
): BytesRoute<P> {
  const lean: LeanAnswer<P> = async (request, params) => {
    try {
      return await runAs(publicRequestActor(request.header), () => handler(request, params));
    } catch (error) {
      return onError(error instanceof AppError ? error : unexpected(error, request.method, request.url));
    }
  };
  const web = async (request: Request, context: Context<P>) => {
    const answer = await lean(
      {
        method: request.method,
        url: request.url,
        header: (name) => request.headers.get(name),
        body: () => readBounded(request, MAX_UPLOAD_BYTES),
      },
      await context.params,
    );
    return bytesResponse(answer.body, { status: answer.status, headers: answer.headers });
  };
  return Object.assign(web, { [LEAN_ANSWER]: lean });
}

/** For CRL and CA-certificate downloads: the status of the error and its message as one line of text. */
export function plainTextError(error: AppError): Response {
  const answer = plainTextAnswer(error);
  return bytesResponse(answer.body, { status: answer.status, headers: answer.headers });
}

/** plainTextError as bytes, for a bytes route. */
export function plainTextAnswer(error: AppError): PkiAnswer {
  return {
    status: error.status,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" },
    body: Buffer.from(error.message + "\n"),
  };
}
