import { followRenewal } from "./dashboard-certificate";
import { assertCan, assertRecentAuth, currentActor } from "../auth/actor";
import { decodeSans } from "../data/columns";
import { findCertificate } from "../data/find";
import { AppError } from "../errors";
import { issue } from "../issuance/issue";
import { returnsKeyToCaller, type KeyDeliveryChannel } from "../issuance/key-delivery";
import { parseCertificate } from "../pki/certificate";
import type { KeyType } from "../pki/key-types";
import { parsePemBlocks } from "../pki/pem";
import type { LeafProfile } from "../pki/profiles";
import { parseInput } from "../validations/parse";
import { ZRenewInput } from "../validations/lifecycle";
import { echoStatus, applyEchoSettings } from "./echo-settings";
import type { IssuedCertificate } from "./issue-certificate";
import { revokeCertificate } from "./revoke-certificate";
import { DAY } from "../time";

/**
 * Renews a certificate: same subject, names, profile and lifetime, a new serial and validity;
 * a new key when cadesk made the old one, the same public key for a CSR-issued certificate. The
 * new one links to the old; the old may be revoked as superseded; the echo server, if it served
 * the old one, switches to the new one live. A new key is returned to the caller by the same rule
 * as issuing (lib/issuance/key-delivery.ts): `via` says whether a person on the form or the API asks.
 */
export async function renewCertificate(
  id: string,
  raw: unknown,
  now = new Date(),
  via: KeyDeliveryChannel = "api",
): Promise<IssuedCertificate> {
  assertCan("issue", "renew certificates");
  const { revokeOld } = parseInput(ZRenewInput, raw);
  // Revoking the old one is a revocation: it needs what any revocation needs, checked before anything is made.
  if (revokeOld) assertRecentAuth(now);
  const old = await findCertificate(id);
  if (old.status === "revoked" && old.revocationReason !== "superseded") {
    throw new AppError("CONFLICT", `This certificate was revoked (${old.revocationReason}): issue a new one instead of renewing it.`, "id");
  }
  const previous = parseCertificate(parsePemBlocks(old.certificatePem)[0]!.der);
  const days = Math.max(1, Math.round((old.notAfter.getTime() - old.notBefore.getTime()) / DAY));
  const source = old.source as "generated" | "csr";
  const keyReturned = source === "generated" && returnsKeyToCaller(via, old.encryptedKey !== null, currentActor().role);
  const { certificate, privateKeyPem, warnings, chainPem } = await issue({
    entryPoint: "renewal",
    caId: old.authorityId,
    profile: old.profile as LeafProfile,
    subject: previous.subjectName,
    sans: decodeSans(old.sans),
    key:
      source === "generated"
        ? { kind: "generate", keyType: old.keyType as KeyType }
        : { kind: "publicKey", publicKey: previous.publicKey, keyType: old.keyType, source },
    validityDays: days,
    keepKey: old.encryptedKey !== null,
    renewedFromId: old.id,
    audit: {
      action: "certificate.renew",
      detail: { renewedFromId: old.id, revokedOld: revokeOld, ...(source === "generated" ? { keyReturned } : {}) },
    },
    now,
  });
  if (revokeOld && old.status !== "revoked") await revokeCertificate(old.id, { reason: "superseded" }, now);
  const echo = await echoStatus();
  if (echo.certificateId === old.id && certificate.encryptedKey) {
    await applyEchoSettings({ certificateId: certificate.id, clientCaIds: echo.clientCaIds, clientAuth: echo.clientAuth });
  }
  if (certificate.encryptedKey) await followRenewal(old.id, certificate.id);
  return { certificate, privateKeyPem: keyReturned ? privateKeyPem : undefined, warnings, chainPem };
}
