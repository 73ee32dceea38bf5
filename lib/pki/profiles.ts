export * from "./profiles-data";

/**
 * How far notBefore is set in the past. Clocks on real fleets drift, and "certificate is not yet
 * valid" right after issuance is a classic; step-ca backdates for the same reason.
 */
import { DAY } from "../time";

export const BACKDATE_MS = 5 * 60 * 1000;

export interface Validity {
  notBefore: Date;
  notAfter: Date;
  /** True when the requested lifetime was cut to end with the issuer's. */
  capped: boolean;
}

/**
 * The validity window for a new certificate: from slightly before `now` for `days` days, never
 * starting before or ending after the issuer (a certificate cannot outlive the CA that vouches for it).
 */
export function computeValidity(days: number, now: Date, issuer?: { notBefore: Date; notAfter: Date }): Validity {
  // X.509 times have whole seconds; rounding here keeps the stored columns equal to the certificate.
  const t = Math.floor(now.getTime() / 1000) * 1000;
  let notBefore = new Date(t - BACKDATE_MS);
  let notAfter = new Date(t + days * DAY);
  let capped = false;
  if (issuer) {
    if (notBefore < issuer.notBefore) notBefore = issuer.notBefore;
    if (notAfter > issuer.notAfter) {
      notAfter = issuer.notAfter;
      capped = true;
    }
  }
  return { notBefore, notAfter, capped };
}
