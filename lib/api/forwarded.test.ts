/**
 * scripts/forwarded.mjs, on a real listener: a client that connects directly cannot choose the
 * address that throttling and the audit log see, a named proxy can, and cadesk's HTTPS front
 * proves itself with its per-process token.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { frontToken, parseTrustedProxies, settleForwarded } from "../../scripts/forwarded.mjs";

let trustedList = "";
let server: http.Server;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const { trusted } = parseTrustedProxies(trustedList);
    settleForwarded(req, trusted!);
    res.end(JSON.stringify(req.headers));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

async function seen(headers: Record<string, string>, trusted = "") {
  trustedList = trusted;
  const { port } = server.address() as AddressInfo;
  const answer = await fetch(`http://127.0.0.1:${port}/`, { headers });
  return (await answer.json()) as Record<string, string | undefined>;
}

const claimed = {
  "X-Forwarded-For": "203.0.113.9",
  "X-Forwarded-Proto": "https",
  "X-Forwarded-Host": "evil.example",
  "X-Real-IP": "203.0.113.10",
  Forwarded: "for=203.0.113.11",
};

describe("forwarding headers", () => {
  it("are dropped when the peer is not a trusted proxy (the default)", async () => {
    const headers = await seen(claimed);
    for (const name of ["x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-real-ip", "forwarded"])
      expect(headers[name], name).toBeUndefined();
  });

  it("are kept from a trusted proxy, and the client is the right-most address no trusted proxy wrote", async () => {
    expect((await seen({ ...claimed, "X-Forwarded-For": "198.51.100.7, 203.0.113.9" }, "127.0.0.1"))["x-forwarded-for"]).toBe(
      "203.0.113.9",
    );
    const behindTwo = await seen({ ...claimed, "X-Forwarded-For": "198.51.100.7, 203.0.113.9" }, "127.0.0.0/8, 203.0.113.0/24");
    expect(behindTwo["x-forwarded-for"]).toBe("198.51.100.7");
    expect(behindTwo["x-forwarded-proto"]).toBe("https");
    // A trusted proxy that sent no X-Forwarded-For: the proxy itself is the client.
    expect((await seen({}, "127.0.0.1"))["x-forwarded-for"]).toBe("127.0.0.1");
  });

  it("are kept from cadesk's own HTTPS front, whose token header goes no further", async () => {
    const front = await seen({ ...claimed, "X-Cadesk-Front": frontToken() });
    expect(front["x-forwarded-for"]).toBe("203.0.113.9");
    expect(front["x-cadesk-front"]).toBeUndefined();
    const forged = await seen({ ...claimed, "X-Cadesk-Front": "guessed" });
    expect(forged["x-forwarded-for"]).toBeUndefined();
  });
});

describe("CADESK_TRUSTED_PROXIES", () => {
  it("takes addresses and CIDR ranges of both families", () => {
    const { trusted } = parseTrustedProxies("127.0.0.1, 10.0.0.0/8, ::1, fd00::/8");
    expect(trusted!.check("10.1.2.3")).toBe(true);
    expect(trusted!.check("fd12::1", "ipv6")).toBe(true);
    expect(trusted!.check("192.168.1.1")).toBe(false);
  });

  it.each(["10.0.0.0/33", "proxy.internal", "10.0.0.0/8/1", "::1/129"])("refuses %s, naming it", (entry) => {
    expect(parseTrustedProxies(`127.0.0.1,${entry}`).error).toContain(`"${entry}"`);
  });
});
