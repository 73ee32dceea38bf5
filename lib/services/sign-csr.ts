import { assertCan } from "../auth/actor";
import { x509 } from "../pki/crypto-provider";
import { checkCsrKey, parseCsr, verifyCsrSignature, type ParsedCsr } from "../pki/csr";
import { normaliseSans, formatSans } from "../pki/names";
import type { TIssueCertificateInput } from "../validations/certificate";
import { AppError } from "../errors";
import type { IssuedCertificate } from "./issue-certificate";
import { loadIssuer } from "./issuer";
import { leafSans, leafValidity, signAndStoreLeaf } from "./leaf-issuance";

/**
 * Signs a CSR: parse -> verify its self-signature (proof of possession) -> check its key -> SANs
 * (the operator's edits, else the CSR's) -> validity -> sign -> save. The key never reaches cadesk.
 */
export async function signCsrWithInput(input: TIssueCertificateInput, now: Date): Promise<IssuedCertificate> {
  const csr = await readVerifiedCsr(input.csrPem!);
  const commonName = input.commonName ?? (csr.commonName || undefined);
  const requested = input.sans && Object.values(input.sans).some((l) => l && l.length > 0) ? normaliseSans(input.sans) : csr.sans;
  const sans = leafSans(input.profile, commonName, requested);
  const issuer = await loadIssuer(input.caId, now);
  const validity = leafValidity(input.validityDays, issuer, now);
  const certificate = await signAndStoreLeaf({
    issuer,
    subject: subjectWithCommonName(csr.subject, commonName),
    publicKey: csr.request.publicKey,
    sans,
    profile: input.profile,
    validity,
    keyType: csr.keyInfo.keyType ?? csr.keyInfo.label,
    source: "csr",
    audit: { action: "certificate.sign_csr" },
  });
  return { certificate, warnings: validity.warnings };
}

async function readVerifiedCsr(pem: string): Promise<ParsedCsr> {
  const csr = parseCsr(pem);
  await verifyCsrSignature(csr);
  checkCsrKey(csr.keyInfo);
  return csr;
}

/** The CSR's subject with its CN replaced when the operator typed another one. */
function subjectWithCommonName(subject: x509.Name, commonName: string | undefined): x509.Name {
  if (!commonName || subject.getField("CN")[0] === commonName) return subject;
  const rdns = subject.toJSON().filter((rdn) => !("CN" in rdn));
  return new x509.Name([...rdns, { CN: [commonName] }]);
}

export interface CsrPreview {
  subject: string;
  commonName: string;
  sans: string;
  sanText: string;
  key: string;
  signatureAlgorithm: string;
  ignoredSans: string[];
}

/** What a CSR asks for, shown to the operator before signing. Refuses what signing would refuse. */
export async function previewCsr(pem: string): Promise<CsrPreview> {
  assertCan("issue", "sign CSRs");
  if (!pem?.trim()) throw new AppError("INVALID_INPUT", "Paste a CSR or choose a file.", "csr");
  const csr = await readVerifiedCsr(pem);
  return {
    subject: csr.subjectText || "(empty)",
    commonName: csr.commonName,
    sans: formatSans(csr.sans) || "(none)",
    sanText: csr.sans.map((s) => s.value).join("\n"),
    key: csr.keyInfo.label,
    signatureAlgorithm: csr.signatureAlgorithm,
    ignoredSans: csr.ignoredSans,
  };
}
