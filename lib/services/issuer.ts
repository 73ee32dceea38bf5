import type { Authority } from "@/generated/prisma/client";
import { currentActor } from "../auth/actor";
import { mayUseAuthority } from "../auth/roles";
import { getDb } from "../db";
import { AppError } from "../errors";
import { loadMasterKey } from "../master-key";
import type { Issuer, IssuerUrls } from "../pki/certificate";
import { readConfig } from "../config";
import { parseCertificate } from "../pki/certificate";
import { decryptKey, encryptKey } from "../pki/key-encryption";
import { importSigningKey } from "../pki/keys";
import type { KeyType } from "../pki/key-types";
import { readPemOrDer } from "../pki/pem";

/** Associated data binding a sealed key to its row, so a key copied elsewhere will not open. */
export const authorityKeyContext = (id: string) => `authority:${id}`;
export const certificateKeyContext = (id: string) => `certificate:${id}`;

export function sealKey(pkcs8: Uint8Array, context: string): string {
  return encryptKey(pkcs8, loadMasterKey(), context);
}

export function openKey(sealed: string, context: string): Uint8Array<ArrayBuffer> {
  try {
    return decryptKey(sealed, loadMasterKey(), context);
  } catch {
    throw new AppError(
      "INTERNAL",
      "A stored private key could not be decrypted: the master key (CADESK_MASTER_KEY or master.key in the data dir) is not the one it was stored with. Restore the original master key.",
    );
  }
}

export async function findAuthority(id: string, field = "caId"): Promise<Authority> {
  const authority = await getDb().authority.findUnique({ where: { id } });
  if (!authority) {
    throw new AppError(
      "NOT_FOUND",
      `There is no CA with id "${id.slice(0, 100)}". List them on the Authorities page or with GET /api/v1/cas.`,
      field,
    );
  }
  return authority;
}

export interface LoadedIssuer extends Issuer {
  authority: Authority;
}

/**
 * Parsed certificates and imported (non-extractable) signing keys of CAs, by id and fingerprint:
 * parsing and unsealing on every signature would cost more than the signature itself.
 */
const signerCache = new Map<string, Promise<Issuer>>();

function signerFor(authority: Authority): Promise<Issuer> {
  const cacheKey = `${authority.id}:${authority.fingerprintSha256}`;
  let signer = signerCache.get(cacheKey);
  if (!signer) {
    const keyType = authority.keyType as KeyType;
    signer = (async () => ({
      keyType,
      certificate: parseCertificate(readPemOrDer(authority.certificatePem, ["CERTIFICATE"], "certificate")),
      signingKey: await importSigningKey(openKey(authority.encryptedKey, authorityKeyContext(authority.id)), keyType),
    }))();
    signer.catch(() => signerCache.delete(cacheKey));
    signerCache.set(cacheKey, signer);
  }
  return signer;
}

/** A CA ready to sign: its current row (read every time), parsed certificate and signing key. */
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

/** The operators allowed on a CA (null: all of them). */
export function authorityOperatorIds(authority: Pick<Authority, "operatorIds">): string[] | null {
  return authority.operatorIds === null ? null : (JSON.parse(authority.operatorIds) as string[]);
}

/** An admin may use any CA; an operator (person or API token) only a CA that lists them or lists nobody. */
export function assertMayUseAuthority(authority: Pick<Authority, "operatorIds" | "commonName">, field = "caId"): void {
  if (!mayUseAuthority(currentActor(), authorityOperatorIds(authority))) {
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

/** The issuing CA and its ancestors, nearest first, ending at the root (or the last CA held). */
export async function authorityChain(authorityId: string): Promise<Authority[]> {
  const chain: Authority[] = [];
  let next: string | null = authorityId;
  while (next && chain.length < 16) {
    const authority: Authority | null = await getDb().authority.findUnique({ where: { id: next } });
    if (!authority) break;
    chain.push(authority);
    next = authority.parentId;
  }
  return chain;
}
