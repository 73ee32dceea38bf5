import { apiRoute, readBounded, readJson } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { MAX_UPLOAD_BYTES } from "@/lib/errors";
import { inspect } from "@/lib/services/inspect";
import { parseInput } from "@/lib/validations/parse";
import { ZInspectInput } from "@/lib/validations/inspect";

/**
 * JSON {pem | der, password?, hostname?, rootPem?}, or the file itself as the body (PEM, DER,
 * .p7b, .p12) with ?hostname= and an X-Pkcs12-Password header.
 */
export const POST = apiRoute("view", async (request) => {
  const type = request.headers.get("content-type") ?? "";
  if (type.toLowerCase().startsWith("application/json")) {
    const body = parseInput(ZInspectInput, await readJson(request, ZInspectInput));
    const input = body.pem ?? new Uint8Array(Buffer.from(body.der!, "base64"));
    return json(await inspect({ input, password: body.password, hostname: body.hostname, rootPem: body.rootPem }));
  }
  const bytes = await readBounded(request, MAX_UPLOAD_BYTES + 1);
  const hostname = new URL(request.url).searchParams.get("hostname") ?? undefined;
  return json(await inspect({ input: bytes, hostname, password: request.headers.get("x-pkcs12-password") ?? undefined }));
});
