import { x509 } from "./crypto-provider";

/**
 * Issuance profiles as data, in the manner of cfssl signing profiles and smallstep templates:
 * what a certificate may be used for and how long it lives by default.
 */
export const LEAF_PROFILES = ["server", "client", "server-client"] as const;
export type LeafProfile = (typeof LEAF_PROFILES)[number];

export interface LeafProfileSpec {
  label: string;
  description: string;
  extendedKeyUsages: string[];
  /** A TLS server is found by name, so it must carry at least one DNS name or IP address. */
  needsHostName: boolean;
}

export const PROFILE_SPECS: Record<LeafProfile, LeafProfileSpec> = {
  server: {
    label: "TLS server",
    description: "A service that accepts TLS connections (serverAuth).",
    extendedKeyUsages: [x509.ExtendedKeyUsage.serverAuth],
    needsHostName: true,
  },
  client: {
    label: "TLS client",
    description: "A service or person proving its identity to an mTLS server (clientAuth).",
    extendedKeyUsages: [x509.ExtendedKeyUsage.clientAuth],
    needsHostName: false,
  },
  "server-client": {
    label: "Server + client (mTLS peer)",
    description: "A service that both serves and calls other services over mTLS.",
    extendedKeyUsages: [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth],
    needsHostName: true,
  },
};

/** Leaf validity presets in days. 90 is the default; 200 days is the public CA limit since March 2026. */
export const VALIDITY_PRESETS = [30, 90, 200, 365] as const;
export const DEFAULT_LEAF_DAYS = 90;
export const LONG_LEAF_WARNING_DAYS = 200;
export const MAX_LEAF_DAYS = 3650;

export const DEFAULT_ROOT_DAYS = 3650;
export const DEFAULT_INTERMEDIATE_DAYS = 1825;
export const MAX_CA_DAYS = 36500;

/**
 * How far notBefore is set in the past. Clocks on real fleets drift, and "certificate is not yet
 * valid" right after issuance is a classic; step-ca backdates for the same reason.
 */
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
  let notAfter = new Date(t + days * 86_400_000);
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
