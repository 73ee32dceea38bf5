import type { AcmeAccount, AcmeEndpoint } from "@/generated/prisma/client";
import type { Actor } from "../auth/actor";

/**
 * Who acts for an ACME request: before the account is known, the endpoint on behalf of an
 * unidentified client; after, the account itself. Neither holds a dashboard role: what an ACME
 * account may do is decided by the endpoint's policy in the RA, not by role grants.
 */
export function acmeEndpointActor(endpoint: Pick<AcmeEndpoint, "name">, ip: string | null): Actor {
  return { type: "acme", id: null, label: `ACME client of ${endpoint.name}`, role: null, userId: null, ip };
}

export function acmeAccountActor(endpoint: Pick<AcmeEndpoint, "name">, account: Pick<AcmeAccount, "id">, ip: string | null): Actor {
  return {
    type: "acme",
    id: account.id,
    label: `ACME account ${account.id.slice(0, 8)} on ${endpoint.name}`,
    role: null,
    userId: null,
    ip,
  };
}
