import { pkiRoute, plainTextError } from "@/lib/api/pki-route";
import { fileResponse } from "@/lib/api/respond";
import { exportAuthorityCertificate } from "@/lib/services/export-certificate";

/** The CA certificate (DER) that Authority Information Access "CA Issuers" points at. */
export const GET = pkiRoute<{ caId: string }>(plainTextError, async (_request, { caId }) =>
  fileResponse(await exportAuthorityCertificate(caId, "der")),
);
