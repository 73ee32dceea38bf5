import { AppError } from "../errors";
import type { ExportedFile } from "../services/export-certificate";

const NO_STORE = { "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" };

/**
 * Where a BytesResponse keeps its whole body; scripts/lean-routes.mjs reads it by this name
 * (Symbol.for, so the plain-JS dispatcher and the bundled routes agree without importing each other).
 */
export const RESPONSE_BYTES = Symbol.for("cadesk.responseBytes");

/**
 * A Response whose body is already one Buffer in memory (JSON, DER, PEM, a line of text). The
 * lean dispatch (scripts/lean-routes.mjs) sends the Buffer with one `res.end()`; everyone else
 * (Next's own server, tests, `clone()`) sees an ordinary Response, whose web body is made only
 * when something asks for it. Why: undici builds a ReadableStream (with its transfer hooks) for
 * every body when the Response is made, ~20 us, and reading it back costs as much again: together
 * a tenth of a small API answer's CPU (bench/README.md, "Thinner HTTP layer"). `source` gives
 * the web body another way when that is cheaper than the Buffer (the CRL's Blob: no 5 MB copy).
 */
export class BytesResponse extends Response {
  readonly [RESPONSE_BYTES]: Buffer;
  readonly #source: (() => BodyInit) | undefined;
  #web: Response | undefined;

  constructor(bytes: Buffer, init: ResponseInit, source?: () => BodyInit) {
    super(null, init);
    this[RESPONSE_BYTES] = bytes;
    this.#source = source;
  }

  /** The same body as an ordinary Response, made once, on first use. */
  #webBody(): Response {
    return (this.#web ??= new Response(this.#source ? this.#source() : (this[RESPONSE_BYTES] as Uint8Array<ArrayBuffer>)));
  }

  override get body(): ReadableStream<Uint8Array<ArrayBuffer>> | null {
    return this.#webBody().body;
  }
  override get bodyUsed(): boolean {
    return this.#web?.bodyUsed ?? false;
  }
  override arrayBuffer(): Promise<ArrayBuffer> {
    return this.#webBody().arrayBuffer();
  }
  override blob(): Promise<Blob> {
    return this.#webBody().blob();
  }
  override bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return this.#webBody().bytes();
  }
  override formData(): Promise<FormData> {
    return this.#webBody().formData();
  }
  override json(): Promise<unknown> {
    return this.#webBody().json();
  }
  override text(): Promise<string> {
    return this.#webBody().text();
  }
  override clone(): Response {
    if (this.bodyUsed) throw new TypeError("Response.clone: the body has already been read.");
    return new BytesResponse(
      this[RESPONSE_BYTES],
      { status: this.status, statusText: this.statusText, headers: this.headers },
      this.#source,
    );
  }
}

/** A body in memory as a Response: a string as UTF-8, a Uint8Array viewed (not copied) as a Buffer. */
export function bytesResponse(
  body: string | Uint8Array,
  init: ResponseInit & { headers: Record<string, string> },
  source?: () => BodyInit,
) {
  const bytes = typeof body === "string" ? Buffer.from(body) : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return new BytesResponse(bytes, init, source);
}

/** JSON errors take one shape: {error: {code, message, field?}} with the code's HTTP status. */
export function errorResponse(error: unknown): Response {
  if (error instanceof AppError) {
    return json({ error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) } }, error.status);
  }
  console.error(error);
  return json({ error: { code: "INTERNAL", message: "An unexpected error occurred; the server log has the details." } }, 500);
}

/** As Response.json (the same bytes and Content-Type), with no-store. */
export function json(body: unknown, status = 200): Response {
  const text = JSON.stringify(body);
  if (text === undefined) throw new TypeError("json(): the value cannot be written as JSON.");
  return bytesResponse(text, { status, headers: { ...NO_STORE, "Content-Type": "application/json" } });
}

/** A download: the file name says what it is (already restricted to [A-Za-z0-9._-]). */
export function fileResponse(file: ExportedFile): Response {
  return bytesResponse(file.body, {
    headers: { ...NO_STORE, "Content-Type": file.contentType, "Content-Disposition": `attachment; filename="${file.filename}"` },
  });
}

/** For browser downloads: the message as plain text, readable when the browser shows it. */
export function textErrorResponse(error: unknown): Response {
  if (error instanceof AppError)
    return bytesResponse(error.message + "\n", {
      status: error.status,
      headers: { ...NO_STORE, "Content-Type": "text/plain; charset=utf-8" },
    });
  console.error(error);
  return bytesResponse("An unexpected error occurred; the server log has the details.\n", {
    status: 500,
    headers: { "Content-Type": "text/plain; charset=utf-8" },
  });
}
