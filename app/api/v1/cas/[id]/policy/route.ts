import { apiRoute, readJson } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { authorityPolicy } from "@/lib/data/authority-policy";
import { findAuthority } from "@/lib/data/find";
import { setAuthorityPolicy } from "@/lib/services/set-authority-policy";
import { ZIssuancePolicy } from "@/lib/validations/policy";

/** The CA's issuance policy: `{}` when it sets no rule. */
export const GET = apiRoute("view", async (_request, { id }) => json(authorityPolicy(await findAuthority(id!, "id"))));

/** Replaces the policy (rules left out are lifted); admins only, audited as ca.policy. */
export const PUT = apiRoute("manage_cas", async (request, { id }) =>
  json(await setAuthorityPolicy(id!, await readJson(request, ZIssuancePolicy))),
);
