import { createHash } from "node:crypto";
import { x509 } from "./crypto-provider";
import { describePublicKey, type PublicKeyInfo } from "./keys";
import { colonHex } from "./serial";
import type { Bytes } from "./pem";

export interface CertificateSummary {
  subject: string;
  issuer: string;
  serial: string;
  notBefore: Date;
  notAfter: Date;
  key: string;
  signatureAlgorithm: string;
  sans: string[];
  keyUsages: string[];
  extendedKeyUsages: string[];
  isCa: boolean;
  pathLength: number | null;
  sha256: string;
  sha1: string;
}

const KEY_USAGE_NAMES: [number, string][] = [
  [x509.KeyUsageFlags.digitalSignature, "Digital Signature"],
  [x509.KeyUsageFlags.nonRepudiation, "Non Repudiation"],
  [x509.KeyUsageFlags.keyEncipherment, "Key Encipherment"],
  [x509.KeyUsageFlags.dataEncipherment, "Data Encipherment"],
  [x509.KeyUsageFlags.keyAgreement, "Key Agreement"],
  [x509.KeyUsageFlags.keyCertSign, "Certificate Sign"],
  [x509.KeyUsageFlags.cRLSign, "CRL Sign"],
];

const EKU_NAMES: Record<string, string> = {
  [x509.ExtendedKeyUsage.serverAuth]: "TLS Web Server Authentication",
  [x509.ExtendedKeyUsage.clientAuth]: "TLS Web Client Authentication",
  [x509.ExtendedKeyUsage.codeSigning]: "Code Signing",
  [x509.ExtendedKeyUsage.emailProtection]: "E-mail Protection",
  [x509.ExtendedKeyUsage.timeStamping]: "Time Stamping",
  [x509.ExtendedKeyUsage.ocspSigning]: "OCSP Signing",
};

const SAN_PREFIX: Record<string, string> = {
  dns: "DNS",
  ip: "IP",
  email: "email",
  url: "URI",
  dn: "DirName",
  upn: "UPN",
  guid: "GUID",
  id: "RID",
};

/** A certificate already read (Inspect reads each pasted one once: lib/pki/inspect/pasted.ts). */
export interface ReadCertificate {
  cert: x509.X509Certificate;
  key: PublicKeyInfo;
  /** Lower-case hex fingerprints of the DER. */
  sha256: string;
  sha1: string;
}

const fingerprint = (algorithm: string, der: Bytes) => createHash(algorithm).update(der).digest("hex");

/** The facts people look for first in a certificate, with OpenSSL's names for usages. */
export async function summarizeCertificate(der: Bytes): Promise<CertificateSummary> {
  const cert = new x509.X509Certificate(der);
  return summarizeRead({
    cert,
    key: describePublicKey(new Uint8Array(cert.publicKey.rawData)),
    sha256: fingerprint("sha256", der),
    sha1: fingerprint("sha1", der),
  });
}

/** The same from a certificate already read; synchronous (fingerprints by node:crypto, not WebCrypto). */
export function summarizeRead({ cert, key, sha256, sha1 }: ReadCertificate): CertificateSummary {
  const ku = cert.getExtension(x509.KeyUsagesExtension);
  const eku = cert.getExtension(x509.ExtendedKeyUsageExtension);
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const basic = cert.getExtension(x509.BasicConstraintsExtension);
  const alg = cert.signatureAlgorithm as { name: string; hash?: { name: string } };
  return {
    subject: cert.subject,
    issuer: cert.issuer,
    serial: colonHex(cert.serialNumber),
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    key: key.label,
    signatureAlgorithm: alg.hash ? `${alg.name} with ${alg.hash.name}` : alg.name,
    sans: (san?.names.items ?? []).map((n) => `${SAN_PREFIX[n.type] ?? n.type}:${n.value}`),
    keyUsages: ku ? KEY_USAGE_NAMES.filter(([flag]) => (ku.usages & flag) !== 0).map(([, name]) => name) : [],
    extendedKeyUsages: (eku?.usages ?? []).map((u) => EKU_NAMES[String(u)] ?? String(u)),
    isCa: basic?.ca ?? false,
    pathLength: basic?.pathLength ?? null,
    sha256: colonHex(sha256),
    sha1: colonHex(sha1),
  };
}
