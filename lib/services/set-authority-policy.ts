import { assertCan, assertRecentAuth } from "../auth/actor";
import { findAuthority } from "../data/find";
import { getDb } from "../db";
import { parseInput } from "../validations/parse";
import { ZIssuancePolicy, type TIssuancePolicy } from "../validations/policy";
import { audit, checkSensitive } from "./audit";

/** The rules that are set (absent ones dropped), so `{}` reads as "no policy". */
function definedRules(policy: TIssuancePolicy): TIssuancePolicy {
  return Object.fromEntries(Object.entries(policy).filter(([, v]) => v !== undefined)) as TIssuancePolicy;
}

/**
 * Replaces a CA's issuance policy (PUT semantics: rules not given are lifted). Changing what a CA
 * may sign is as sensitive as creating one: admins only, with a recent password, and audited with
 * the rules before and after.
 */
export async function setAuthorityPolicy(id: string, raw: unknown, now = new Date()): Promise<TIssuancePolicy> {
  await checkSensitive(
    { action: "ca.policy", objectType: "authority", objectId: id },
    () => assertCan("manage_cas", "change a CA's issuance policy"),
    () => assertRecentAuth(now),
  );
  const policy = definedRules(parseInput(ZIssuancePolicy, raw));
  const authority = await findAuthority(id, "id");
  const before = authority.issuancePolicy ? (JSON.parse(authority.issuancePolicy) as TIssuancePolicy) : {};
  const stored = Object.keys(policy).length ? JSON.stringify(policy) : null;
  await getDb().authority.update({ where: { id }, data: { issuancePolicy: stored } });
  await audit({
    action: "ca.policy",
    objectType: "authority",
    objectId: id,
    objectLabel: authority.commonName,
    detail: { before, after: policy },
  });
  return policy;
}
