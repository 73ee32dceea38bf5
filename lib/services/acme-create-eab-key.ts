import { randomUUID } from "node:crypto";
import { argumentSafeRandom } from "../acme/eab-secret";
import { assertCan, assertRecentAuth } from "../auth/actor";
import { getDb } from "../db";
import { AppError } from "../errors";
import { ZAcmeEabKeyInput } from "../validations/acme";
import { parseInput } from "../validations/parse";
import { audit } from "./audit";
import { sealKey } from "../signers/sealed-key";

/** Associated data binding a sealed EAB key to its row. */
export const acmeEabKeyContext = (id: string) => `acme-eab:${id}`;

export interface CreatedEabKey {
  id: string;
  endpointId: string;
  /** What clients pass as the EAB key identifier (certbot --eab-kid, lego --kid). */
  keyId: string;
  /** The HMAC key, base64url (certbot --eab-hmac-key, lego --hmac): returned once, stored sealed. */
  hmacKey: string;
  label: string | null;
  createdAt: Date;
}

/**
 * Creates an External Account Binding key for an endpoint (RFC 8555 7.3.4): a random key id and
 * a 256-bit HMAC key. The key is shown once and stored sealed under the master key; the first
 * account that uses it binds it, and every other account key is refused.
 */
export async function createAcmeEabKey(endpointId: string, raw: unknown = {}, now = new Date()): Promise<CreatedEabKey> {
  assertCan("manage_cas", "create ACME EAB keys");
  assertRecentAuth(now);
  const input = parseInput(ZAcmeEabKeyInput, raw);
  const db = getDb();
  const endpoint = await db.acmeEndpoint.findUnique({ where: { id: endpointId } });
  if (!endpoint) throw new AppError("NOT_FOUND", `There is no ACME endpoint with id "${endpointId.slice(0, 100)}".`, "endpointId");
  const id = randomUUID();
  // Both go on a command line: neither may begin with "-" (lib/acme/eab-secret.ts).
  const keyId = argumentSafeRandom(16).toString("base64url");
  const hmac = argumentSafeRandom(32);
  const row = await db.acmeEabKey.create({
    data: { id, endpointId, keyId, label: input.label ?? null, encryptedKey: sealKey(hmac, acmeEabKeyContext(id)), createdAt: now },
  });
  await audit({
    action: "acme.eab_key.create",
    objectType: "acme_eab_key",
    objectId: id,
    objectLabel: input.label ?? keyId,
    detail: { endpointId, endpoint: endpoint.name, keyId },
  });
  return { id, endpointId, keyId, hmacKey: hmac.toString("base64url"), label: row.label, createdAt: row.createdAt };
}
