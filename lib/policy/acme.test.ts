/**
 * ACME under a constrained CA, with lego (Debian's 4.9.1): an identifier outside the chain's name
 * constraints or the CA's issuance policy is refused at newOrder with rejectedIdentifier naming
 * the constraint and the CA, before any challenge; one inside them is issued (http-01 for an IP).
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAs, SYSTEM_ACTOR } from "../auth/actor";
import { getDb } from "../db";
import { createAuthority } from "../services/create-authority";
import { setAuthorityPolicy } from "../services/set-authority-policy";
import { createEndpoint, freePort, run, setEnv, startAcmeSite, type AcmeTestSite } from "../testing/acme";
import { openssl } from "../testing/openssl";

let site: AcmeTestSite;
let caId: string;
let httpPort: number;

beforeAll(async () => {
  site = await startAcmeSite("Constrained");
  const root = await getDb().authority.findFirstOrThrow({ where: { commonName: "Constrained ACME Root" } });
  caId = await runAs(SYSTEM_ACTOR, async () => {
    const ca = await createAuthority({
      commonName: "ACME Loopback Issuing",
      parentId: root.id,
      nameConstraints: { permitted: { dns: ["acme.test"], ip: ["127.0.0.0/8"] } },
    });
    return ca.authority.id;
  });
  await createEndpoint({ name: "constrained", caId });
  httpPort = await freePort();
  setEnv({ CADESK_ACME_HTTP_PORT: String(httpPort) });
});

afterAll(() => site?.close());

function lego(domain: string, account: string) {
  return run("lego", [
    "--server",
    site.directoryUrl("constrained"),
    "--accept-tos",
    "--email",
    "lego@example.com",
    "--path",
    path.join(site.dir, account),
    "--http",
    "--http.port",
    `127.0.0.1:${httpPort}`,
    "--domains",
    domain,
    "run",
  ]);
}

describe("ACME under a constrained CA", () => {
  it("refuses a name outside the name constraints at newOrder, naming the constraint and the CA", async () => {
    const before = await getDb().acmeOrder.count();
    const result = await lego("www.example.com", "outside");
    expect(result.status).not.toBe(0);
    expect(result.output).toContain("rejectedIdentifier");
    expect(result.output).toContain(
      'The DNS name "www.example.com" is not allowed: the CA "ACME Loopback Issuing" permits only "acme.test"',
    );
    expect(await getDb().acmeOrder.count()).toBe(before); // refused before an order or challenge exists
  });

  it("issues an IP inside them, and refuses it once the CA's policy leaves it out", async () => {
    const ok = await lego("127.0.0.1", "inside");
    expect(ok.status, ok.output).toBe(0);
    const cert = path.join(site.dir, "inside", "certificates", "127.0.0.1.crt");
    const verified = openssl([
      "verify",
      "-CAfile",
      site.rootFile,
      "-untrusted",
      path.join(site.dir, "inside", "certificates", "127.0.0.1.issuer.crt"),
      cert,
    ]);
    expect(verified.stdout + verified.stderr).toContain(": OK");

    // The CA's policy: a default lifetime is kept within its maximum; a key type it refuses is a bad CSR, named.
    await runAs(SYSTEM_ACTOR, () => setAuthorityPolicy(caId, { maxValidityDays: 7 }));
    const short = await lego("127.0.0.1", "short");
    expect(short.status, short.output).toBe(0);
    const days = openssl(["x509", "-noout", "-enddate", "-in", path.join(site.dir, "short", "certificates", "127.0.0.1.crt")]).stdout;
    expect(new Date(days.replace("notAfter=", "").trim()).getTime() - Date.now()).toBeLessThan(7 * 86_400_000 + 60_000);
    await runAs(SYSTEM_ACTOR, () => setAuthorityPolicy(caId, { keyTypes: ["rsa"] }));
    const key = await lego("127.0.0.1", "key");
    expect(key.status).not.toBe(0);
    expect(key.output).toContain("badCSR");
    expect(key.output).toContain('is not allowed: use one of rsa (the issuance policy of the CA "ACME Loopback Issuing", rule keyTypes)');

    await runAs(SYSTEM_ACTOR, () => setAuthorityPolicy(caId, { allowedIps: ["127.0.0.2/32"] }));
    const refused = await lego("127.0.0.1", "policy");
    expect(refused.status).not.toBe(0);
    expect(refused.output).toContain("rejectedIdentifier");
    expect(refused.output).toContain(
      'The IP address 127.0.0.1 is not in the allowed ranges "127.0.0.2/32" (the issuance policy of the CA "ACME Loopback Issuing", rule allowedIps)',
    );
  });
});
