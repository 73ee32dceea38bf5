import { randomUUID } from "node:crypto";
import { assertCan, assertRecentAuth } from "../auth/actor";
import { audit, checkSensitive } from "./audit";
import type { Authority, Prisma } from "@/generated/prisma/client";
import { getDb } from "../db";
import { AppError } from "../errors";
import { certificatePem, sha256Fingerprint, signCaCertificate } from "../pki/certificate";
import { buildName } from "../pki/names";
import { computeValidity, DEFAULT_INTERMEDIATE_DAYS, DEFAULT_ROOT_DAYS } from "../pki/profiles";
import { randomSerial } from "../pki/serial";
import { parseInput } from "../validations/parse";
import { ZCreateAuthorityInput } from "../validations/authority";
import { newCaKey, type NewCaKey } from "../signers/ca-keys";
import { issuerUrls, loadIssuer, type LoadedIssuer } from "./issuer";
import { assertChildConstraintsAllowed, chainConstraints, nameConstraintsExtension } from "../policy/name-constraints";

export interface CreatedAuthority {
  authority: Authority;
  warnings: string[];
}

/**
 * Creates a root CA (no parentId) or an intermediate signed by a CA in the store:
 * validate -> check the name is free -> check the parent may sign CAs -> generate key -> sign -> save.
 */
export async function createAuthority(raw: unknown, now = new Date()): Promise<CreatedAuthority> {
  await checkSensitive(
    { action: "ca.create", objectType: "authority" },
    () => assertCan("manage_cas", "create CAs"),
    () => assertRecentAuth(now),
  );
  const input = parseInput(ZCreateAuthorityInput, raw);
  const subject = buildName(input);
  await assertNameFree(subject.toString());
  const parent = input.parentId ? await loadIssuer(input.parentId, now, "parentId") : undefined;
  const pathLength = parent ? childPathLength(parent, input.pathLen) : input.pathLen;
  const days = input.validityDays ?? (parent ? DEFAULT_INTERMEDIATE_DAYS : DEFAULT_ROOT_DAYS);
  const validity = computeValidity(days, now, parent?.authority);
  // Constraints only narrow down a chain (RFC 5280 6.1.4 (g)): refuse what the parents would void anyway.
  if (parent) assertChildConstraintsAllowed(subject, input.nameConstraints, await chainConstraints(parent.authority.id));

  const id = randomUUID();
  // Sealed in the store, or generated inside the HSM (keyStorage "pkcs11"): lib/signers/ca-keys.ts.
  const key = await newCaKey(input, id);
  const certificate = await signCaCertificate({
    subject,
    publicKey: key.publicKey,
    issuer: parent,
    selfSigner: key.signer,
    pathLength,
    validity,
    serialNumber: randomSerial(),
    issuerUrls: parent ? issuerUrls(parent.authority.id) : undefined,
    extensions: input.nameConstraints ? [nameConstraintsExtension(input.nameConstraints)] : [],
  });

  const authority = await saveAuthority(key, {
    id,
    commonName: input.commonName,
    subjectDn: certificate.subject,
    parentId: parent?.authority.id ?? null,
    keyType: input.keyType,
    pathLength: pathLength ?? null,
    serialHex: certificate.serialNumber.toLowerCase(),
    notBefore: validity.notBefore,
    notAfter: validity.notAfter,
    certificatePem: certificatePem(certificate),
    ...key.stored,
    fingerprintSha256: await sha256Fingerprint(certificate),
  });
  const warnings = validity.capped
    ? [
        `The validity was shortened to end with the parent CA "${parent!.authority.commonName}" on ${validity.notAfter.toISOString().slice(0, 10)}.`,
      ]
    : [];
  await audit({
    action: "ca.create",
    objectType: "authority",
    objectId: id,
    objectLabel: authority.commonName,
    detail: {
      parentId: authority.parentId,
      keyType: authority.keyType,
      notAfter: authority.notAfter,
      ...(input.nameConstraints ? { nameConstraints: input.nameConstraints } : {}),
      keyStorage: authority.keyStorage,
      ...(authority.pkcs11KeyId ? { pkcs11Token: authority.pkcs11Token, pkcs11KeyId: authority.pkcs11KeyId } : {}),
    },
  });
  return { authority, warnings };
}

/** Saves the new CA; a token key made for it is removed again when the row cannot be written. */
async function saveAuthority(key: NewCaKey, data: Prisma.AuthorityUncheckedCreateInput): Promise<Authority> {
  try {
    return await getDb().authority.create({ data });
  } catch (error) {
    await key.discard().catch(() => {});
    throw error;
  }
}

export async function assertNameFree(subjectDn: string): Promise<void> {
  const existing = await getDb().authority.findUnique({ where: { subjectDn }, select: { id: true } });
  if (existing) {
    throw new AppError(
      "CONFLICT",
      `A CA with the subject "${subjectDn}" already exists. Two CAs with one name make chains ambiguous: choose another Common Name or add an Organizational Unit.`,
      "commonName",
    );
  }
}

/**
 * The path length of a new intermediate: RFC 5280 4.2.1.9 lets a CA with pathLen n sign CAs only
 * with pathLen < n, and a CA with pathLen 0 sign none. Unspecified means one less than the parent
 * (or 0, an issuing CA, under an unconstrained parent).
 */
function childPathLength(parent: LoadedIssuer, requested: number | undefined): number {
  const limit = parent.authority.pathLength;
  if (limit === 0) {
    throw new AppError(
      "INVALID_INPUT",
      `The CA "${parent.authority.commonName}" has path length 0: it may issue leaf certificates but not other CAs. Sign the intermediate with its parent instead.`,
      "parentId",
    );
  }
  if (limit === null) return requested ?? 0;
  if (requested !== undefined && requested >= limit) {
    throw new AppError("INVALID_INPUT", `Path length must be below the parent's (${limit}): at most ${limit - 1}.`, "pathLen");
  }
  return requested ?? limit - 1;
}
