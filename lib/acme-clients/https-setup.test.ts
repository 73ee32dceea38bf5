/**
 * The endpoint page over HTTPS (CADESK_TLS=1): cadesk's own HTTPS front in front of the ACME
 * server, the page's data saying so and naming the Dashboard CA, and the lego set-up the page
 * shows (EAB filled in, LEGO_CA_CERTIFICATES pointing at that CA) run by Debian's lego until it
 * holds a certificate that `openssl verify` accepts against the endpoint's root.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect } from "vitest";
import { afterAll, beforeAll, it } from "../testing/system";
import { readConfig } from "../config";
import { acmeTransport, getAcmeEndpoint, setupInput } from "../data/acme";
import { DASHBOARD_CA_NAME, startDashboardHttps } from "../services/dashboard-tls";
import { opensslOk } from "../testing/openssl";
import { createEabKey, createEndpoint, freePort, run, setEnv, startAcmeSite, type AcmeTestSite } from "../testing/acme";
import { httpsFrontRuntime } from "../tls/https-front-runtime";
import { acmeSetups, SERVER_CA_FILE } from "./setups";

let site: AcmeTestSite;
let httpsPort: number;
let challengePort: number;

beforeAll(async () => {
  site = await startAcmeSite("Https");
  [httpsPort, challengePort] = [await freePort(), await freePort()];
  setEnv({
    CADESK_TLS: "1",
    CADESK_HTTPS_PORT: String(httpsPort),
    CADESK_HTTPS_HOST: "127.0.0.1",
    CADESK_TLS_NAMES: "localhost,127.0.0.1",
    // The HTTPS front forwards to the ACME server, as it forwards to Next in production.
    PORT: String(site.port),
    CADESK_PUBLIC_URL: `https://localhost:${httpsPort}`,
    CADESK_ACME_HTTP_PORT: String(challengePort),
  });
  await startDashboardHttps(readConfig());
});

afterAll(async () => {
  await httpsFrontRuntime().front?.stop();
  await site.close();
  setEnv({ CADESK_TLS: undefined, CADESK_HTTPS_PORT: undefined, CADESK_PUBLIC_URL: undefined, CADESK_ACME_HTTP_PORT: undefined });
});

describe("an endpoint behind CADESK_TLS=1", () => {
  it("names the Dashboard CA to trust, and lego with the page's set-up obtains a certificate over HTTPS", async () => {
    const transport = await acmeTransport();
    expect(transport).toMatchObject({ scheme: "https", servedBy: "cadesk", serverCa: { name: DASHBOARD_CA_NAME } });
    const ca = transport.serverCa!;
    // The fingerprint the trust step asks to compare is what openssl prints for that CA.
    expect(opensslOk(["x509", "-noout", "-fingerprint", "-sha256"], ca.pem).trim()).toBe(`sha256 Fingerprint=${ca.fingerprintSha256}`);

    const endpoint = await createEndpoint({ name: "https-lego", caId: site.caId, requireEab: true, allowedIdentifiers: ["localhost"] });
    const key = await createEabKey(endpoint.id);
    const detail = (await getAcmeEndpoint(endpoint.id))!;
    expect(detail.directoryUrl).toBe(`https://localhost:${httpsPort}/acme/https-lego/directory`);
    const setups = acmeSetups(setupInput(detail, { keyId: key.keyId, hmacKey: key.hmacKey }));
    expect(setups[0]!.id).toBe("trust-server");

    const caFile = path.join(site.dir, "cadesk-acme-server.crt");
    writeFileSync(caFile, ca.pem);
    const legoDir = path.join(site.dir, "lego");
    mkdirSync(legoDir);
    const text = setups
      .find((s) => s.id === "lego")!
      .text.split("\n# renew")[0]!
      .replaceAll(SERVER_CA_FILE, caFile)
      .replaceAll("/etc/lego", legoDir);
    expect(text).toContain(`--eab --kid=${key.keyId} --hmac=${key.hmacKey}`);
    // lego's own listener on the port cadesk validates against; the rest is the set-up as shown.
    const prelude = `sudo() { [ "$1" = -E ] && shift; "$@"; }
lego() { local last="\${@: -1}"; /usr/bin/lego "\${@:1:$#-1}" --http.port 127.0.0.1:${challengePort} "$last"; }`;
    const result = await run("bash", ["-e", "-c", `${prelude}\n${text}`], { env: { LEGO_CA_CERTIFICATES: "" } });
    expect(result.status, result.output).toBe(0);
    const certFile = path.join(legoDir, "certificates", "localhost.crt");
    expect(existsSync(certFile)).toBe(true);
    const verified = opensslOk(["verify", "-CAfile", site.rootFile, "-untrusted", certFile, certFile]);
    expect(verified).toContain(": OK");
  });
});
