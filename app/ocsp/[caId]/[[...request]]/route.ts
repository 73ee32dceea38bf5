import { MAX_UPLOAD_BYTES } from "@/lib/errors";
import { readBounded } from "@/lib/api/handler";
import { answerOcsp } from "@/lib/services/ocsp";

type Context = { params: Promise<{ caId: string; request?: string[] }> };

const respond = (body: Uint8Array) =>
  new Response(Buffer.from(body), { headers: { "Content-Type": "application/ocsp-response", "Cache-Control": "max-age=300, public" } });

/** RFC 6960 A.1: GET with the DER request base64- and URL-encoded in the path. */
export async function GET(_request: Request, { params }: Context) {
  const { caId, request = [] } = await params;
  const encoded = decodeURIComponent(request.join("/"));
  return respond(await answerOcsp(caId, new Uint8Array(Buffer.from(encoded, "base64"))));
}

/** RFC 6960 A.1: POST with the DER request as the body (application/ocsp-request). */
export async function POST(request: Request, { params }: Context) {
  const { caId } = await params;
  return respond(await answerOcsp(caId, await readBounded(request, MAX_UPLOAD_BYTES)));
}
