/**
 * "Which certificates cover host X?": the certificates a TLS client connecting to X would accept
 * by name. A separate, small filter beside the inventory's text search (lib/data/certificates.ts),
 * which it narrows: the text search finds substrings anywhere, this one answers by the matching
 * rules of RFC 6125 6.4 (RFC 9525 6.3), on the Subject Alternative Names only, since clients ignore
 * the Common Name when SANs are present (RFC 6125 6.4.4) and cadesk always writes SANs.
 */
import { isIP } from "node:net";
import { nameMatches, type InventoryFilter } from "../stores/search";
import { AppError } from "../errors";
import { normaliseDnsName } from "../pki/names";
import type { San } from "../pki/names-format";
import { decodeSans } from "./columns";

/** Rows read (all candidate names together) to tell covering from refused ones; beyond, the name look-up decides alone. */
export const HOST_MATCH_LIMIT = 5000;

export type HostTarget = { type: "dns"; name: string } | { type: "ip"; address: string };

/** IPv6 in the canonical form lib/pki/names stores (so "0:0::1" finds "::1"), IPv4 as is. */
function canonicalIp(value: string): string | null {
  const raw = value.trim().replace(/^\[(.*)\]$/, "$1");
  const version = isIP(raw);
  if (version === 0) return null;
  return version === 6 ? new URL(`http://[${raw}]/`).hostname.slice(1, -1) : raw;
}

/** The host typed into the search: an IP address or a DNS name (lowercase, IDN as punycode). */
export function parseHost(input: string): HostTarget {
  const address = canonicalIp(input);
  if (address) return { type: "ip", address };
  try {
    return { type: "dns", name: normaliseDnsName(input) };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    throw new AppError(
      "INVALID_INPUT",
      `"${input.slice(0, 80)}" is not a host name or IP address (${error.message.replace(/^.*is not valid: /, "").replace(/\.$/, "")}). ` +
        "Type the name a client connects to, such as foo.apps.internal.example or 10.0.0.5.",
      "host",
    );
  }
}

/**
 * Whether one SAN covers the host. A DNS host matches an equal DNS name, or a wildcard whose `*`
 * stands for exactly its leftmost label (`*.apps.example` covers `foo.apps.example`, not
 * `apps.example` nor `a.b.apps.example`: RFC 6125 6.4.3). An IP host matches an equal IP SAN only:
 * clients never compare an address with DNS names (RFC 6125 6.2.1, RFC 5280 4.2.1.6).
 */
export function sanCoversHost(san: San, host: HostTarget): boolean {
  if (host.type === "ip") return san.type === "ip" && canonicalIp(san.value) === host.address;
  if (san.type !== "dns") return false;
  const name = san.value.toLowerCase().replace(/\.$/, "");
  if (name === host.name) return true;
  if (!name.startsWith("*.") || host.name.startsWith("*.")) return false;
  const dot = host.name.indexOf(".");
  return dot > 0 && host.name.slice(dot + 1) === name.slice(2);
}

/** The SAN values that could cover the host: itself, and the wildcard over its parent. */
export function coveringNames(host: HostTarget): string[] {
  if (host.type === "ip") return [host.address];
  const labels = host.name.split(".");
  // A wildcard needs two labels after it (normaliseDnsName refuses *.com), so x.com has none.
  return labels.length >= 3 && !host.name.startsWith("*.") ? [host.name, `*.${labels.slice(1).join(".")}`] : [host.name];
}

/**
 * The certificates whose SANs cover the host (`ids`, newest first) and those the look-up finds
 * but the rule refuses (`refused`: a DNS SAN spelled like the IP address asked for). The store
 * keeps every DNS and IP SAN value of each certificate in "CertificateName" (migration 0029, kept
 * by triggers; DNS lowercase without a trailing dot), so the candidate names are equality
 * look-ups on both stores, however common their words: the substring index of "searchText" had
 * nothing rare to look up for "*.internal.example" on PostgreSQL (pg_trgm drops the `*`) and read
 * the whole table. The rule above still decides, on each candidate's decoded SANs.
 */
export async function certificatesCoveringHost(
  host: HostTarget,
  limit = HOST_MATCH_LIMIT,
): Promise<{ ids: string[]; refused: string[]; truncated: boolean }> {
  const found = await nameMatches(coveringNames(host), limit + 1);
  const rows = found.slice(0, limit);
  const covers = (r: { sans: string }) => decodeSans(r.sans).some((san) => sanCoversHost(san, host));
  return {
    ids: rows.filter(covers).map((r) => r.id),
    refused: rows.filter((r) => !covers(r)).map((r) => r.id),
    truncated: found.length > limit,
  };
}

/**
 * A few ids fit beside the other filters' bound parameters (the text search may add up to 900 of
 * its own, under the SQLite adapter's 999).
 */
const INLINE_IDS = 60;

/**
 * The inventory filter for "covers host X" as a Prisma filter (the export), to AND with the other
 * filters. Usually a short id list; for a name many certificates cover, the name look-up itself
 * minus the few rows the rule refused.
 */
export async function hostWhere(input: string) {
  const host = parseHost(input);
  const { ids, refused } = await certificatesCoveringHost(host);
  if (ids.length <= INLINE_IDS) return { id: { in: ids } };
  return {
    names: { some: { name: { in: coveringNames(host) } } },
    ...(refused.length ? { id: { notIn: refused.slice(0, INLINE_IDS) } } : {}),
  };
}

/**
 * Ids that fit in the inventory list query (lib/stores/search.ts) beside its other parameters,
 * under the SQLite adapter's 999 bound parameters.
 */
const LIST_IDS = 900;

/** The host filter for the inventory list: the covering ids, or for a name many certificates cover, the name look-up minus the refused rows. */
export async function hostFilter(input: string): Promise<Pick<InventoryFilter, "ids" | "names" | "notIds">> {
  const host = parseHost(input);
  const { ids, refused, truncated } = await certificatesCoveringHost(host);
  if (ids.length <= LIST_IDS && !truncated) return { ids };
  return { names: coveringNames(host), notIds: refused.slice(0, LIST_IDS) };
}
