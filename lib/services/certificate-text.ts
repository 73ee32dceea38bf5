import { assertCan } from "../auth/actor";
import { getDb } from "../db";
import { AppError } from "../errors";
import { parsePemBlocks } from "../pki/pem";
import { certificateText } from "../pki/text/certificate";

/** A stored certificate as `openssl x509 -text -noout` prints it. */
export async function storedCertificateText(id: string): Promise<string> {
  assertCan("view", "read certificates");
  const c = await getDb().certificate.findUnique({ where: { id }, select: { certificatePem: true } });
  if (!c) throw new AppError("NOT_FOUND", `There is no certificate with id "${id.slice(0, 100)}".`, "id");
  return pemCertificateText(c.certificatePem);
}

export function pemCertificateText(pem: string): string {
  return certificateText(parsePemBlocks(pem)[0]!.der);
}
