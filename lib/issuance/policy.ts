/**
 * The policy hook of the pipeline: named checks that run once the names and the issuer are known,
 * before anything is generated or signed. Each may refuse with an AppError saying what is not
 * allowed and what to do instead. Global checks (name constraints of the CA, per-CA policy) go in
 * ISSUANCE_POLICY_CHECKS; checks of one entry point (an ACME endpoint's identifier rules) come in
 * the request's `policy`.
 */
import type { x509 } from "../pki/crypto-provider";
import type { San } from "../pki/names";
import type { LoadedIssuer } from "../services/issuer";
import { AppError } from "../errors";
import type { IssuanceRequest } from "./request";
import { issuancePolicyCheck, nameConstraintsCheck } from "../policy/checks";

export interface IssuancePolicyContext {
  request: IssuanceRequest;
  subject: x509.Name;
  commonName: string | undefined;
  /** The SAN list as it will be signed. */
  sans: San[];
  issuer: LoadedIssuer;
  /** The key type as stored ("ecdsa-p256", or a CSR key's label such as "RSA 3072"). */
  keyType: string;
  now: Date;
}

export interface IssuancePolicyCheck {
  /** Short and stable: it names the check in errors and in the audit log. */
  name: string;
  check(context: IssuancePolicyContext): void | Promise<void>;
}

/**
 * Checks every issuance passes, in order: the name constraints of the whole chain (what clients
 * enforce, RFC 5280 4.2.1.10), then the issuing CA's own policy (what the CA's admin allows).
 */
export const ISSUANCE_POLICY_CHECKS: IssuancePolicyCheck[] = [nameConstraintsCheck, issuancePolicyCheck];

/**
 * Runs the checks in order; the first refusal stops issuance. A check that fails with anything
 * but an AppError is a bug: it is reported as INTERNAL, naming the check, rather than let through.
 */
export async function runPolicyChecks(context: IssuancePolicyContext, checks: readonly IssuancePolicyCheck[]): Promise<string[]> {
  const passed: string[] = [];
  for (const policy of checks) {
    try {
      // Only a check that returns a promise is awaited: the usual ones are synchronous.
      const pending = policy.check(context);
      if (pending) await pending;
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError("INTERNAL", `The issuance policy check "${policy.name}" failed: ${(error as Error).message}`);
    }
    passed.push(policy.name);
  }
  return passed;
}
