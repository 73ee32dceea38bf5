import { parsePemBlocks } from "../pki/pem";
import { certificateText } from "../pki/text/certificate";

/** A stored certificate's PEM as `openssl x509 -text -noout` prints it. */
export function pemCertificateText(pem: string): string {
  return certificateText(parsePemBlocks(pem)[0]!.der);
}
