import { presentNameConstraints, type AuthorityNameConstraints } from "../policy/name-constraints";
import type { IssuancePolicyRules } from "../policy/rules";
import { authorityPolicy } from "./authority-policy";
import { authorityChain } from "./find";

export interface AuthorityNameRules {
  /** This CA's own Name Constraints, as its certificate carries them. */
  own: AuthorityNameConstraints | null;
  /** Constraints of the CAs above it, nearest first: they bind this CA too (RFC 5280 6.1.4). */
  inherited: { id: string; commonName: string; constraints: AuthorityNameConstraints }[];
  policy: IssuancePolicyRules;
}

/** What limits the names and requests a CA signs, for its page. */
export async function authorityNameRules(id: string): Promise<AuthorityNameRules | null> {
  const [self, ...parents] = await authorityChain(id);
  if (!self) return null;
  return {
    own: presentNameConstraints(self),
    inherited: parents.flatMap((p) => {
      const constraints = presentNameConstraints(p);
      return constraints ? [{ id: p.id, commonName: p.commonName, constraints }] : [];
    }),
    policy: authorityPolicy(self),
  };
}
