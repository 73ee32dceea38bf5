import { x509 } from "./crypto-provider";
import { subjectKeyId, type Issuer } from "./certificate";
import { REASON_CODES, type RevocationReason } from "./revocation-reasons";
import { EXTENSION } from "./oids";

export interface CrlEntry {
  serialHex: string;
  revokedAt: Date;
  reason: RevocationReason;
}

export interface CrlParams {
  issuer: Issuer;
  number: number;
  thisUpdate: Date;
  nextUpdate: Date;
  entries: CrlEntry[];
}

/** DER of a non-negative INTEGER. */
function derInteger(n: number): Uint8Array<ArrayBuffer> {
  let hex = n.toString(16);
  if (hex.length % 2) hex = "0" + hex;
  if (parseInt(hex.slice(0, 2), 16) & 0x80) hex = "00" + hex;
  const body = Buffer.from(hex, "hex");
  return new Uint8Array([0x02, body.length, ...body]);
}

/**
 * A v2 CRL (RFC 5280 5): CRL number and AKI extensions, a reason code on each entry except
 * "unspecified" (which 5.3.1 says to leave out), signed like the CA's certificates.
 */
export async function signCrl(params: CrlParams): Promise<x509.X509Crl> {
  const { signer } = params.issuer;
  return x509.X509CrlGenerator.create(
    {
      issuer: params.issuer.certificate.subjectName,
      thisUpdate: params.thisUpdate,
      nextUpdate: params.nextUpdate,
      signingKey: signer.webCrypto.privateKey,
      signingAlgorithm: signer.algorithm,
      extensions: [
        new x509.AuthorityKeyIdentifierExtension(await subjectKeyId(params.issuer.certificate), false),
        new x509.Extension(EXTENSION.crlNumber, false, derInteger(params.number)),
      ],
      entries: params.entries.map((e) => ({
        serialNumber: e.serialHex,
        revocationDate: e.revokedAt,
        ...(e.reason === "unspecified" ? {} : { reason: REASON_CODES[e.reason] as x509.X509CrlReason }),
      })),
    },
    signer.webCrypto.crypto,
  );
}
