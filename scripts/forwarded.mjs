// Which X-Forwarded-* headers cadesk believes. Sign-in throttling, the audit log's client address,
// the Secure cookie flag and redirects read them, so a client that talks to cadesk directly must
// not choose them: they are removed and rebuilt from the socket, unless the peer is a proxy the
// operator named in CADESK_TRUSTED_PROXIES (addresses or CIDR ranges), or cadesk's own HTTPS
// front (lib/tls/https-front.ts), which proves itself with a token only this process knows.
import { randomBytes } from "node:crypto";
import { BlockList, isIP } from "node:net";

const FORWARDED = ["x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-forwarded-port", "x-real-ip", "forwarded"];
const FRONT_HEADER = "x-cadesk-front";
const FRONT_TOKEN = Symbol.for("cadesk.frontToken");

/** Parses CADESK_TRUSTED_PROXIES; returns {trusted} or {error} naming the entry it cannot read. */
export function parseTrustedProxies(raw) {
  const trusted = new BlockList();
  for (const entry of (raw ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [address, bits, extra] = entry.split("/");
    const family = isIP(address);
    const max = family === 6 ? 128 : 32;
    const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
    if (!family || extra !== undefined || !(prefix >= 0 && prefix <= max))
      return { error: `CADESK_TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range (e.g. 127.0.0.1, 10.0.0.0/8, ::1).` };
    trusted.addSubnet(address, prefix, family === 6 ? "ipv6" : "ipv4");
  }
  return { trusted };
}

/** The token the HTTPS front sends; created once per process. */
export function frontToken() {
  globalThis[FRONT_TOKEN] ??= randomBytes(24).toString("base64url");
  return globalThis[FRONT_TOKEN];
}

function plain(address) {
  return address?.startsWith("::ffff:") && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/**
 * Verdicts per list and peer address: BlockList.check builds a SocketAddress each call, ~3% of a
 * small request's CPU, and a server sees few distinct peers. The list is never changed after
 * parseTrustedProxies made it; the cache is emptied when it grows past 10,000 addresses.
 */
const verdicts = new WeakMap();

function isTrusted(trusted, address) {
  let known = verdicts.get(trusted);
  if (!known) verdicts.set(trusted, (known = new Map()));
  let verdict = known.get(address);
  if (verdict === undefined) {
    const a = plain(address);
    const family = isIP(a);
    verdict = family !== 0 && trusted.check(a, family === 6 ? "ipv6" : "ipv4");
    if (known.size >= 10_000) known.clear();
    known.set(address, verdict);
  }
  return verdict;
}

/**
 * Leaves a request's forwarding headers only where a trusted hop set them. Behind trusted
 * proxies the client is the right-most X-Forwarded-For entry that is not itself a trusted proxy
 * (entries further left were written by whoever connected first, possibly the client).
 */
export function settleForwarded(req, trusted) {
  const fromFront = req.headers[FRONT_HEADER] === frontToken();
  delete req.headers[FRONT_HEADER];
  if (fromFront) return;
  const peer = req.socket?.remoteAddress;
  if (!isTrusted(trusted, peer)) {
    for (const name of FORWARDED) delete req.headers[name];
    return;
  }
  const chain = String(req.headers["x-forwarded-for"] ?? "")
    .split(",")
    .map((s) => plain(s.trim()))
    .filter(Boolean);
  let client = plain(peer);
  while (chain.length > 0) {
    client = chain.pop();
    if (!isTrusted(trusted, client)) break;
  }
  req.headers["x-forwarded-for"] = client;
}
