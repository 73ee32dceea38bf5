/**
 * Issuance profiles as data, in the manner of cfssl signing profiles and smallstep templates:
 * what a certificate may be used for and how long it lives by default. Plain data with no crypto
 * imports, so forms in the browser can show the same choices.
 */
import { EKU } from "./oids";

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
    extendedKeyUsages: [EKU.serverAuth],
    needsHostName: true,
  },
  client: {
    label: "TLS client",
    description: "A service or person proving its identity to an mTLS server (clientAuth).",
    extendedKeyUsages: [EKU.clientAuth],
    needsHostName: false,
  },
  "server-client": {
    label: "Server + client (mTLS peer)",
    description: "A service that both serves and calls other services over mTLS (serverAuth + clientAuth).",
    extendedKeyUsages: [EKU.serverAuth, EKU.clientAuth],
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
