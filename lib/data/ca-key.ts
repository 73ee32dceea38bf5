/**
 * Where a CA's private key lives, for its page: sealed in the store, or in the PKCS#11 token with
 * the token's label and the key's id, plus whether the token answers right now (a wrong PIN or a
 * missing token is said on the page, with what to do, not discovered at the next issuance).
 */
import type { Authority } from "@/generated/prisma/client";
import { parseCertificate } from "../pki/certificate";
import { parsePemBlocks } from "../pki/pem";
import { probeCaKey } from "../signers/ca-keys";

export type CaKeyLocation =
  | { storage: "sealed" }
  | { storage: "pkcs11"; tokenLabel: string; keyId: string; keyLabel: string | null; usable: boolean; problem: string | null };

export async function caKeyLocation(
  a: Pick<Authority, "id" | "commonName" | "keyType" | "certificatePem" | "status" | "keyStorage" | "pkcs11Token" | "pkcs11KeyId" | "pkcs11KeyLabel" | "encryptedKey">,
): Promise<CaKeyLocation> {
  if (a.keyStorage !== "pkcs11") return { storage: "sealed" };
  const location = { storage: "pkcs11" as const, tokenLabel: a.pkcs11Token ?? "", keyId: a.pkcs11KeyId ?? "", keyLabel: a.pkcs11KeyLabel };
  // A revoked CA signs nothing more: no need to reach for its token.
  if (a.status === "revoked") return { ...location, usable: false, problem: null };
  const spki = new Uint8Array(parseCertificate(parsePemBlocks(a.certificatePem)[0]!.der).publicKey.rawData);
  const probe = await probeCaKey(a as Authority, spki);
  return { ...location, usable: probe.ok, problem: probe.ok ? null : probe.detail };
}
