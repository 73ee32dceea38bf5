import { parseCsr } from "../pki/csr";
import { suggestedProfile, type CsrRequested } from "../pki/csr-review";
import type { LeafProfile } from "../pki/profiles-data";
import { previewCsr, type CsrPreview } from "./sign-csr";

export interface CsrReview extends CsrPreview {
  /** Subject attributes, usages and extensions asked for; the form shows which the profile keeps. */
  requested: CsrRequested;
  /** The profile matching the requested extended key usages: the form's default. */
  suggestedProfile: LeafProfile;
  /** RSA keys also get keyEncipherment on server profiles. */
  rsaKey: boolean;
}

/** Everything a CSR asks for, names and beyond, before the operator signs it. Refuses what signing would refuse. */
export async function reviewCsr(pem: string): Promise<CsrReview> {
  const preview = await previewCsr(pem);
  const csr = parseCsr(pem);
  return {
    ...preview,
    requested: csr.requested,
    suggestedProfile: suggestedProfile(csr.requested),
    rsaKey: csr.keyInfo.algorithm === "RSA",
  };
}
