/**
 * ACME profiles (draft-ietf-acme-profiles): names an endpoint offers in the directory's
 * `meta.profiles` (name -> description) and newOrder's `profile` selects. Each maps to a cadesk
 * certificate profile and, for short-lived certificates, a fixed lifetime. Plain data with no
 * server imports, so the dashboard's forms can list the same choices.
 */
import type { LeafProfile } from "../pki/profiles-data";

export interface AcmeProfileSpec {
  description: string;
  certificateProfile: LeafProfile;
  /** A fixed lifetime in days that overrides the endpoint's default (still capped by its maximum). */
  validityDays?: number;
}

export const ACME_PROFILES = {
  tlsserver: {
    description: "TLS server certificate (serverAuth), the endpoint's default lifetime.",
    certificateProfile: "server",
  },
  "tls-server-client": {
    description: "TLS server and client certificate (serverAuth + clientAuth) for mTLS peers.",
    certificateProfile: "server-client",
  },
  shortlived: {
    description: "TLS server certificate that lives 7 days: renew often, never revoke.",
    certificateProfile: "server",
    validityDays: 7,
  },
} as const satisfies Record<string, AcmeProfileSpec>;

export type AcmeProfileName = keyof typeof ACME_PROFILES;
export const ACME_PROFILE_NAMES = Object.keys(ACME_PROFILES) as AcmeProfileName[];

export const ACME_CHALLENGE_TYPES = ["http-01", "dns-01", "tls-alpn-01"] as const;
export type AcmeChallengeType = (typeof ACME_CHALLENGE_TYPES)[number];

/** An endpoint's lifetimes when none is given: 90 days like public CAs, at most 397 (CA/B BR 6.3.2 before 2026). */
export const ACME_DEFAULT_VALIDITY_DAYS = 90;
export const ACME_DEFAULT_MAX_VALIDITY_DAYS = 397;

export function isAcmeProfile(name: string): name is AcmeProfileName {
  return Object.hasOwn(ACME_PROFILES, name);
}
