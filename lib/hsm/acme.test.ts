/**
 * ACME certificates from a CA whose key is in the token: lego (Debian's) orders a certificate for
 * 127.0.0.1 over http-01 from an endpoint on an HSM-backed intermediate, and openssl verifies the
 * chain it receives up to the HSM-backed root.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db";
import { createEndpoint, freePort, run, setEnv, startAcmeSite, type AcmeTestSite } from "../testing/acme";
import { openssl } from "../testing/openssl";
import { createTestToken } from "../testing/softhsm";

let site: AcmeTestSite;
let httpPort: number;

beforeAll(async () => {
  setEnv(createTestToken("cadesk-acme").env);
  site = await startAcmeSite("HSM", { keyStorage: "pkcs11" });
  await createEndpoint({ name: "hsm", caId: site.caId, allowedIdentifiers: ["127.0.0.0/8"] });
  httpPort = await freePort();
  setEnv({ CADESK_ACME_HTTP_PORT: String(httpPort) });
});

afterAll(() => site?.close());

describe("ACME from an HSM-backed CA", () => {
  it("issues to lego over http-01, signed in the token, verified by openssl", async () => {
    expect(await getDb().authority.findUnique({ where: { id: site.caId } })).toMatchObject({ keyStorage: "pkcs11" });
    const lego = path.join(site.dir, "lego");
    const result = await run("lego", [
      "--server",
      site.directoryUrl("hsm"),
      "--accept-tos",
      "--email",
      "hsm@example.com",
      "--path",
      lego,
      "--http",
      "--http.port",
      `127.0.0.1:${httpPort}`,
      "--domains",
      "127.0.0.1",
      "run",
    ]);
    expect(result.status, result.output).toBe(0);
    const file = (ext: string) => path.join(lego, "certificates", `127.0.0.1.${ext}`);
    const verified = openssl(["verify", "-CAfile", site.rootFile, "-untrusted", file("issuer.crt"), file("crt")]);
    expect(verified.stdout + verified.stderr).toContain(": OK");
  });
});
