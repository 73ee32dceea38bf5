/**
 * certbot (Debian's 2.1) against cadesk's ACME server over real sockets: register with EAB,
 * obtain with http-01 standalone, renew with --force-renewal, revoke; the chain verifies with
 * openssl against the cadesk root.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db";
import { openssl } from "../testing/openssl";
import { createEabKey, createEndpoint, freePort, run, setEnv, startAcmeSite, type AcmeTestSite } from "../testing/acme";

let site: AcmeTestSite;
let directory: string;
let kid: string;
let hmac: string;
let httpPort: number;

beforeAll(async () => {
  site = await startAcmeSite("Certbot");
  const endpoint = await createEndpoint({ name: "certbot", caId: site.caId, requireEab: true, allowedIdentifiers: [".localhost"] });
  const eab = await createEabKey(endpoint.id);
  directory = site.directoryUrl("certbot");
  kid = eab.keyId;
  hmac = eab.hmacKey;
  httpPort = await freePort();
  setEnv({ CADESK_ACME_HTTP_PORT: String(httpPort) });
});

afterAll(() => site?.close());

function certbot(args: string[]) {
  const dir = site.dir;
  return run("certbot", [
    ...args,
    "--non-interactive",
    "--config-dir",
    path.join(dir, "config"),
    "--work-dir",
    path.join(dir, "work"),
    "--logs-dir",
    path.join(dir, "logs"),
  ]);
}

const live = (file: string) => path.join(site.dir, "config", "live", "localhost", file);

describe("certbot", () => {
  it("is refused without EAB, then registers with EAB and obtains a certificate with http-01 standalone", async () => {
    const refused = await certbot(["register", "--server", directory, "--agree-tos", "-m", "ops@example.com"]);
    expect(refused.status, refused.output).not.toBe(0);
    expect(refused.output).toMatch(/requires external account binding/i);

    const obtained = await certbot([
      "certonly",
      "--standalone",
      "--server",
      directory,
      "--agree-tos",
      "-m",
      "ops@example.com",
      "--eab-kid",
      kid,
      "--eab-hmac-key",
      hmac,
      "--preferred-challenges",
      "http",
      "--http-01-port",
      String(httpPort),
      "--http-01-address",
      "127.0.0.1",
      "-d",
      "localhost",
    ]);
    expect(obtained.status, obtained.output).toBe(0);
    expect(existsSync(live("fullchain.pem"))).toBe(true);
    const verified = openssl(["verify", "-CAfile", site.rootFile, "-untrusted", live("chain.pem"), live("cert.pem")]);
    expect(verified.stdout + verified.stderr).toContain(": OK");
    const text = openssl(["x509", "-noout", "-ext", "subjectAltName", "-in", live("cert.pem")]).stdout;
    expect(text).toContain("DNS:localhost");

    const eab = await getDb().acmeEabKey.findUniqueOrThrow({ where: { keyId: kid }, include: { account: true } });
    expect(eab.boundAt).not.toBeNull();
    expect(eab.account?.contacts).toContain("mailto:ops@example.com");
    const orders = await getDb().acmeOrder.findMany({
      where: { accountId: eab.account!.id },
      include: { certificate: true, authorizations: { include: { challenges: true } } },
    });
    const valid = orders.find((o) => o.status === "valid")!;
    expect(valid.certificate?.source).toBe("csr");
    const http01 = valid.authorizations[0]!.challenges.find((c) => c.type === "http-01")!;
    expect(http01.status).toBe("valid");
    expect(JSON.parse(http01.transcript)[0].detail).toContain("HTTP 200 with the expected key authorization");
  });

  it("renews with --force-renewal: a new certificate from a new order", async () => {
    const before = readFileSync(live("cert.pem"), "utf8");
    const renewed = await certbot(["renew", "--force-renewal", "--no-random-sleep-on-renew"]);
    expect(renewed.status, renewed.output).toBe(0);
    const after = readFileSync(live("cert.pem"), "utf8");
    expect(after).not.toBe(before);
    const verified = openssl(["verify", "-CAfile", site.rootFile, "-untrusted", live("chain.pem"), live("cert.pem")]);
    expect(verified.stdout + verified.stderr).toContain(": OK");
  });

  it("revokes with the account key; the certificate is revoked in the inventory with the reason", async () => {
    const serial = openssl(["x509", "-noout", "-serial", "-in", live("cert.pem")])
      .stdout.trim()
      .split("=")[1]!
      .toLowerCase();
    const revoked = await certbot([
      "revoke",
      "--server",
      directory,
      "--cert-path",
      live("cert.pem"),
      "--reason",
      "keycompromise",
      "--no-delete-after-revoke",
    ]);
    expect(revoked.status, revoked.output).toBe(0);
    const row = await getDb().certificate.findFirstOrThrow({ where: { serialHex: { endsWith: serial.replace(/^0+/, "") } } });
    expect(row).toMatchObject({ status: "revoked", revocationReason: "keyCompromise" });
    const again = await certbot(["revoke", "--server", directory, "--cert-path", live("cert.pem"), "--no-delete-after-revoke"]);
    expect(again.status).not.toBe(0);
    // certbot 2.1 on Python 3.11 then trips over its own error display (josepy "can't set attribute"); its log has the answer.
    expect(readFileSync(path.join(site.dir, "logs", "letsencrypt.log"), "utf8")).toContain("urn:ietf:params:acme:error:alreadyRevoked");
  });
});
