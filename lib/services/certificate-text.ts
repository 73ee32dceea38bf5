import { assertCan } from "../auth/actor";
import { findCertificate } from "../data/find";
import { pemCertificateText } from "../data/text";

/** A stored certificate as `openssl x509 -text -noout` prints it. */
export async function storedCertificateText(id: string): Promise<string> {
  assertCan("view", "read certificates");
  return pemCertificateText((await findCertificate(id)).certificatePem);
}
