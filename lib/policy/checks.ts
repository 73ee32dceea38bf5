/**
 * The two checks every issuance passes (registered in lib/issuance/policy.ts): the name
 * constraints of the issuing CA and all its parents, then the issuing CA's own issuance policy.
 * ACME calls the same functions when an order is created, so out-of-scope identifiers are refused
 * before any challenge is offered.
 */
import type { Authority } from "@/generated/prisma/client";
import { AppError } from "../errors";
import type { San } from "../pki/names";
import type { IssuancePolicyCheck } from "../issuance/policy";
import { assertNamesAllowed, chainConstraints, findNameViolation, sanAsGeneralName, subjectAsGeneralName } from "./name-constraints";
import { namesRefusal, policyRefusal, type IssuancePolicyRules } from "./rules";

/** The policy stored on a CA row, or null when it sets no rule. */
export function storedPolicy(authority: Pick<Authority, "issuancePolicy" | "commonName">): IssuancePolicyRules | null {
  if (!authority.issuancePolicy) return null;
  try {
    return JSON.parse(authority.issuancePolicy) as IssuancePolicyRules;
  } catch {
    // Fail closed: a policy that cannot be read must not silently allow everything.
    throw new AppError(
      "INTERNAL",
      `The issuance policy of the CA "${authority.commonName}" cannot be read; an admin should save it again on the CA's page.`,
    );
  }
}

/**
 * OpenSSL's rule (crypto/x509/v3_ncons.c, NAME_CONSTRAINTS_check_CN): a certificate with no DNS
 * name in its SAN has a CN that looks like a host name (dotted labels) checked against the DNS
 * constraints as if it were one. Measured with openssl verify here: CN=10.2.3.4 with only an IP
 * SAN fails "permitted subtree violation" under a CA that permits DNS "internal".
 */
const HOSTLIKE_CN = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+$/;

/** Refuses names (SANs, the CN as OpenSSL reads it, the subject for directoryName constraints) outside the chain's name constraints. */
export async function assertChainAllows(
  authorityId: string,
  sans: San[],
  subject?: Parameters<typeof subjectAsGeneralName>[0],
  commonName?: string,
  chain?: Authority[],
): Promise<void> {
  const sources = await chainConstraints(authorityId, chain);
  if (sources.length === 0) return;
  const names = sans.map(sanAsGeneralName);
  const all = sources.flatMap((s) => [...s.constraints.permitted, ...s.constraints.excluded]);
  const dn = subject && all.some((c) => c.type === "dn") ? subjectAsGeneralName(subject) : undefined;
  assertNamesAllowed(dn ? [...names, dn] : names, sources);
  if (commonName && HOSTLIKE_CN.test(commonName) && !sans.some((s) => s.type === "dns") && all.some((c) => c.type === "dns")) {
    const violation = findNameViolation([{ type: "dns", value: commonName.toLowerCase(), wellFormed: true }], sources);
    if (violation)
      throw new AppError(
        "NAME_NOT_ALLOWED",
        `The Common Name "${commonName}" would make OpenSSL refuse the certificate: with no DNS name in the SAN, OpenSSL checks a Common Name that looks like a host name against DNS name constraints, and the CA "${violation.authority}" has the ${violation.constraint}. Use a Common Name that is not a host name (such as "Database server"), or add a DNS name inside the constraints to the SAN.`,
        "commonName",
      );
  }
}

/** Refuses what the CA's policy does not allow, with NAME_NOT_ALLOWED or POLICY_VIOLATION naming the rule. */
export function assertPolicyAllows(
  authority: Pick<Authority, "issuancePolicy" | "commonName">,
  request: { sans: San[]; keyType: string; profile: string; validityDays: number },
): void {
  const rules = storedPolicy(authority);
  if (!rules) return;
  const refusal = policyRefusal(rules, request, authority.commonName);
  if (refusal) throw new AppError(refusal.code, refusal.message, refusal.field);
}

export const nameConstraintsCheck: IssuancePolicyCheck = {
  name: "name-constraints",
  check: (ctx) => assertChainAllows(ctx.issuer.authority.id, ctx.sans, ctx.subject, ctx.commonName, ctx.issuer.chain),
};

export const issuancePolicyCheck: IssuancePolicyCheck = {
  name: "ca-policy",
  check: (ctx) =>
    assertPolicyAllows(ctx.issuer.authority, {
      sans: ctx.sans,
      keyType: ctx.keyType,
      profile: ctx.request.profile,
      validityDays: ctx.request.validityDays,
    }),
};

/**
 * For ACME's newOrder: why the CA would refuse this one name (its chain's name constraints or its
 * policy's name rules), or undefined. The same checks run again at finalize, in the pipeline.
 */
export async function nameRefusalForCa(
  authority: Pick<Authority, "id" | "issuancePolicy" | "commonName">,
  san: San,
): Promise<string | undefined> {
  try {
    await assertChainAllows(authority.id, [san]);
  } catch (error) {
    if (error instanceof AppError && error.code === "NAME_NOT_ALLOWED") return error.message;
    throw error;
  }
  const rules = storedPolicy(authority);
  return rules ? namesRefusal(rules, [san], authority.commonName)?.message : undefined;
}
