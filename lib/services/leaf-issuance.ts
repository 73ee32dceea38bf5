/**
 * The steps issuance and CSR signing share: which names go in the SAN, the validity window, and
 * saving the signed certificate (committed before anything is returned to the caller).
 */
import { auditEventData } from "./audit";
import { searchText } from "../data/search-text";
import { expiringFrom } from "../data/status";
import { randomUUID } from "node:crypto";
import type { Certificate } from "@/generated/prisma/client";
import { getDb } from "../db";
import { AppError } from "../errors";
import { x509 } from "../pki/crypto-provider";
import { certificatePem, sha256Fingerprint, signLeafCertificate } from "../pki/certificate";
import { randomSerial } from "../pki/serial";
import { sanFromCommonName, type San } from "../pki/names";
import { computeValidity, LONG_LEAF_WARNING_DAYS, PROFILE_SPECS, type LeafProfile, type Validity } from "../pki/profiles";
import { certificateKeyContext, issuerUrls, sealKey, type LoadedIssuer } from "./issuer";

/**
 * The SAN list for a leaf. Clients match names only against the SAN (the CN is ignored since
 * RFC 6125 and by Chrome and Go), so a server's CN goes into the SAN when it is a host name, and a
 * client's CN when no other name was given. A leaf never goes out without a SAN.
 */
export function leafSans(profile: LeafProfile, commonName: string | undefined, requested: San[]): San[] {
  const sans = [...requested];
  const fromCn = commonName ? sanFromCommonName(commonName) : null;
  const present = fromCn && sans.some((s) => s.type === fromCn.type && s.value === fromCn.value);
  if (fromCn && !present && (PROFILE_SPECS[profile].needsHostName || sans.length === 0)) sans.unshift(fromCn);
  if (PROFILE_SPECS[profile].needsHostName && !sans.some((s) => s.type === "dns" || s.type === "ip")) {
    const why = commonName ? `The Common Name "${commonName}" is not a host name, and clients ignore the CN anyway. ` : "";
    throw new AppError(
      "INVALID_INPUT",
      `${why}A TLS server certificate needs at least one DNS name or IP address in its Subject Alternative Names.`,
      "sans",
    );
  }
  if (sans.length === 0) {
    throw new AppError(
      "INVALID_INPUT",
      "Add at least one Subject Alternative Name (a DNS name, e-mail or URI such as spiffe://example.org/service): peers identify a client by its SAN.",
      "sans",
    );
  }
  return sans;
}

export interface LeafValidity extends Validity {
  warnings: string[];
}

export function leafValidity(days: number, issuer: LoadedIssuer, now: Date): LeafValidity {
  const validity = computeValidity(days, now, issuer.authority);
  const warnings: string[] = [];
  if (validity.capped) {
    warnings.push(
      `The validity was shortened to end with the CA "${issuer.authority.commonName}" on ${validity.notAfter.toISOString().slice(0, 10)}: a certificate cannot outlive its issuer.`,
    );
  }
  if (days > LONG_LEAF_WARNING_DAYS) {
    warnings.push(
      `${days} days is longer than the ${LONG_LEAF_WARNING_DAYS}-day limit public CAs apply since March 2026; shorter lifetimes limit the damage of a leaked key.`,
    );
  }
  return { ...validity, warnings };
}

export interface SignLeafParams {
  issuer: LoadedIssuer;
  subject: x509.Name;
  publicKey: x509.PublicKey | CryptoKey;
  sans: San[];
  profile: LeafProfile;
  validity: Validity;
  keyType: string;
  source: "generated" | "csr";
  /** PKCS#8 to keep sealed for later downloads; absent when the user opted out or for CSRs. */
  keepKey?: Uint8Array;
  /** The certificate this one renews. */
  renewedFromId?: string;
  /** The audit event, committed in the same transaction as the certificate. */
  audit: { action: string; detail?: Record<string, unknown> };
}

/**
 * Signs with a fresh random serial and commits the certificate, with its audit event in the same
 * transaction (one synchronous write, and never one without the other), before returning it.
 */
export async function signAndStoreLeaf(params: SignLeafParams): Promise<Certificate> {
  const { issuer, sans } = params;
  const certificate = await signLeafCertificate({
    issuer,
    subject: params.subject,
    publicKey: params.publicKey,
    sans,
    profile: params.profile,
    validity: params.validity,
    serialNumber: randomSerial(),
    issuerUrls: issuerUrls(issuer.authority.id),
  });
  const id = randomUUID();
  const commonName = certificate.subjectName.getField("CN")[0] ?? "";
  const serialHex = certificate.serialNumber.toLowerCase();
  const db = getDb();
  const [stored] = await db.$transaction([
    db.certificate.create({
      data: {
        id,
        authorityId: params.issuer.authority.id,
        serialHex,
        commonName,
        sans: JSON.stringify(sans),
        searchText: searchText([commonName, ...sans.map((s) => s.value), serialHex].join(" ")),
        profile: params.profile,
        keyType: params.keyType,
        source: params.source,
        subjectDn: certificate.subject,
        notBefore: certificate.notBefore,
        notAfter: certificate.notAfter,
        expiringFrom: expiringFrom(certificate.notBefore, certificate.notAfter),
        certificatePem: certificatePem(certificate),
        encryptedKey: params.keepKey ? sealKey(params.keepKey, certificateKeyContext(id)) : null,
        renewedFromId: params.renewedFromId ?? null,
        fingerprintSha256: await sha256Fingerprint(certificate),
      },
    }),
    db.auditEvent.create({
      data: auditEventData({
        action: params.audit.action,
        objectType: "certificate",
        objectId: id,
        objectLabel: commonName,
        detail: {
          caId: params.issuer.authority.id,
          serialNumber: serialHex,
          profile: params.profile,
          keptKey: !!params.keepKey,
          ...params.audit.detail,
        },
      }),
    }),
  ]);
  return stored;
}
