import { computeValidity, LONG_LEAF_WARNING_DAYS, type Validity } from "../pki/profiles";

export interface LeafValidity extends Validity {
  warnings: string[];
}

/**
 * A leaf's validity window (computeValidity: backdated, within the issuer's), with the warnings
 * the requester should see: shortened to end with the CA, or longer than public CAs allow.
 */
export function leafValidity(days: number, issuer: { commonName: string; notBefore: Date; notAfter: Date }, now: Date): LeafValidity {
  const validity = computeValidity(days, now, issuer);
  const warnings: string[] = [];
  if (validity.capped) {
    warnings.push(
      `The validity was shortened to end with the CA "${issuer.commonName}" on ${validity.notAfter.toISOString().slice(0, 10)}: a certificate cannot outlive its issuer.`,
    );
  }
  if (days > LONG_LEAF_WARNING_DAYS) {
    warnings.push(
      `${days} days is longer than the ${LONG_LEAF_WARNING_DAYS}-day limit public CAs apply since March 2026; shorter lifetimes limit the damage of a leaked key.`,
    );
  }
  return { ...validity, warnings };
}
