/**
 * Who gets a private key cadesk generated, and when (issue #12 item 5). Whoever issues with a
 * generated key receives it in the issuing response itself, unless they can fetch it later
 * anyway: an API caller always (the JSON answer is the only moment it crosses the wire without a
 * separate export), a person using the form when cadesk does not keep the key, or when their role
 * may not download stored keys (an operator), so nobody is left with a certificate and no key.
 */
import { can } from "../auth/roles";

export type KeyDeliveryChannel = "form" | "api";

/** Whether the new private key goes back to the caller in this response. */
export function returnsKeyToCaller(via: KeyDeliveryChannel, keptByCadesk: boolean, role: string | null): boolean {
  if (via === "api") return true;
  return !keptByCadesk || !can(role ?? "", "export_keys");
}
