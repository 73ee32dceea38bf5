/** Revocation reasons for forms: plain data, no crypto imports, so the browser can use it. */
export const REVOCATION_REASON_OPTIONS = [
  { value: "unspecified", label: "Unspecified" },
  { value: "keyCompromise", label: "Key compromise" },
  { value: "cACompromise", label: "CA compromise" },
  { value: "affiliationChanged", label: "Affiliation changed" },
  { value: "superseded", label: "Superseded" },
  { value: "cessationOfOperation", label: "Cessation of operation" },
  { value: "certificateHold", label: "Certificate hold (can be lifted)" },
  { value: "privilegeWithdrawn", label: "Privilege withdrawn" },
  { value: "aACompromise", label: "AA compromise" },
];
