/**
 * A real authoritative DNS server for dns-01 tests: Debian's Knot DNS on a free loopback port,
 * serving one zone that accepts RFC 2136 dynamic updates signed with a TSIG key (what lego's
 * rfc2136 provider and `knsupdate` send).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { freePort, run } from "./acme";
import { tempDir } from "./openssl";

export interface KnotServer {
  port: number;
  /** "127.0.0.1:port", for CADESK_ACME_DNS_SERVER and lego's --dns.resolvers. */
  address: string;
  zone: string;
  tsig: { name: string; algorithm: "hmac-sha256"; secret: string };
  /** Adds records through a signed RFC 2136 update, e.g. ["www 5 A 127.0.0.1"]. */
  update: (records: string[]) => Promise<void>;
  stop: () => Promise<void>;
}

export async function startKnot(zone: string, records: string[]): Promise<KnotServer> {
  const dir = tempDir("cadesk-knot-");
  const port = await freePort();
  const secret = randomBytes(32).toString("base64");
  const tsig = { name: "acme-key.", algorithm: "hmac-sha256" as const, secret };
  writeFileSync(
    path.join(dir, "zone"),
    [`$ORIGIN ${zone}.`, "$TTL 5", "@ SOA ns1 hostmaster 1 3600 600 86400 5", "@ NS ns1", "ns1 A 127.0.0.1", ...records, ""].join("\n"),
  );
  writeFileSync(
    path.join(dir, "knot.conf"),
    `server:
    listen: 127.0.0.1@${port}
    rundir: ${dir}
    pidfile: ${dir}/knot.pid
database:
    storage: ${dir}
control:
    listen: ${dir}/knot.sock
log:
  - target: stderr
    any: warning
key:
  - id: ${tsig.name}
    algorithm: ${tsig.algorithm}
    secret: ${secret}
acl:
  - id: update
    key: ${tsig.name}
    action: update
zone:
  - domain: ${zone}.
    file: ${dir}/zone
    acl: update
    zonefile-sync: -1
    zonefile-load: difference-no-serial
    journal-content: all
`,
  );
  const child: ChildProcess = spawn("/usr/sbin/knotd", ["-c", path.join(dir, "knot.conf")], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr?.on("data", (d) => (log += d));
  const address = `127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    const probe = await run("kdig", [`@127.0.0.1`, "-p", String(port), `${zone}.`, "SOA", "+short", "+time=1", "+retry=0"]);
    if (probe.stdout.includes("hostmaster")) break;
    if (i === 49 || child.exitCode !== null) throw new Error(`knotd did not start: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    address,
    zone,
    tsig,
    update: async (lines) => {
      const script = [`server 127.0.0.1 ${port}`, `zone ${zone}.`, ...lines.map((l) => `update add ${l}`), "send", ""].join("\n");
      const file = path.join(dir, `update-${randomBytes(4).toString("hex")}.txt`);
      writeFileSync(file, script);
      const result = await run("knsupdate", ["-y", `${tsig.algorithm}:${tsig.name}:${secret}`, file]);
      if (result.status !== 0) throw new Error(`knsupdate failed: ${result.output}`);
    },
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
