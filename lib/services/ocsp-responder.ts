import { createPrivateKey, sign as nodeSign, type KeyObject } from "node:crypto";
import type { OcspResponder as OcspResponderRow } from "@/generated/prisma/client";
import { getDb } from "../db";
import { certificatePem, parseCertificate, signOcspResponderCertificate, type Issuer } from "../pki/certificate";
import { generateKeyPair } from "../pki/keys";
import { buildName } from "../pki/names";
import { responderParts, type OcspResponder } from "../pki/ocsp";
import { SIGNATURE } from "../pki/oids";
import { readPemOrDer } from "../pki/pem";
import { randomSerial } from "../pki/serial";
import { ocspResponderKeyContext, openKey, sealKey } from "../signers/sealed-key";
import type { LoadedIssuer } from "./issuer";
import { DAY } from "../time";

/** A responder certificate lives 30 days and is replaced when fewer than 7 remain. */
const LIFETIME_MS = 30 * DAY;
const RENEW_WITHIN_MS = 7 * DAY;

/** A delegated responder ready to sign: its certificate, its response parts and when it must be replaced. */
export interface LoadedResponder {
  certificate: Issuer["certificate"];
  parts: OcspResponder;
  serialHex: string;
  notAfter: Date;
}

/**
 * The responders this process has open, per CA and CA certificate (a re-keyed CA is another key):
 * an OCSP request then needs no query for its responder (issue #13). A responder another instance
 * made meanwhile does not matter: ours is as valid until its own renewal time, when the stored row
 * is read again (ocspSigner) and the newer one is taken, or a new one made.
 */
const open = new Map<string, LoadedResponder>();

/** The open responder of this CA while it has more than a week left; null when it must be read or made. */
export function openResponder(authorityId: string, caFingerprint: string, now = new Date()): LoadedResponder | null {
  const hit = open.get(`${authorityId}:${caFingerprint}`);
  return hit && hit.notAfter.getTime() - now.getTime() > RENEW_WITHIN_MS ? hit : null;
}

/**
 * A stored responder, opened. Its key is always P-256 (made below) and lives only as a
 * node:crypto KeyObject in this process: `crypto.sign` is synchronous and writes the DER
 * ECDSA-Sig-Value the response carries, with no WebCrypto promise hop per response.
 */
function load(ca: LoadedIssuer, row: Pick<OcspResponderRow, "authorityId" | "serialHex" | "notAfter" | "certificatePem" | "encryptedKey">) {
  const key = `${row.authorityId}:${ca.authority.fingerprintSha256}`;
  const hit = open.get(key);
  if (hit && hit.serialHex === row.serialHex) return hit;
  const certificate = parseCertificate(readPemOrDer(row.certificatePem, ["CERTIFICATE"], "certificate"));
  const privateKey: KeyObject = createPrivateKey({
    key: Buffer.from(openKey(row.encryptedKey, ocspResponderKeyContext(row.authorityId))),
    format: "der",
    type: "pkcs8",
  });
  const sign = (data: Uint8Array) => nodeSign("sha256", data, { key: privateKey, dsaEncoding: "der" });
  const loaded: LoadedResponder = {
    certificate,
    parts: responderParts(new Uint8Array(certificate.rawData), SIGNATURE.ecdsaWithSha256, sign),
    serialHex: row.serialHex,
    notAfter: row.notAfter,
  };
  open.set(key, loaded);
  while (open.size > 1000) open.delete(open.keys().next().value!);
  return loaded;
}

/**
 * The CA's delegated OCSP signer: the stored one while it has a week left, otherwise a new P-256
 * responder certificate signed by the CA (its validity never past the CA's).
 */
export async function ocspSigner(ca: LoadedIssuer, now = new Date()): Promise<LoadedResponder> {
  const db = getDb();
  const stored = await db.ocspResponder.findUnique({ where: { authorityId: ca.authority.id } });
  if (stored && stored.notAfter.getTime() - now.getTime() > RENEW_WITHIN_MS) return load(ca, stored);
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
  return load(ca, { authorityId: ca.authority.id, ...row });
}
