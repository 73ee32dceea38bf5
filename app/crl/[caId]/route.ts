import { pkiRoute, plainTextError } from "@/lib/api/pki-route";
import { AppError } from "@/lib/errors";
import { parsePemBlocks } from "@/lib/pki/pem";
import { currentCrl } from "@/lib/services/crl";

/** The CA's CRL over plain HTTP, unauthenticated as RFC 5280 expects: DER, or PEM with ?format=pem. */
export const GET = pkiRoute<{ caId: string }>(plainTextError, async (request, { caId }) => {
  const format = new URL(request.url).searchParams.get("format") ?? "der";
  if (format !== "der" && format !== "pem") throw new AppError("INVALID_INPUT", 'format must be "der" (the default) or "pem".', "format");
  const pem = await currentCrl(caId);
  return new Response(format === "pem" ? pem : Buffer.from(parsePemBlocks(pem)[0]!.der), {
    headers: {
      "Content-Type": format === "pem" ? "application/x-pem-file" : "application/pkix-crl",
      "Cache-Control": "public, max-age=300",
    },
  });
});
