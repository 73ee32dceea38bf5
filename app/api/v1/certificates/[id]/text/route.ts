import { apiRoute } from "@/lib/api/handler";
import { storedCertificateText } from "@/lib/services/certificate-text";

/** The certificate as `openssl x509 -text -noout` prints it. */
export const GET = apiRoute(
  "view",
  async (_request, { id }) =>
    new Response(await storedCertificateText(id!), {
      headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
    }),
);
