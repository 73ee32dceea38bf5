/**
 * Caddy (Debian's 2.6.2) with cadesk's directory as its ACME CA and an EAB key: it obtains a
 * certificate on its own (http-01 or tls-alpn-01, its choice) and serves HTTPS that curl accepts
 * with the cadesk root.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db";
import { createEabKey, createEndpoint, freePort, run, setEnv, startAcmeSite, type AcmeTestSite } from "../testing/acme";
import { startKnot, type KnotServer } from "../testing/knot";

let site: AcmeTestSite;
let dns: KnotServer;
let caddy: ChildProcess;
let httpsPort: number;
let log = "";

beforeAll(async () => {
  site = await startAcmeSite("Caddy");
  dns = await startKnot("acme.test", ["caddy A 127.0.0.1"]);
  const endpoint = await createEndpoint({ name: "caddy", caId: site.caId, requireEab: true, allowedIdentifiers: [".acme.test"] });
  const eab = await createEabKey(endpoint.id);
  const httpPort = await freePort();
  httpsPort = await freePort();
  setEnv({ CADESK_ACME_DNS_SERVER: dns.address, CADESK_ACME_HTTP_PORT: String(httpPort), CADESK_ACME_TLS_PORT: String(httpsPort) });
  const caddyfile = path.join(site.dir, "Caddyfile");
  writeFileSync(
    caddyfile,
    `{
	admin off
	http_port ${httpPort}
	https_port ${httpsPort}
	storage file_system ${path.join(site.dir, "caddy")}
	skip_install_trust
	email caddy@example.com
	acme_ca ${site.directoryUrl("caddy")}
	acme_eab {
		key_id ${eab.keyId}
		mac_key ${eab.hmacKey}
	}
}

caddy.acme.test {
	respond "hello from caddy"
}
`,
  );
  caddy = spawn("caddy", ["run", "--config", caddyfile, "--adapter", "caddyfile"], {
    env: { ...process.env, HOME: site.dir, XDG_DATA_HOME: site.dir, XDG_CONFIG_HOME: site.dir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  caddy.stdout?.on("data", (d) => (log += d));
  caddy.stderr?.on("data", (d) => (log += d));
});

afterAll(async () => {
  caddy?.kill();
  await dns?.stop();
  await site?.close();
});

describe("Caddy", () => {
  it("obtains a certificate on its own and serves HTTPS that curl accepts with the cadesk root", async () => {
    let result = { status: -1, output: "" };
    for (let i = 0; i < 60 && result.status !== 0; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      result = await run("curl", [
        "-sS",
        "--max-time",
        "5",
        "--cacert",
        site.rootFile,
        "--resolve",
        `caddy.acme.test:${httpsPort}:127.0.0.1`,
        `https://caddy.acme.test:${httpsPort}/`,
      ]);
    }
    expect(result.status, `${result.output}\n--- caddy log ---\n${log.slice(-4000)}`).toBe(0);
    expect(result.output).toContain("hello from caddy");
    const order = await getDb().acmeOrder.findFirstOrThrow({
      where: { status: "valid", endpoint: { name: "caddy" } },
      include: { account: { include: { eabKey: true } }, certificate: true },
    });
    expect(order.account.eabKey).not.toBeNull();
    expect(JSON.parse(order.certificate!.sans)).toEqual([{ type: "dns", value: "caddy.acme.test" }]);
  });
});
