import { fileBaseName } from "@/lib/services/export-certificate";
import type { OneTimeKeyProps } from "../../ui/one-time-key";

/** The one-time key panel's input for a certificate whose new key came back to the person who issued or renewed it. */
export function oneTimeKeyFor(
  certificate: { id: string; commonName: string; serialHex: string; encryptedKey: string | null },
  privateKeyPem: string,
): OneTimeKeyProps {
  const filename = fileBaseName(certificate.commonName, certificate.serialHex) + ".key.pem";
  return { certificateId: certificate.id, privateKeyPem, filename, kept: certificate.encryptedKey !== null };
}
