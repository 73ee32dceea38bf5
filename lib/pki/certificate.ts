import { createPublicKey } from "node:crypto";
import { x509 } from "./crypto-provider";
import type { Signer } from "../signers/signer";
import type { San } from "./names";
import type { Bytes } from "./pem";
import { PROFILE_SPECS, type LeafProfile, type Validity } from "./profiles";
import { EXTENSION } from "./oids";

/** The issuing side of a signature: the CA's certificate and the signer of its key (lib/signers). */
export interface Issuer {
  certificate: x509.X509Certificate;
  signer: Signer;
}

/** Where relying parties find the issuer's CRL, OCSP responder and certificate (RFC 5280 4.2.1.13, 4.2.2.1). */
export interface IssuerUrls {
  crl: string;
  caIssuers: string;
  ocsp: string;
}

function urlExtensions(urls: IssuerUrls | undefined): x509.Extension[] {
  if (!urls) return [];
  return [
    new x509.CRLDistributionPointsExtension([urls.crl], false),
    new x509.AuthorityInfoAccessExtension(
      { ocsp: new x509.GeneralName("url", urls.ocsp), caIssuers: new x509.GeneralName("url", urls.caIssuers) },
      false,
    ),
  ];
}

export interface CaCertificateParams {
  subject: x509.Name;
  publicKey: CryptoKey;
  /** Absent for a self-signed root, whose own key signs. */
  issuer?: Issuer;
  /** The root's own key (used only when issuer is absent). */
  selfSigner?: Signer;
  pathLength?: number;
  validity: Validity;
  serialNumber: string;
  /** The parent's URLs, for intermediates. */
  issuerUrls?: IssuerUrls;
  /** Further extensions, such as Name Constraints (built in lib/policy). */
  extensions?: x509.Extension[];
}

const CA_KEY_USAGE = x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature;

/**
 * Signs a CA certificate: basicConstraints critical CA:TRUE (with pathLen when given), keyUsage
 * critical keyCertSign + cRLSign (+ digitalSignature so the CA can sign OCSP responses itself),
 * SKI, and an AKI pointing at the issuer's key (its own key for a root).
 */
export async function signCaCertificate(params: CaCertificateParams): Promise<x509.X509Certificate> {
  const ski = await x509.SubjectKeyIdentifierExtension.create(params.publicKey);
  const issuerKeyId = params.issuer ? await subjectKeyId(params.issuer.certificate) : ski.keyId;
  const signer = params.issuer?.signer ?? params.selfSigner;
  if (!signer) throw new Error("signCaCertificate needs an issuer or the root's own key");
  return x509.X509CertificateGenerator.create(
    {
      serialNumber: params.serialNumber,
      subject: params.subject,
      issuer: params.issuer ? params.issuer.certificate.subjectName : params.subject,
      notBefore: params.validity.notBefore,
      notAfter: params.validity.notAfter,
      publicKey: params.publicKey,
      signingKey: signer.webCrypto.privateKey,
      signingAlgorithm: signer.algorithm,
      extensions: [
        new x509.BasicConstraintsExtension(true, params.pathLength, true),
        new x509.KeyUsagesExtension(CA_KEY_USAGE, true),
        ski,
        new x509.AuthorityKeyIdentifierExtension(issuerKeyId, false),
        ...urlExtensions(params.issuer ? params.issuerUrls : undefined),
        ...(params.extensions ?? []),
      ],
    },
    signer.webCrypto.crypto,
  );
}

export interface LeafCertificateParams {
  issuer: Issuer;
  subject: x509.Name;
  /** The subject's public key: a generated CryptoKey or the one from a CSR. */
  publicKey: x509.PublicKey | CryptoKey;
  sans: San[];
  profile: LeafProfile;
  validity: Validity;
  serialNumber: string;
  issuerUrls?: IssuerUrls;
}

/**
 * Signs an end-entity certificate with the profile's usages: basicConstraints critical CA:FALSE,
 * keyUsage critical and fitting the key (RSA keys also get keyEncipherment for TLS 1.2 RSA key
 * exchange), extKeyUsage from the profile, and the SAN (critical when the subject is empty, RFC
 * 5280 4.2.1.6).
 */
export async function signLeafCertificate(params: LeafCertificateParams): Promise<x509.X509Certificate> {
  const publicKey = params.publicKey instanceof x509.PublicKey ? params.publicKey : await x509.PublicKey.create(params.publicKey);
  const isRsaKey = publicKey.algorithm.name === "RSASSA-PKCS1-v1_5";
  const spec = PROFILE_SPECS[params.profile];
  let usage = x509.KeyUsageFlags.digitalSignature;
  if (isRsaKey && spec.needsHostName) usage |= x509.KeyUsageFlags.keyEncipherment;
  const subjectIsEmpty = params.subject.toJSON().length === 0;
  return signEndEntity(
    params,
    publicKey,
    [
      new x509.KeyUsagesExtension(usage, true),
      new x509.ExtendedKeyUsageExtension(spec.extendedKeyUsages, false),
      new x509.SubjectAlternativeNameExtension(
        params.sans.map((s) => ({ type: s.type === "uri" ? ("url" as const) : s.type, value: s.value })),
        subjectIsEmpty,
      ),
    ],
    urlExtensions(params.issuerUrls),
  );
}

/**
 * An end-entity certificate signed by `issuer`: not a CA (critical basic constraints), then what
 * it is for, its key identifiers, then `trailing` (the CRL and AIA URLs of leaves).
 */
async function signEndEntity(
  params: { issuer: Issuer; subject: x509.Name; validity: { notBefore: Date; notAfter: Date }; serialNumber: string },
  publicKey: x509.PublicKey,
  extensions: x509.Extension[],
  trailing: x509.Extension[] = [],
): Promise<x509.X509Certificate> {
  const { signer } = params.issuer;
  return x509.X509CertificateGenerator.create(
    {
      serialNumber: params.serialNumber,
      subject: params.subject,
      issuer: params.issuer.certificate.subjectName,
      notBefore: params.validity.notBefore,
      notAfter: params.validity.notAfter,
      publicKey,
      signingKey: signer.webCrypto.privateKey,
      signingAlgorithm: signer.algorithm,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        ...extensions,
        await x509.SubjectKeyIdentifierExtension.create(publicKey),
        new x509.AuthorityKeyIdentifierExtension(await subjectKeyId(params.issuer.certificate), false),
        ...trailing,
      ],
    },
    signer.webCrypto.crypto,
  );
}

/**
 * The certificate's SKI (hex), which its children's AKI must repeat. An imported CA made without
 * one gets the RFC 5280 method-1 value (SHA-1 of its key), what OpenSSL would compute.
 */
export async function subjectKeyId(certificate: x509.X509Certificate): Promise<string> {
  const ext = certificate.getExtension(x509.SubjectKeyIdentifierExtension);
  return ext ? ext.keyId : (await x509.SubjectKeyIdentifierExtension.create(certificate.publicKey)).keyId;
}

/** Whether a SubjectPublicKeyInfo (DER) is the same key as the certificate's. */
export function publicKeyMatches(certificate: x509.X509Certificate, spki: Uint8Array): boolean {
  const a = createPublicKey({ key: Buffer.from(certificate.publicKey.rawData), format: "der", type: "spki" });
  const b = createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
  return a.equals(b);
}

export function parseCertificate(der: Bytes): x509.X509Certificate {
  return new x509.X509Certificate(der);
}

export function certificatePem(certificate: x509.X509Certificate): string {
  return certificate.toString("pem") + "\n";
}

export async function sha256Fingerprint(certificate: x509.X509Certificate): Promise<string> {
  return Buffer.from(await certificate.getThumbprint("SHA-256")).toString("hex");
}

export async function sha1Fingerprint(certificate: x509.X509Certificate): Promise<string> {
  return Buffer.from(await certificate.getThumbprint("SHA-1")).toString("hex");
}

/**
 * A delegated OCSP responder certificate (RFC 6960 4.2.2.2): signed by the CA it answers for, with
 * only the OCSPSigning EKU and ocsp-nocheck, short-lived, so it needs no revocation checking.
 */
export async function signOcspResponderCertificate(params: {
  issuer: Issuer;
  subject: x509.Name;
  publicKey: CryptoKey;
  validity: { notBefore: Date; notAfter: Date };
  serialNumber: string;
}): Promise<x509.X509Certificate> {
  return signEndEntity(params, await x509.PublicKey.create(params.publicKey), [
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.ocspSigning], false),
    // id-pkix-ocsp-nocheck (RFC 6960 4.2.2.2.1), value NULL: clients need not check the responder's own status.
    new x509.Extension(EXTENSION.ocspNoCheck, false, new Uint8Array([0x05, 0x00])),
  ]);
}
