/** The doctor's chain verdicts on committed fixtures with fixed dates (lib/issuance/fixtures/make-fixtures.sh). */
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePemBlocks } from "../pki/pem";
import { CA_ISSUERS_MAX_BYTES, checkServerChain, fetchCaIssuers } from "./doctor-chain";

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, "fixtures", name), "utf8");

describe("checkServerChain", () => {
  const leaf = parsePemBlocks(fixture("future-leaf.pem"))[0]!.der;
  const trust = { pems: [fixture("root.pem")], label: "Fixture Future Root" };

  it("names a certificate that is not valid yet CERT_NOT_YET_VALID, with the date", async () => {
    const check = await checkServerChain({ sent: [leaf], trust, serverName: "future.example.com", now: new Date("2026-06-01T00:00:00Z") });
    expect(check.ok).toBe(false);
    expect(check.code).toBe("CERT_NOT_YET_VALID");
    expect(check.explanation).toMatch(/2030/);
  });

  it("accepts the same chain once its time has come", async () => {
    const check = await checkServerChain({ sent: [leaf], trust, serverName: "future.example.com", now: new Date("2030-06-01T00:00:00Z") });
    expect(check.ok, check.explanation).toBe(true);
  });
});

describe("fetchCaIssuers", () => {
  const der = new Uint8Array(parsePemBlocks(fixture("root.pem"))[0]!.der);
  const pem = fixture("root.pem");
  let server: http.Server;
  let base: string;
  const hits: string[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      hits.push(req.url!);
      if (req.url === "/ca.cer") res.writeHead(200, { "Content-Type": "application/pkix-cert" }).end(Buffer.from(der));
      else if (req.url === "/ca.pem") res.writeHead(200, { "Content-Type": "application/x-pem-file" }).end(pem);
      else if (req.url === "/moved") res.writeHead(301, { Location: "/ca.cer" }).end();
      else if (req.url === "/to-https") res.writeHead(302, { Location: "https://127.0.0.1:1/ca.cer" }).end();
      else if (req.url === "/big") res.writeHead(200).end(Buffer.alloc(CA_ISSUERS_MAX_BYTES + 1));
      // A body that never ends, without a Content-Length: only the size limit stops it.
      else if (req.url === "/endless") {
        res.writeHead(200);
        const timer = setInterval(() => res.write(Buffer.alloc(16 * 1024)), 1);
        res.on("close", () => clearInterval(timer));
      }
      // Headers and then silence: only the deadline stops it.
      else if (req.url === "/stall") res.writeHead(200).write("-----BEGIN");
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it("reads a DER or PEM issuer, following an http redirect", async () => {
    expect(Buffer.from((await fetchCaIssuers(`${base}/ca.cer`))!)).toEqual(Buffer.from(der));
    expect(Buffer.from((await fetchCaIssuers(`${base}/ca.pem`))!).toString()).toBe(pem);
    expect(Buffer.from((await fetchCaIssuers(`${base}/moved`))!)).toEqual(Buffer.from(der));
  });

  it("refuses https, a redirect to https, a missing file, and bodies over the limit, endless or stalled", async () => {
    expect(await fetchCaIssuers(`https://127.0.0.1:1/ca.cer`)).toBeUndefined();
    expect(await fetchCaIssuers(`${base}/to-https`)).toBeUndefined();
    expect(await fetchCaIssuers(`${base}/nothing`)).toBeUndefined();
    expect(await fetchCaIssuers(`${base}/big`)).toBeUndefined();
    expect(await fetchCaIssuers(`${base}/endless`)).toBeUndefined();
    expect(await fetchCaIssuers(`${base}/stall`, { timeoutMs: 300 })).toBeUndefined();
    expect(hits).toEqual(expect.arrayContaining(["/to-https", "/big", "/endless", "/stall"]));
  });
});
