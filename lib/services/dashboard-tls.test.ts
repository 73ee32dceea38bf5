import { createServer } from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import tls, { type TLSSocket } from "node:tls";
import { describe, expect } from "vitest";
import { setConfigForTesting } from "../config";
import { afterAll, beforeAll, it } from "../testing/system";
import { getDb } from "../db";
import { runAsync, tempDir, writeFiles } from "../testing/openssl";
import { httpsFrontRuntime } from "../tls/https-front-runtime";
import { dashboardCertificateId, serveDashboardCertificate } from "./dashboard-certificate";
import { DASHBOARD_CA_NAME, ensureDashboardCertificate, startDashboardHttps } from "./dashboard-tls";
import { renewCertificate } from "./renew-certificate";

let upstream: ReturnType<typeof createServer>;
let port: number;
let caPem: string;

beforeAll(async () => {
  // Stands in for Next: answers with the headers it received.
  upstream = createServer((req, res) =>
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ url: req.url, headers: req.headers })),
  );
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  const config = setConfigForTesting({
    ...process.env,
    CADESK_TLS_NAMES: "localhost,127.0.0.1",
    CADESK_TLS: "1",
    CADESK_HTTPS_PORT: "0",
    CADESK_HTTPS_HOST: "127.0.0.1",
    PORT: String((upstream.address() as AddressInfo).port),
  });
  const front = await startDashboardHttps(config);
  port = front!.port!;
  caPem = (await getDb().authority.findFirstOrThrow({ where: { commonName: DASHBOARD_CA_NAME } })).certificatePem;
});

afterAll(async () => {
  await httpsFrontRuntime().front?.stop();
  await new Promise((resolve) => upstream.close(resolve));
  setConfigForTesting();
});

function get(
  agent: https.Agent,
  headers: Record<string, string> = {},
): Promise<{ serial: string; body: { url: string; headers: Record<string, string> }; socket: TLSSocket }> {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: "localhost", port, path: "/certificates?x=1", ca: caPem, agent, headers }, (res) => {
      const socket = res.socket as TLSSocket;
      // Read at once: a socket back in the agent's pool no longer reports its peer.
      const serial = socket.getPeerX509Certificate()?.serialNumber.toLowerCase() ?? "";
      let data = "";
      res.on("data", (c) => (data += c));
      res.on("end", () => resolve({ serial, body: JSON.parse(data), socket }));
    });
    req.on("error", reject);
  });
}

describe("HTTPS for the dashboard (CADESK_TLS=1)", () => {
  it("serves a certificate from its own CA that curl verifies, and sets the forwarded headers itself", async () => {
    const id = (await dashboardCertificateId())!;
    const certificate = await getDb().certificate.findUniqueOrThrow({ where: { id } });
    expect(JSON.parse(certificate.sans).map((s: { value: string }) => s.value)).toEqual(["localhost", "127.0.0.1"]);
    const f = writeFiles(tempDir(), { "ca.pem": caPem });
    const curl = await runAsync("curl", [
      "-sS",
      "--cacert",
      f["ca.pem"]!,
      "-H",
      "X-Forwarded-For: 6.6.6.6",
      `https://localhost:${port}/audit`,
    ]);
    expect(curl.status, curl.stderr).toBe(0);
    const seen = JSON.parse(curl.stdout);
    expect(seen.url).toBe("/audit");
    expect(seen.headers).toMatchObject({
      "x-forwarded-proto": "https",
      "x-forwarded-for": "127.0.0.1",
      "x-forwarded-host": `localhost:${port}`,
    });
  });

  it("serves a renewed certificate from the next handshake on, without dropping open connections", async () => {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
    const first = await get(agent);
    expect(first.serial).not.toBe("");
    const oldId = (await dashboardCertificateId())!;
    const { certificate } = await renewCertificate(oldId, {});
    expect(await dashboardCertificateId()).toBe(certificate.id);
    const again = await get(agent);
    expect(again.socket).toBe(first.socket); // the open connection carried on
    const served = await new Promise<string>((resolve, reject) => {
      const socket = tls.connect({ host: "127.0.0.1", port, servername: "localhost", ca: caPem }, () => {
        resolve(socket.getPeerX509Certificate()!.serialNumber.toLowerCase());
        socket.end();
      });
      socket.on("error", reject);
    });
    expect(served).toBe(certificate.serialHex);
    agent.destroy();
  });

  it("renews itself 30 days before expiry", async () => {
    const id = (await dashboardCertificateId())!;
    const current = await getDb().certificate.findUniqueOrThrow({ where: { id } });
    const later = new Date(current.notAfter.getTime() - 20 * 86_400_000);
    const renewed = await ensureDashboardCertificate(later);
    expect(renewed).not.toBe(id);
    expect((await getDb().certificate.findUniqueOrThrow({ where: { id: renewed } })).renewedFromId).toBe(id);
    expect(await ensureDashboardCertificate(later)).toBe(renewed);
    // Back at the real time, a certificate made for that later day is not yet valid: a usable one replaces it.
    const now = await ensureDashboardCertificate(new Date());
    expect(now).not.toBe(renewed);
    expect((await getDb().certificate.findUniqueOrThrow({ where: { id: now } })).notBefore.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it("serves a renewal whose instance died before serving it, instead of renewing twice", async () => {
    const id = (await dashboardCertificateId())!;
    const current = await getDb().certificate.findUniqueOrThrow({ where: { id } });
    const later = new Date(current.notAfter.getTime() - 20 * 86_400_000);
    // The dead instance's first write (the renewal) committed; its second (serving it) never ran.
    const orphan = (await renewCertificate(id, {}, later)).certificate.id;
    await serveDashboardCertificate(id);
    expect(await ensureDashboardCertificate(later)).toBe(orphan);
    expect(await dashboardCertificateId()).toBe(orphan);
    expect(await getDb().certificate.count({ where: { renewedFromId: id } })).toBe(1);
  });
});
