/**
 * Which names go into a leaf's Subject Alternative Names. Clients match names only against the
 * SAN (RFC 6125 6.4.4; Chrome and Go ignore the CN), so the SAN is what counts, and the CN goes
 * into it only when it is a host name.
 */
import { AppError } from "../errors";
import { sanFromCommonName, type San } from "../pki/names";
import { PROFILE_SPECS, type LeafProfile } from "../pki/profiles";

/**
 * The CN as a host-name SAN entry, or null when it is not a host name. For a server any DNS name
 * or IP counts ("localhost" is a host). A client's CN usually names a person or a service
 * ("billing", "client-p256"): only a dotted DNS name or an IP address is taken as a host there, so
 * a one-label CN never becomes a DNS name that no peer resolves and pkilint rejects.
 */
export function commonNameAsHost(profile: LeafProfile, commonName: string | undefined): San | null {
  const san = commonName ? sanFromCommonName(commonName) : null;
  if (!san || (san.type !== "dns" && san.type !== "ip")) return null;
  if (!PROFILE_SPECS[profile].needsHostName && san.type === "dns" && !san.value.includes(".")) return null;
  return san;
}

/**
 * The SAN list for a leaf: the requested names, with a server's host-name CN added when missing
 * and a client's host-name CN used when nothing else was given. A server needs a DNS name or IP;
 * every leaf needs at least one name.
 */
export function leafSans(profile: LeafProfile, commonName: string | undefined, requested: San[]): San[] {
  const sans = [...requested];
  const fromCn = commonNameAsHost(profile, commonName);
  const present = fromCn && sans.some((s) => s.type === fromCn.type && s.value === fromCn.value);
  if (fromCn && !present && (PROFILE_SPECS[profile].needsHostName || sans.length === 0)) sans.unshift(fromCn);
  const notHost = commonName && !fromCn ? `The Common Name "${commonName}" is not a host name, so it does not go into the SAN. ` : "";
  if (PROFILE_SPECS[profile].needsHostName && !sans.some((s) => s.type === "dns" || s.type === "ip")) {
    throw new AppError(
      "INVALID_INPUT",
      `${notHost}A TLS server certificate needs at least one DNS name or IP address in its Subject Alternative Names: clients match the host name against them, never the CN.`,
      "sans",
    );
  }
  if (sans.length === 0) {
    throw new AppError(
      "INVALID_INPUT",
      `${notHost}Add at least one Subject Alternative Name: a URI such as spiffe://example.org/${uriSafe(commonName)}, an e-mail address, or a DNS name. Peers identify a client by its SAN.`,
      "sans",
    );
  }
  return sans;
}

const uriSafe = (name: string | undefined) => (name ? encodeURIComponent(name.trim().toLowerCase().replace(/\s+/g, "-")) : "service");
