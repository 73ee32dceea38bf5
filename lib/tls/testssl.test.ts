/**
 * The echo server's TLS is a model for users: testssl.sh must find nothing of severity MEDIUM or
 * higher, except the missing CRL/OCSP URL of a certificate issued without one.
 */
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { afterAll, beforeAll, it } from "../testing/system";
import { createAuthority } from "../services/create-authority";
import { exportCertificate } from "../services/export-certificate";
import { issueCertificate } from "../services/issue-certificate";
import { runAsync, tempDir, writeFiles } from "../testing/openssl";
import { EchoServer } from "./echo-server";

let echo: EchoServer;
let rootPem: string;

beforeAll(async () => {
  const root = await createAuthority({ commonName: "testssl Root" });
  rootPem = root.authority.certificatePem;
  const server = await issueCertificate({ caId: root.authority.id, commonName: "localhost", sans: { ip: ["127.0.0.1"] } });
  const text = async (format: string) => String((await exportCertificate(server.certificate.id, format)).body);
  echo = new EchoServer();
  // "request": testssl presents no client certificate, and must still complete its handshakes.
  await echo.start(
    { certificatePem: await text("fullchain"), keyPem: await text("key"), clientCaPems: [rootPem], clientAuth: "request" },
    0,
    "127.0.0.1",
  );
});

afterAll(() => echo.stop());

it("passes testssl.sh with no finding of MEDIUM or higher but the missing revocation URL", async () => {
  const dir = tempDir("cadesk-testssl-");
  const f = writeFiles(dir, { "root.pem": rootPem });
  const run = await runAsync(
    "testssl",
    [
      "--quiet",
      "--color",
      "0",
      "--warnings",
      "off",
      "--severity",
      "MEDIUM",
      "--jsonfile",
      `${dir}/out.json`,
      "--add-ca",
      f["root.pem"]!,
      `127.0.0.1:${echo.port}`,
    ],
    undefined,
    280_000,
  );
  const findings = JSON.parse(readFileSync(`${dir}/out.json`, "utf8")) as { id: string; severity: string; finding: string }[];
  // The one tolerated finding: no OCSP URL (cadesk certificates carry a CRL URL; OCSP comes later).
  const tolerated = (x: { id: string; finding: string }) => x.id === "cert_revocation" && /OCSP/.test(x.finding);
  const serious = findings.filter((x) => ["MEDIUM", "HIGH", "CRITICAL", "FATAL"].includes(x.severity) && !tolerated(x));
  expect(serious, run.stdout.slice(-2000)).toEqual([]);
}, 300_000);
