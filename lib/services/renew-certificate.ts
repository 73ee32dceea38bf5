import { followRenewal } from "./dashboard-certificate";
import { assertCan, assertRecentAuth } from "../auth/actor";
import { getDb } from "../db";
import { AppError } from "../errors";
import { parseCertificate } from "../pki/certificate";
import type { KeyType } from "../pki/key-types";
import { generateKeyPair, privateKeyPem } from "../pki/keys";
import type { San } from "../pki/names";
import { parsePemBlocks } from "../pki/pem";
import type { LeafProfile } from "../pki/profiles";
import { parseInput } from "../validations/parse";
import { ZRenewInput } from "../validations/lifecycle";
import { echoStatus, applyEchoSettings } from "./echo-settings";
import type { IssuedCertificate } from "./issue-certificate";
import { loadIssuer } from "./issuer";
import { leafValidity, signAndStoreLeaf } from "./leaf-issuance";
import { revokeCertificate } from "./revoke-certificate";
import { DAY } from "../time";

/**
 * Renews a certificate: same subject, names, profile and lifetime, a new serial and validity;
 * a new key when cadesk made the old one, the same public key for a CSR-issued certificate. The
 * new one links to the old; the old may be revoked as superseded; the echo server, if it served
 * the old one, switches to the new one live.
 */
export async function renewCertificate(id: string, raw: unknown, now = new Date()): Promise<IssuedCertificate> {
  assertCan("issue", "renew certificates");
  const { revokeOld } = parseInput(ZRenewInput, raw);
  // Revoking the old one is a revocation: it needs what any revocation needs, checked before anything is made.
  if (revokeOld) assertRecentAuth(now);
  const old = await getDb().certificate.findUnique({ where: { id } });
  if (!old) throw new AppError("NOT_FOUND", `There is no certificate with id "${id.slice(0, 100)}".`, "id");
  if (old.status === "revoked" && old.revocationReason !== "superseded") {
    throw new AppError("CONFLICT", `This certificate was revoked (${old.revocationReason}): issue a new one instead of renewing it.`, "id");
  }
  const issuer = await loadIssuer(old.authorityId, now);
  const previous = parseCertificate(parsePemBlocks(old.certificatePem)[0]!.der);
  const days = Math.max(1, Math.round((old.notAfter.getTime() - old.notBefore.getTime()) / DAY));
  const validity = leafValidity(days, issuer, now);
  const generated = old.source === "generated";
  const key = generated ? await generateKeyPair(old.keyType as KeyType) : undefined;
  const certificate = await signAndStoreLeaf({
    issuer,
    subject: previous.subjectName,
    publicKey: key ? key.keys.publicKey : previous.publicKey,
    sans: JSON.parse(old.sans) as San[],
    profile: old.profile as LeafProfile,
    validity,
    keyType: old.keyType,
    source: old.source as "generated" | "csr",
    keepKey: key && old.encryptedKey ? key.pkcs8 : undefined,
    renewedFromId: old.id,
    audit: { action: "certificate.renew", detail: { renewedFromId: old.id, revokedOld: revokeOld } },
  });
  if (revokeOld && old.status !== "revoked") await revokeCertificate(old.id, { reason: "superseded" }, now);
  const echo = await echoStatus();
  if (echo.certificateId === old.id && certificate.encryptedKey) {
    await applyEchoSettings({ certificateId: certificate.id, clientCaIds: echo.clientCaIds, clientAuth: echo.clientAuth });
  }
  if (certificate.encryptedKey) await followRenewal(old.id, certificate.id);
  return { certificate, privateKeyPem: key ? privateKeyPem(key.pkcs8) : undefined, warnings: validity.warnings };
}
