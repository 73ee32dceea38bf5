/**
 * What every way of issuing a leaf certificate hands to the one pipeline (issue.ts), in the spirit
 * of smallstep's `Sign(csr, signOpts, extraOpts...)`: the entry point, the CA, the profile, the
 * names, where the key comes from, the lifetime, and what the audit log should say.
 */
import type { x509 } from "../pki/crypto-provider";
import type { ParsedCsr } from "../pki/csr";
import type { KeyType } from "../pki/key-types";
import type { San } from "../pki/names";
import type { LeafProfile } from "../pki/profiles";
import type { IssuancePolicyCheck } from "./policy";

export const ENTRY_POINTS = ["form", "api", "csr", "renewal", "acme", "bulk"] as const;
/** Which door the request came through: recorded in the audit event, and what endpoint policies key on. */
export type EntryPoint = (typeof ENTRY_POINTS)[number];

/** A CSR whose self-signature verified and whose key is acceptable (only verifyCsr makes one). */
export type VerifiedCsr = ParsedCsr & { readonly verified: true };

/** Where the certificate's public key comes from. */
export type KeySource =
  /** cadesk generates a key pair of this type; the private key is returned (and kept sealed if asked). */
  | { kind: "generate"; keyType: KeyType }
  /** The requester's verified CSR: the key never reaches cadesk. */
  | { kind: "csr"; csr: VerifiedCsr }
  /** A public key already bound to a certificate cadesk issued (renewal of a CSR-issued certificate). */
  | { kind: "publicKey"; publicKey: x509.PublicKey; keyType: string; source: "generated" | "csr" };

/** Ids the audit event links to, beyond the certificate and the CA (ACME passes its account and order). */
export type IssuanceLinks = Record<string, string | number | boolean | null>;

export interface IssuanceRequest {
  entryPoint: EntryPoint;
  caId: string;
  profile: LeafProfile;
  /** The subject DN as it goes into the certificate (its CN, if any, is considered for the SAN). */
  subject: x509.Name;
  /** The names asked for, before the profile's rules (the CN may be added, an empty list refused). */
  sans: San[];
  key: KeySource;
  validityDays: number;
  /** Keep a generated private key sealed in the store for later downloads. */
  keepKey?: boolean;
  /** The certificate this one renews (linked both ways in the store). */
  renewedFromId?: string;
  /** The audit event's action (certificate.issue, certificate.sign_csr ...) and extra detail. */
  audit: { action: string; detail?: Record<string, unknown> };
  links?: IssuanceLinks;
  /** Checks for this request only (an ACME endpoint's identifier policy ...), run after the global ones. */
  policy?: IssuancePolicyCheck[];
  now?: Date;
}
