import type { OcspResponder } from "@/generated/prisma/client";
import { getDb } from "../db";
import { certificatePem, parseCertificate, signOcspResponderCertificate, type Issuer } from "../pki/certificate";
import { generateKeyPair } from "../pki/keys";
import { buildName } from "../pki/names";
import { readPemOrDer } from "../pki/pem";
import { randomSerial } from "../pki/serial";
import { cachedSigner } from "../signers/cache";
import { ocspResponderKeyContext, openSealedSigner, sealKey } from "../signers/sealed-key";
import type { LoadedIssuer } from "./issuer";
import { DAY } from "../time";

/** A responder certificate lives 30 days and is replaced when fewer than 7 remain. */
const LIFETIME_MS = 30 * DAY;
const RENEW_WITHIN_MS = 7 * DAY;

/** A stored responder as a signer, from the one signer cache (keyed by its serial: a new responder is a new entry). */
function loaded(row: Pick<OcspResponder, "authorityId" | "serialHex" | "certificatePem" | "encryptedKey">): Promise<Issuer> {
  return cachedSigner(`ocsp-responder:${row.authorityId}:${row.serialHex}`, async () => ({
    certificate: parseCertificate(readPemOrDer(row.certificatePem, ["CERTIFICATE"], "certificate")),
    signer: await openSealedSigner({ sealed: row.encryptedKey, context: ocspResponderKeyContext(row.authorityId), keyType: "ecdsa-p256" }),
  }));
}

/**
 * The CA's delegated OCSP signer: the stored one while it has a week left, otherwise a new P-256
 * responder certificate signed by the CA (its validity never past the CA's).
 */
export async function ocspSigner(ca: LoadedIssuer, now = new Date()): Promise<Issuer> {
  const db = getDb();
  const stored = await db.ocspResponder.findUnique({ where: { authorityId: ca.authority.id } });
  if (stored && stored.notAfter.getTime() - now.getTime() > RENEW_WITHIN_MS) return loaded(stored);
  const key = await generateKeyPair("ecdsa-p256");
  const notBefore = new Date(now.getTime() - 60_000);
  const notAfter = new Date(Math.min(now.getTime() + LIFETIME_MS, ca.authority.notAfter.getTime()));
  const certificate = await signOcspResponderCertificate({
    issuer: ca,
    subject: buildName({ commonName: `${ca.authority.commonName.slice(0, 49)} OCSP Responder` }),
    publicKey: key.keys.publicKey,
    validity: { notBefore, notAfter },
    serialNumber: randomSerial(),
  });
  const row = {
    serialHex: certificate.serialNumber.toLowerCase(),
    notAfter,
    certificatePem: certificatePem(certificate),
    encryptedKey: sealKey(key.pkcs8, ocspResponderKeyContext(ca.authority.id)),
  };
  await db.ocspResponder.upsert({ where: { authorityId: ca.authority.id }, create: { authorityId: ca.authority.id, ...row }, update: row });
  return loaded({ authorityId: ca.authority.id, ...row });
}
