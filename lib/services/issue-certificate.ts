import { assertCan } from "../auth/actor";
import { AppError } from "../errors";
import { issue, type IssuanceResult } from "../issuance/issue";
import { buildName, normaliseSans } from "../pki/names";
import { parseInput } from "../validations/parse";
import { ZIssueCertificateInput } from "../validations/certificate";
import { signCsr } from "./sign-csr";

/** What an issuance returns (the name the API, forms and tests know it by). */
export type IssuedCertificate = IssuanceResult;

/**
 * Issues a certificate from the form or the JSON API: with `csrPem` the requester's CSR is signed
 * and no key is made; without it a key pair is generated here. Both go through the one pipeline.
 */
export async function issueCertificate(raw: unknown, now = new Date(), via: "form" | "api" = "api"): Promise<IssuedCertificate> {
  assertCan("issue", "issue certificates");
  const input = parseInput(ZIssueCertificateInput, raw);
  const { csrPem } = input;
  if (csrPem) return signCsr({ ...input, csrPem }, now, via);
  if (!input.commonName) throw new AppError("INVALID_INPUT", "Common Name is required.", "commonName");
  return issue({
    entryPoint: via,
    caId: input.caId,
    profile: input.profile,
    subject: buildName({ commonName: input.commonName, organization: input.organization, organizationalUnit: input.organizationalUnit }),
    sans: normaliseSans(input.sans ?? {}),
    key: { kind: "generate", keyType: input.keyType },
    validityDays: input.validityDays,
    keepKey: input.keepPrivateKey,
    audit: { action: "certificate.issue" },
    now,
  });
}
