import { apiRoute, readBounded, readJson, readQuery } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { MAX_UPLOAD_BYTES } from "@/lib/errors";
import { inspect } from "@/lib/services/inspect";
import { parseInput } from "@/lib/validations/parse";
import { ZInspectInput } from "@/lib/validations/inspect";
import { ZInspectUploadQuery } from "@/lib/api/queries";

/**
 * JSON {pem | der, password?, hostname?, rootPem?, validationTime?, purpose?, mode?}, or the file
 * itself as the body (PEM, DER, .p7b, .p12) with ?hostname=&validationTime=&purpose=&mode= and an
 * X-Pkcs12-Password header.
 */
export const POST = apiRoute("view", async (request) => {
  const type = request.headers.get("content-type") ?? "";
  if (type.toLowerCase().startsWith("application/json")) {
    const body = parseInput(ZInspectInput, await readJson(request, ZInspectInput));
    const { pem, der, ...options } = body;
    return json(await inspect({ input: pem ?? new Uint8Array(Buffer.from(der!, "base64")), ...options }));
  }
  const bytes = await readBounded(request, MAX_UPLOAD_BYTES + 1);
  // readQuery only refuses unknown parameters; the schema turns validationTime into a Date.
  const { hostname, ...options } = parseInput(ZInspectUploadQuery, readQuery(request, ZInspectUploadQuery));
  return json(await inspect({ input: bytes, hostname, ...options, password: request.headers.get("x-pkcs12-password") ?? undefined }));
});
