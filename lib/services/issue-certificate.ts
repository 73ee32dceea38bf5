import { assertCan, currentActor } from "../auth/actor";
import { AppError } from "../errors";
import { issue, type IssuanceResult } from "../issuance/issue";
import { returnsKeyToCaller } from "../issuance/key-delivery";
import { buildName, normaliseSans } from "../pki/names";
import { parseInput } from "../validations/parse";
import { ZIssueCertificateInput } from "../validations/certificate";
import { signCsr } from "./sign-csr";

/** What an issuance returns (the name the API, forms and tests know it by). */
export type IssuedCertificate = IssuanceResult;

/**
 * Issues a certificate from the form or the JSON API: with `csrPem` the requester's CSR is signed
 * and no key is made; without it a key pair is generated here. Both go through the one pipeline.
 * A generated key comes back in `privateKeyPem` exactly when it goes to the caller in this
 * response (lib/issuance/key-delivery.ts), and the issuance's audit event says whether it did.
 */
export async function issueCertificate(raw: unknown, now = new Date(), via: "form" | "api" = "api"): Promise<IssuedCertificate> {
  assertCan("issue", "issue certificates");
  const input = parseInput(ZIssueCertificateInput, raw);
  const { csrPem } = input;
  if (csrPem) return signCsr({ ...input, csrPem }, now, via);
  if (!input.commonName) throw new AppError("INVALID_INPUT", "Common Name is required.", "commonName");
  const keyReturned = returnsKeyToCaller(via, input.keepPrivateKey, currentActor().role);
  const issued = await issue({
    entryPoint: via,
    caId: input.caId,
    profile: input.profile,
    subject: buildName({ commonName: input.commonName, organization: input.organization, organizationalUnit: input.organizationalUnit }),
    sans: normaliseSans(input.sans ?? {}),
    key: { kind: "generate", keyType: input.keyType },
    validityDays: input.validityDays,
    keepKey: input.keepPrivateKey,
    audit: { action: "certificate.issue", detail: { keyReturned } },
    now,
  });
  return keyReturned ? issued : { ...issued, privateKeyPem: undefined };
}
