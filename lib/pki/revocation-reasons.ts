/**
 * RFC 5280 5.3.1 revocation reasons with their codes (7 is unused), and their labels for forms.
 * Plain data, no crypto imports: the CRL signer, the OCSP responder, validation and the browser
 * all read this one table.
 */
export const REASON_CODES = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: 8,
  privilegeWithdrawn: 9,
  aACompromise: 10,
} as const;

export type RevocationReason = keyof typeof REASON_CODES;
export const REVOCATION_REASONS = Object.keys(REASON_CODES) as [RevocationReason, ...RevocationReason[]];

const LABELS: Record<RevocationReason, string> = {
  unspecified: "Unspecified",
  keyCompromise: "Key compromise",
  cACompromise: "CA compromise",
  affiliationChanged: "Affiliation changed",
  superseded: "Superseded",
  cessationOfOperation: "Cessation of operation",
  certificateHold: "Certificate hold (can be lifted)",
  removeFromCRL: "Remove from CRL",
  privilegeWithdrawn: "Privilege withdrawn",
  aACompromise: "AA compromise",
};

/** The reasons a person can pick: removeFromCRL is what lifting a hold does, not a choice. */
export const REVOCATION_REASON_OPTIONS = REVOCATION_REASONS.filter((r) => r !== "removeFromCRL").map((value) => ({
  value,
  label: LABELS[value],
}));
