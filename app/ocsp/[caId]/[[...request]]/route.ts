import { pkiBytesRoute, plainTextAnswer, type PkiAnswer } from "@/lib/api/pki-route";
import { AppError, MAX_UPLOAD_BYTES, type ErrorCode } from "@/lib/errors";
import { ocspErrorResponse, type OcspErrorStatus } from "@/lib/pki/ocsp";
import { answerOcsp } from "@/lib/services/ocsp";

const answer = (body: Uint8Array): PkiAnswer => ({
  status: 200,
  headers: { "Content-Type": "application/ocsp-response", "Cache-Control": "max-age=300, public" },
  body,
});

/** OCSPResponseStatus for a failure (RFC 6960 4.2.1). */
const OCSP_STATUS_FOR: Partial<Record<ErrorCode, OcspErrorStatus>> = {
  INVALID_INPUT: "malformedRequest",
  NOT_FOUND: "unauthorized",
  FORBIDDEN: "unauthorized",
  UNAUTHORIZED: "unauthorized",
  TOO_MANY_REQUESTS: "tryLater",
  // The CA's HSM is out of reach: the client should ask again later (RFC 6960 2.3).
  KEY_UNAVAILABLE: "tryLater",
  INTERNAL: "internalError",
};

/**
 * A failure as OCSP clients understand it: an OCSPResponse with only a status (sent with HTTP
 * 200, as responders do, so clients read the status rather than a transport error), except a
 * body too large to read, which is refused at the HTTP level (413) before any of it is parsed.
 */
function ocspError(error: AppError): PkiAnswer {
  if (error.code === "PAYLOAD_TOO_LARGE") return plainTextAnswer(error);
  const status = OCSP_STATUS_FOR[error.code] ?? "malformedRequest";
  return {
    status: 200,
    headers: { "Content-Type": "application/ocsp-response", "Cache-Control": "no-store" },
    body: ocspErrorResponse(status),
  };
}

/** RFC 6960 A.1: GET with the DER request base64- and URL-encoded in the path. */
export const GET = pkiBytesRoute<{ caId: string; request?: string[] }>(ocspError, async (_request, { caId, request = [] }) => {
  let encoded: string;
  try {
    encoded = decodeURIComponent(request.join("/"));
  } catch {
    throw new AppError("INVALID_INPUT", "The OCSP request in the URL is not valid percent-encoding.");
  }
  return answer(await answerOcsp(caId, new Uint8Array(Buffer.from(encoded, "base64"))));
});

/** RFC 6960 A.1: POST with the DER request as the body (application/ocsp-request), at most 1 MiB. */
export const POST = pkiBytesRoute<{ caId: string }>(ocspError, async (request, { caId }) => {
  if (Number(request.header("content-length") ?? 0) > MAX_UPLOAD_BYTES) {
    throw new AppError("PAYLOAD_TOO_LARGE", "The OCSP request is larger than 1 MiB; a real one is a few hundred bytes.");
  }
  return answer(await answerOcsp(caId, await request.body()));
});
