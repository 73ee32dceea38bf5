import { x509 } from "./crypto-provider";
import { sha1Fingerprint, sha256Fingerprint } from "./certificate";
import { describePublicKey } from "./keys";
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

/** The facts people look for first in a certificate, with OpenSSL's names for usages. */
export async function summarizeCertificate(der: Bytes): Promise<CertificateSummary> {
  const cert = new x509.X509Certificate(der);
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
    key: describePublicKey(new Uint8Array(cert.publicKey.rawData)).label,
    signatureAlgorithm: alg.hash ? `${alg.name} with ${alg.hash.name}` : alg.name,
    sans: (san?.names.items ?? []).map((n) => `${SAN_PREFIX[n.type] ?? n.type}:${n.value}`),
    keyUsages: ku ? KEY_USAGE_NAMES.filter(([flag]) => (ku.usages & flag) !== 0).map(([, name]) => name) : [],
    extendedKeyUsages: (eku?.usages ?? []).map((u) => EKU_NAMES[String(u)] ?? String(u)),
    isCa: basic?.ca ?? false,
    pathLength: basic?.pathLength ?? null,
    sha256: colonHex(await sha256Fingerprint(cert)),
    sha1: colonHex(await sha1Fingerprint(cert)),
  };
}
