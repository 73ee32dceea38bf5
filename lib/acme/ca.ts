/**
 * The CA side of ACME: the only place the protocol turns an order into a certificate or revokes
 * one. Issuance goes through cadesk's issuance steps (issuer checks, validity capped by the CA,
 * storage with its audit event in one transaction), like the form and the JSON API.
 */
import type { AcmeEndpoint, Certificate } from "@/generated/prisma/client";
import { getDb } from "../db";
import { x509 } from "../pki/crypto-provider";
import type { San } from "../pki/names";
import { REASON_CODES, type RevocationReason } from "../pki/revocation-reasons";
import { audit } from "../services/audit";
import { publishCrl } from "../services/crl";
import { AppError } from "../errors";
import type { VerifiedCsr } from "../issuance/request";
import { issue } from "../issuance/issue";
import { AcmeProblem, type AcmeIdentifier } from "./problem";
import { ACME_PROFILES, type AcmeProfileName } from "./profiles";

export interface AcmeIssueRequest {
  endpoint: AcmeEndpoint;
  accountId: string;
  orderId: string;
  identifiers: AcmeIdentifier[];
  profile: AcmeProfileName;
  /** Lifetime in days, already checked against the endpoint's maximum. */
  validityDays: number;
  /** Read and checked by the RA (readVerifiedCsr): signature and key rules. */
  csr: VerifiedCsr;
  /** RFC 9773: the certificate this order replaces, linked as its renewal. */
  replacesCertificateId: string | null;
}

/**
 * A Common Name for the subject: the first DNS identifier when it fits (RFC 5280 ub-common-name is
 * 64). An IP-only order gets an empty subject (and a critical SAN), as Let's Encrypt does: OpenSSL
 * checks a CN such as "10.0.0.1" against the chain's DNS name constraints as if it were a DNS name.
 */
function commonNameFor(identifiers: AcmeIdentifier[]): string | undefined {
  const first = identifiers.find((i) => i.type === "dns");
  return first && first.value.length <= 64 ? first.value : undefined;
}

export async function issueForOrder(request: AcmeIssueRequest, now = new Date()): Promise<Certificate> {
  const spec = ACME_PROFILES[request.profile];
  const commonName = commonNameFor(request.identifiers);
  const { certificate } = await issue({
    entryPoint: "acme",
    caId: request.endpoint.authorityId,
    profile: spec.certificateProfile,
    subject: new x509.Name(commonName ? [{ CN: [commonName] }] : []),
    sans: request.identifiers.map((i): San => ({ type: i.type, value: i.value })),
    key: { kind: "csr", csr: request.csr },
    validityDays: request.validityDays,
    renewedFromId: request.replacesCertificateId ?? undefined,
    audit: { action: "certificate.acme_issue", detail: { endpoint: request.endpoint.name, acmeProfile: request.profile } },
    links: { accountId: request.accountId, orderId: request.orderId, replaces: request.replacesCertificateId },
    now,
  }).catch((error: unknown) => {
    // The endpoint's CA being revoked or expired is the server's problem, not the client's order.
    if (error instanceof AppError && error.field === "caId") {
      throw new AcmeProblem("serverInternal", `The endpoint's CA cannot sign: ${error.message}`);
    }
    throw error;
  });
  return certificate;
}

/** RFC 5280 reason codes an ACME client may give (RFC 8555 7.6; cACompromise and removeFromCRL are not a subscriber's to claim). */
const SUBSCRIBER_REASONS: RevocationReason[] = ["unspecified", "keyCompromise", "affiliationChanged", "superseded", "cessationOfOperation"];

export function reasonFromCode(code: unknown): RevocationReason {
  const reason =
    code === undefined ? "unspecified" : (Object.entries(REASON_CODES).find(([, c]) => c === code)?.[0] as RevocationReason | undefined);
  if (!reason || !SUBSCRIBER_REASONS.includes(reason)) {
    const allowed = SUBSCRIBER_REASONS.map((r) => `${REASON_CODES[r]} (${r})`).join(", ");
    throw new AcmeProblem("badRevocationReason", `Revocation reason ${JSON.stringify(code)} is not accepted over ACME: use ${allowed}.`);
  }
  return reason;
}

/** Revokes as the current ACME actor: a status change, a new CRL, an audit event. */
export async function revokeForAcme(certificate: Certificate, reason: RevocationReason, how: string, now = new Date()): Promise<void> {
  const { count } = await getDb().certificate.updateMany({
    where: { id: certificate.id, status: { not: "revoked" } },
    data: { status: "revoked", revokedAt: now, revocationReason: reason },
  });
  if (count !== 1) throw new AcmeProblem("alreadyRevoked", `This certificate (serial ${certificate.serialHex}) is already revoked.`);
  await publishCrl(certificate.authorityId, now);
  await audit({
    action: "certificate.revoke",
    objectType: "certificate",
    objectId: certificate.id,
    objectLabel: certificate.commonName,
    detail: { reason, serialNumber: certificate.serialHex, via: `acme (${how})` },
  });
}
