import { AppError } from "../errors";
import type { ExportedFile } from "../services/export-certificate";

const NO_STORE = { "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" };

/** JSON errors take one shape: {error: {code, message, field?}} with the code's HTTP status. */
export function errorResponse(error: unknown): Response {
  if (error instanceof AppError) {
    return Response.json(
      { error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) } },
      { status: error.status, headers: NO_STORE },
    );
  }
  console.error(error);
  return Response.json(
    { error: { code: "INTERNAL", message: "An unexpected error occurred; the server log has the details." } },
    { status: 500, headers: NO_STORE },
  );
}

export function json(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: NO_STORE });
}

/** A download: the file name says what it is (already restricted to [A-Za-z0-9._-]). */
export function fileResponse(file: ExportedFile): Response {
  const body = typeof file.body === "string" ? file.body : Buffer.from(file.body);
  return new Response(body, {
    headers: { ...NO_STORE, "Content-Type": file.contentType, "Content-Disposition": `attachment; filename="${file.filename}"` },
  });
}

/** For browser downloads: the message as plain text, readable when the browser shows it. */
export function textErrorResponse(error: unknown): Response {
  if (error instanceof AppError)
    return new Response(error.message + "\n", {
      status: error.status,
      headers: { ...NO_STORE, "Content-Type": "text/plain; charset=utf-8" },
    });
  console.error(error);
  return new Response("An unexpected error occurred; the server log has the details.\n", {
    status: 500,
    headers: { "Content-Type": "text/plain; charset=utf-8" },
  });
}
