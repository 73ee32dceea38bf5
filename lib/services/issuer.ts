import type { Authority } from "@/generated/prisma/client";
import { currentActor } from "../auth/actor";
import { mayUseAuthority } from "../auth/roles";
import { readConfig } from "../config";
import { authorityOperatorIds } from "../data/columns";
import { authorityChain, findAuthority } from "../data/find";
import { AppError } from "../errors";
import { parseCertificate, publicKeyMatches, type Issuer, type IssuerUrls } from "../pki/certificate";
import { readPemOrDer } from "../pki/pem";
import { cachedSigner } from "../signers/cache";
import { openCaSigner } from "../signers/ca-keys";

export interface LoadedIssuer extends Issuer {
  authority: Authority;
  /**
   * The issuing CA and its ancestors, nearest first (lib/data/find.ts authorityChain), when the
   * issuance pipeline loaded it: name constraints and the response's chain come from it.
   */
  chain?: Authority[];
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
  assertIssuerUsable(authority, now, field);
  return { authority, ...(await signerFor(authority)) };
}

/** Refuses a revoked or expired CA, and an operator not allowed on it (the same errors wherever the row came from). */
function assertIssuerUsable(authority: Authority, now: Date, field: string): void {
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

// ---- The issuance pipeline's CA cache (issue #13) -----------------------------------------------

/**
 * What decides whether a CA may sign a given leaf, as one comparable string: its status, its
 * operators, its policy, its certificate (name constraints, chain, expiry) and its place in the
 * hierarchy. The group commit reads these columns again inside its transaction
 * (lib/issuance/store.ts) and refuses a row whose CA no longer has the version it was checked
 * against, so a cached row can never let through what the stored one forbids.
 */
export type IssuerVersionColumns = Pick<
  Authority,
  "id" | "status" | "operatorIds" | "issuancePolicy" | "fingerprintSha256" | "notAfter" | "parentId"
>;

/** The columns issuerVersion reads (a Prisma select). */
export const ISSUER_VERSION_SELECT = {
  id: true,
  status: true,
  operatorIds: true,
  issuancePolicy: true,
  fingerprintSha256: true,
  notAfter: true,
  parentId: true,
} as const;

export function issuerVersion(a: IssuerVersionColumns): string {
  return JSON.stringify([a.status, a.operatorIds, a.issuancePolicy, a.fingerprintSha256, new Date(a.notAfter).getTime(), a.parentId]);
}

/** A CA as the pipeline keeps it between requests: the chain's rows, their versions and the chain PEM. */
export interface CachedIssuerChain {
  chain: Authority[];
  /** issuerVersion of every CA of the chain, by id, as read. */
  versions: Map<string, string>;
  /** The issuing CA's certificate and its ancestors' (what GET /certificates/{id}/download?format=chain returns). */
  chainPem: string;
}

const MAX_CACHED_ISSUERS = 1000;
const issuerChains = new Map<string, CachedIssuerChain>();

async function readIssuerChain(id: string, field: string): Promise<CachedIssuerChain> {
  const issuing = await findAuthority(id, field);
  const chain = issuing.parentId ? [issuing, ...(await authorityChain(issuing.parentId))] : [issuing];
  const entry = {
    chain,
    versions: new Map(chain.map((a) => [a.id, issuerVersion(a)])),
    chainPem: chain.map((a) => a.certificatePem).join(""),
  };
  issuerChains.delete(id);
  issuerChains.set(id, entry);
  while (issuerChains.size > MAX_CACHED_ISSUERS) issuerChains.delete(issuerChains.keys().next().value!);
  return entry;
}

/** Drops cached CA rows (all, or those whose chain contains one of `ids`): the next issuance reads them again. */
export function forgetIssuers(ids?: Iterable<string>): void {
  if (!ids) return issuerChains.clear();
  const gone = new Set(ids);
  for (const [id, entry] of issuerChains) if (entry.chain.some((a) => gone.has(a.id))) issuerChains.delete(id);
}

export interface IssuanceIssuer extends LoadedIssuer {
  chain: Authority[];
  chainPem: string;
  versions: Map<string, string>;
  /** Whether the row came from the cache (a refusal is then checked again against the stored row). */
  cached: boolean;
}

/**
 * loadIssuer for the issuance pipeline: the same checks and errors, but the CA's row and chain
 * come from a per-process cache instead of 2-3 queries per certificate. Correctness does not rest
 * on the cache being fresh: every certificate is committed only if its chain still has the versions
 * it was checked against (lib/issuance/store.ts re-reads them in the commit's transaction), and a
 * refusal made from a cached row is made again from the stored one (lib/issuance/issue.ts), so a
 * revocation, an operator or policy change on any instance counts at once, both ways.
 */
export async function loadIssuerForIssuance(
  id: string,
  now: Date,
  options: { fresh?: boolean; field?: string } = {},
): Promise<IssuanceIssuer> {
  const field = options.field ?? "caId";
  const hit = options.fresh ? undefined : issuerChains.get(id);
  const entry = hit ?? (await readIssuerChain(id, field));
  const authority = entry.chain[0]!;
  assertIssuerUsable(authority, now, field);
  return { authority, ...(await signerFor(authority)), ...entry, cached: !!hit };
}
