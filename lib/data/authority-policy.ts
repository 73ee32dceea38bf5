import type { Authority } from "@/generated/prisma/client";
import { storedPolicy } from "../policy/checks";
import type { IssuancePolicyRules } from "../policy/rules";

/** A CA's issuance policy as the API and the CA page show it: `{}` when no rule is set. */
export function authorityPolicy(authority: Pick<Authority, "issuancePolicy" | "commonName">): IssuancePolicyRules {
  return storedPolicy(authority) ?? {};
}
