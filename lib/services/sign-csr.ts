import { assertCan } from "../auth/actor";
import { x509 } from "../pki/crypto-provider";
import { normaliseSans, formatSans } from "../pki/names";
import { nameFromJson } from "../pki/subject-name";
import type { TIssueCertificateInput } from "../validations/certificate";
import { AppError } from "../errors";
import { readVerifiedCsr } from "../issuance/csr";
import { issue, type IssuanceResult } from "../issuance/issue";

/**
 * Signs a CSR: verify its self-signature (proof of possession) and key -> SANs (the operator's
 * edits, else the CSR's) -> the one issuance pipeline. The key never reaches cadesk.
 */
export async function signCsr(input: TIssueCertificateInput & { csrPem: string }, now: Date, via: "form" | "api"): Promise<IssuanceResult> {
  assertCan("issue", "sign CSRs");
  const csr = await readVerifiedCsr(input.csrPem);
  const commonName = input.commonName ?? (csr.commonName || undefined);
  const edited = input.sans && Object.values(input.sans).some((l) => l && l.length > 0);
  return issue({
    entryPoint: "csr",
    caId: input.caId,
    profile: input.profile,
    subject: subjectWithCommonName(csr.subject, commonName),
    sans: edited ? normaliseSans(input.sans!) : csr.sans,
    key: { kind: "csr", csr },
    validityDays: input.validityDays,
    audit: { action: "certificate.sign_csr", detail: { via } },
    now,
  });
}

/** The CSR's subject with its CN replaced when the operator typed another one. */
function subjectWithCommonName(subject: x509.Name, commonName: string | undefined): x509.Name {
  if (!commonName || subject.getField("CN")[0] === commonName) return subject;
  const rdns = subject.toJSON().filter((rdn) => !("CN" in rdn));
  return nameFromJson([...rdns, { CN: [commonName] }]);
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
