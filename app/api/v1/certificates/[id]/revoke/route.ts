import { apiRoute, readJson } from "@/lib/api/handler";
import { presentCertificate } from "@/lib/api/present";
import { json } from "@/lib/api/respond";
import { liftHold, revokeCertificate } from "@/lib/services/revoke-certificate";
import { ZRevokeInput } from "@/lib/validations/lifecycle";

/** {reason}: revokes, and the CA's CRL is signed anew at once. */
export const POST = apiRoute("issue", async (request, { id }) =>
  json(presentCertificate(await revokeCertificate(id!, await readJson(request, ZRevokeInput)))),
);

/** Lifts a certificateHold. */
export const DELETE = apiRoute("issue", async (_request, { id }) => json(presentCertificate(await liftHold(id!))));
