import { assertCan, assertRecentAuth } from "../auth/actor";
import { getDb } from "../db";
import { audit } from "./audit";
import { findAcmeEndpoint } from "./acme-endpoint-lookup";

/**
 * Deletes an endpoint with its EAB keys, accounts and orders: its directory answers 404 from then
 * on. Certificates it issued stay in the inventory (valid until revoked or expired); only their
 * link to the ACME account and order goes.
 */
export async function deleteAcmeEndpoint(id: string, now = new Date()): Promise<void> {
  assertCan("manage_cas", "delete ACME endpoints");
  assertRecentAuth(now);
  const endpoint = await findAcmeEndpoint(id);
  const db = getDb();
  const [accounts, orders, certificates] = await Promise.all([
    db.acmeAccount.count({ where: { endpointId: id } }),
    db.acmeOrder.count({ where: { endpointId: id } }),
    db.acmeOrder.count({ where: { endpointId: id, certificateId: { not: null } } }),
  ]);
  await db.acmeEndpoint.delete({ where: { id } });
  await audit({
    action: "acme.endpoint.delete",
    objectType: "acme_endpoint",
    objectId: id,
    objectLabel: endpoint.name,
    detail: { caId: endpoint.authorityId, accounts, orders, certificatesKept: certificates },
  });
}
