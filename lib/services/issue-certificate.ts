import { assertCan } from "../auth/actor";
import type { Certificate } from "@/generated/prisma/client";
import { AppError } from "../errors";
import { generateKeyPair, privateKeyPem } from "../pki/keys";
import { buildName, normaliseSans } from "../pki/names";
import { parseInput } from "../validations/parse";
import { ZIssueCertificateInput, type TIssueCertificateInput } from "../validations/certificate";
import { loadIssuer } from "./issuer";
import { leafSans, leafValidity, signAndStoreLeaf } from "./leaf-issuance";
import { signCsrWithInput } from "./sign-csr";

export interface IssuedCertificate {
  certificate: Certificate;
  /** The new private key, present when cadesk generated it (returned even when it is kept). */
  privateKeyPem?: string;
  warnings: string[];
}

/**
 * Issues a certificate, the API's single entry point: with `csrPem` the requester's CSR is signed
 * and no key is made; without it a key pair is generated here.
 */
export async function issueCertificate(raw: unknown, now = new Date()): Promise<IssuedCertificate> {
  assertCan("issue", "issue certificates");
  const input = parseInput(ZIssueCertificateInput, raw);
  return input.csrPem ? signCsrWithInput(input, now) : issueWithNewKey(input, now);
}

/** validate -> resolve issuer -> SANs -> validity -> generate key -> sign -> save. */
async function issueWithNewKey(input: TIssueCertificateInput, now: Date): Promise<IssuedCertificate> {
  if (!input.commonName) throw new AppError("INVALID_INPUT", "Common Name is required.", "commonName");
  const sans = leafSans(input.profile, input.commonName, normaliseSans(input.sans ?? {}));
  const issuer = await loadIssuer(input.caId, now);
  const validity = leafValidity(input.validityDays, issuer, now);
  const key = await generateKeyPair(input.keyType);
  const certificate = await signAndStoreLeaf({
    issuer,
    subject: buildName({ commonName: input.commonName, organization: input.organization, organizationalUnit: input.organizationalUnit }),
    publicKey: key.keys.publicKey,
    sans,
    profile: input.profile,
    validity,
    keyType: input.keyType,
    source: "generated",
    keepKey: input.keepPrivateKey ? key.pkcs8 : undefined,
    audit: { action: "certificate.issue" },
  });
  return { certificate, privateKeyPem: privateKeyPem(key.pkcs8), warnings: validity.warnings };
}
