import { textErrorResponse } from "@/lib/api/respond";
import { parsePemBlocks } from "@/lib/pki/pem";
import { currentCrl } from "@/lib/services/crl";

/** The CA's CRL over plain HTTP, unauthenticated as RFC 5280 expects: DER, or PEM with ?format=pem. */
export async function GET(request: Request, { params }: { params: Promise<{ caId: string }> }) {
  try {
    const pem = await currentCrl((await params).caId);
    const asPem = new URL(request.url).searchParams.get("format") === "pem";
    return new Response(asPem ? pem : Buffer.from(parsePemBlocks(pem)[0]!.der), {
      headers: { "Content-Type": asPem ? "application/x-pem-file" : "application/pkix-crl", "Cache-Control": "public, max-age=300" },
    });
  } catch (error) {
    return textErrorResponse(error);
  }
}
