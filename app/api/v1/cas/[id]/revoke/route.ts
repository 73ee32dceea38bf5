import { apiRoute, readJson } from "@/lib/api/handler";
import { presentAuthority } from "@/lib/api/present";
import { json } from "@/lib/api/respond";
import { revokeAuthority } from "@/lib/services/revoke-authority";
import { ZRevokeInput } from "@/lib/validations/lifecycle";

/** {reason}: revokes an intermediate CA; its parent's CRL is signed anew. */
export const POST = apiRoute("manage_cas", async (request, { id }) =>
  json(presentAuthority(await revokeAuthority(id!, await readJson(request, ZRevokeInput)))),
);
