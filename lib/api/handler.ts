import type { z } from "zod";
import { AppError, MAX_UPLOAD_BYTES } from "../errors";
import { publicActor, runAs } from "../auth/actor";
import type { Permission } from "../auth/roles";
import { can } from "../auth/roles";
import { apiActor, clientIp, requestId } from "./auth";
import { assertNoUnknownFields } from "../validations/unknown-fields";
import { errorResponse } from "./respond";

type Context = { params: Promise<Record<string, string>> };

/**
 * Wraps an API route: the token's role must grant `permission`, then the handler runs as that
 * token (for the audit log and per-CA limits), with every failure as JSON.
 */
export function apiRoute(permission: Permission, handler: (request: Request, params: Record<string, string>) => Promise<Response>) {
  return async (request: Request, context: Context): Promise<Response> => {
    try {
      const actor = await apiActor(request);
      if (!can(actor.role ?? "", permission)) {
        throw new AppError(
          "FORBIDDEN",
          `This token's role (${actor.role}) may not do this; it needs a role with "${permission}". Create a token with a broader role in Settings → API tokens.`,
        );
      }
      const params = await context.params;
      return await runAs(actor, () => handler(request, params));
    } catch (error) {
      return errorResponse(error);
    }
  };
}

/**
 * Wraps a public route (the OpenAPI document; the PKI endpoints use pkiRoute, which does the
 * same): no credentials, and the handler runs as the anonymous actor with the client's address,
 * so a service it calls knows nobody signed in rather than assuming cadesk itself.
 */
export function publicRoute<C>(handler: (request: Request, context: C) => Promise<Response> | Response) {
  return (request: Request, context: C): Promise<Response> =>
    runAs({ ...publicActor(clientIp(request.headers)), requestId: requestId(request.headers) }, async () => handler(request, context));
}

/**
 * Reads a JSON object body, bounded in size, with messages that say what to send instead, and
 * refuses any field `schema` (the one the service parses it with) does not declare: 400 naming
 * each, rather than a silently dropped typo. The body is returned as sent, for the service to parse.
 */
export async function readJson(request: Request, schema: z.core.$ZodType): Promise<Record<string, unknown>> {
  const body = await readJsonObject(request);
  assertNoUnknownFields(schema, body);
  return body;
}

/**
 * The query string as an object (the first value of a repeated name), refusing any parameter
 * `schema` does not declare with 400 naming it, as readJson does for bodies.
 */
export function readQuery(request: Request, schema: z.core.$ZodType): Record<string, string> {
  const params = new URL(request.url).searchParams;
  const query = Object.fromEntries([...new Set(params.keys())].map((name) => [name, params.get(name)!]));
  assertNoUnknownFields(schema, query, "query parameter");
  return query;
}

async function readJsonObject(request: Request): Promise<Record<string, unknown>> {
  const type = request.headers.get("content-type") ?? "";
  if (!type.toLowerCase().startsWith("application/json")) {
    throw new AppError(
      "UNSUPPORTED_MEDIA_TYPE",
      `Send the body as JSON with "Content-Type: application/json" (got "${type.slice(0, 60) || "none"}").`,
    );
  }
  const declared = Number(request.headers.get("content-length") ?? 0);
  const limit = MAX_UPLOAD_BYTES + 64 * 1024;
  if (declared > limit) throw new AppError("PAYLOAD_TOO_LARGE", "The request body is larger than 1 MiB.");
  const bytes = await readBounded(request, limit);
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AppError("INVALID_INPUT", "The request body is not valid JSON.");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new AppError("INVALID_INPUT", "The request body must be a JSON object.");
  return body as Record<string, unknown>;
}

/** A small body the lean dispatch read whole before the route ran (scripts/lean-routes.mjs LeanRequest). */
const REQUEST_BYTES = Symbol.for("cadesk.requestBytes");

/** The body's bytes, refused as soon as they pass the limit rather than buffered whole. */
export async function readBounded(request: Request, limit: number): Promise<Uint8Array> {
  const whole = (request as Request & { [REQUEST_BYTES]?: Uint8Array })[REQUEST_BYTES];
  if (whole) {
    if (whole.length > limit) throw new AppError("PAYLOAD_TOO_LARGE", "The request body is larger than 1 MiB.");
    return new Uint8Array(whole.buffer, whole.byteOffset, whole.byteLength);
  }
  const reader = request.body?.getReader();
  if (!reader) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      throw new AppError("PAYLOAD_TOO_LARGE", "The request body is larger than 1 MiB.");
    }
    chunks.push(value);
  }
  return new Uint8Array(Buffer.concat(chunks));
}
