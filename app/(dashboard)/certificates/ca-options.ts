import type { Actor } from "@/lib/auth/actor";
import { mayUseAuthority } from "@/lib/auth/roles";
import { listAuthorities } from "@/lib/data/authorities";
import type { CaOption } from "../../ui/leaf-fields";

/**
 * CAs this user can issue from now (not expired or revoked, and, for an operator, not limited to
 * others), labelled with their place in the hierarchy.
 */
export async function issuingCaOptions(user: Actor): Promise<CaOption[]> {
  return (await listAuthorities())
    .filter((a) => a.daysLeft >= 0 && !a.revoked)
    .filter((a) => mayUseAuthority(user, a.operatorIds))
    .map((a) => ({
      value: a.id,
      label: `${"\u2003".repeat(a.depth)}${a.commonName}${a.depth === 0 ? " (root)" : ""}`,
      notAfter: a.notAfter.toISOString(),
    }));
}
