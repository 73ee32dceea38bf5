import type { Authority } from "@/generated/prisma/client";
import { currentActor } from "../auth/actor";
import { mayUseAuthority } from "../auth/roles";
import { readConfig } from "../config";
import { authorityOperatorIds } from "../data/columns";
import { findAuthority } from "../data/find";
import { AppError } from "../errors";
import { parseCertificate, publicKeyMatches, type Issuer, type IssuerUrls } from "../pki/certificate";
import { readPemOrDer } from "../pki/pem";
import { cachedSigner } from "../signers/cache";
import { openCaSigner } from "../signers/ca-keys";

export interface LoadedIssuer extends Issuer {
  authority: Authority;
}

/**
 * A CA's parsed certificate and signer, from the one signer cache. The key is checked against the
 * certificate once, when it is opened: a key row that does not match would sign certificates
 * nobody can verify.
 */
function signerFor(authority: Authority): Promise<Issuer> {
  return cachedSigner(`authority:${authority.id}:${authority.fingerprintSha256}`, async () => {
    const certificate = parseCertificate(readPemOrDer(authority.certificatePem, ["CERTIFICATE"], "certificate"));
    // A token key proves itself with a test signature against this public key (lib/signers/pkcs11.ts).
    const signer = await openCaSigner(authority, new Uint8Array(certificate.publicKey.rawData));
    if (!publicKeyMatches(certificate, signer.publicKey)) {
      throw new AppError(
        "INTERNAL",
        `The stored key of the CA "${authority.commonName}" does not match its certificate: restore both from one backup.`,
      );
    }
    return { certificate, signer };
  });
}

/**
 * A CA ready to sign: its current row (read every time, so a revocation or new operator list
 * counts at once), parsed certificate and signer. Refuses a revoked or expired CA, and an
 * operator not allowed on it.
 */
export async function loadIssuer(id: string, now: Date, field = "caId"): Promise<LoadedIssuer> {
  const authority = await findAuthority(id, field);
  if (authority.status === "revoked") {
    throw new AppError(
      "INVALID_INPUT",
      `The CA "${authority.commonName}" was revoked on ${authority.revokedAt?.toISOString().slice(0, 10)}: it can no longer sign. Issue from another CA.`,
      field,
    );
  }
  if (authority.notAfter <= now) {
    throw new AppError(
      "INVALID_INPUT",
      `The CA "${authority.commonName}" expired on ${authority.notAfter.toISOString().slice(0, 10)}: it can no longer issue. Create or renew a CA.`,
      field,
    );
  }
  assertMayUseAuthority(authority, field);
  return { authority, ...(await signerFor(authority)) };
}

/** An admin may use any CA; an operator (person or API token) only a CA that lists them or lists nobody. */
export function assertMayUseAuthority(authority: Pick<Authority, "operatorIds" | "commonName">, field = "caId"): void {
  if (!mayUseAuthority(currentActor("use a CA"), authorityOperatorIds(authority))) {
    throw new AppError(
      "FORBIDDEN",
      `You are not among the operators allowed to use the CA "${authority.commonName}". An admin can add you on the CA's page.`,
      field,
    );
  }
}

/** The public URLs of a CA's CRL, OCSP responder and certificate, put into what it issues. */
export function issuerUrls(authorityId: string): IssuerUrls {
  const base = readConfig().publicUrl;
  return { crl: `${base}/crl/${authorityId}`, caIssuers: `${base}/ca/${authorityId}`, ocsp: `${base}/ocsp/${authorityId}` };
}
