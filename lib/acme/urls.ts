/** The URLs of one ACME endpoint's resources, all under {CADESK_PUBLIC_URL}/acme/{name}/. */
import { readConfig } from "../config";

export function endpointBase(name: string): string {
  return `${readConfig().publicUrl}/acme/${name}`;
}

export function acmeUrls(name: string) {
  const base = endpointBase(name);
  return {
    base,
    directory: `${base}/directory`,
    newNonce: `${base}/new-nonce`,
    newAccount: `${base}/new-account`,
    newOrder: `${base}/new-order`,
    revokeCert: `${base}/revoke-cert`,
    keyChange: `${base}/key-change`,
    renewalInfo: `${base}/renewal-info`,
    account: (id: string) => `${base}/account/${id}`,
    accountOrders: (id: string) => `${base}/account/${id}/orders`,
    order: (id: string) => `${base}/order/${id}`,
    finalize: (id: string) => `${base}/order/${id}/finalize`,
    authz: (id: string) => `${base}/authz/${id}`,
    challenge: (id: string) => `${base}/chall/${id}`,
    certificate: (id: string, alternate = 0) => `${base}/cert/${id}${alternate ? `/${alternate}` : ""}`,
  };
}

export type AcmeUrls = ReturnType<typeof acmeUrls>;
