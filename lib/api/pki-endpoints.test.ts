/**
 * The public PKI endpoints over real HTTP (route handlers served on loopback): an oversized, an
 * empty and a garbage body, and a bad path, each answered with a proper status and a short body
 * in the protocol's terms, which openssl reads; never an empty 500.
 */
import { request as httpRequest } from "node:http";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAs, SYSTEM_ACTOR } from "../auth/actor";
import { AppError } from "../errors";
import { createAuthority } from "../services/create-authority";
import { issueCertificate } from "../services/issue-certificate";
import { openssl, opensslOk, tempDir, writeFiles } from "../testing/openssl";
import { routeFiles, serveRoutes, type RouteServer } from "../testing/route-server";
import { pkiRoute, plainTextError } from "./pki-route";

let server: RouteServer;
let caId: string;
let caPem: string;
let ocspRequest: Buffer;

interface Answer {
  status: number;
  type: string;
  body: Buffer;
}

/** One request on a fresh socket; `chunked` leaves Content-Length out. */
function send(method: string, path: string, body?: Buffer, { chunked = false, type = "application/ocsp-request" } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const url = new URL(server.url + path);
    const headers: Record<string, string> = body === undefined ? {} : { "content-type": type };
    if (body !== undefined && !chunked) headers["content-length"] = String(body.length);
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode!, type: String(res.headers["content-type"] ?? ""), body: Buffer.concat(chunks) }),
        );
      },
    );
    // A server may answer and close before it reads everything sent: that is its right.
    req.on("error", (error: NodeJS.ErrnoException) => (error.code === "EPIPE" || error.code === "ECONNRESET" ? undefined : reject(error)));
    if (body !== undefined) {
      if (chunked) for (let i = 0; i < body.length; i += 64 * 1024) req.write(body.subarray(i, i + 64 * 1024));
      else req.write(body);
    }
    req.end();
  });
}

/** The response status as `openssl ocsp` reads it, lowercased. */
function ocspStatus(answer: Answer): string {
  expect(answer.type).toBe("application/ocsp-response");
  const dir = tempDir("cadesk-ocsp-http-");
  const f = writeFiles(dir, { "resp.der": answer.body });
  // "OCSP Response Status: successful (0x0)", or "Responder Error: malformedrequest (1)" (exit 1).
  const r = openssl(["ocsp", "-respin", f["resp.der"]!, "-resp_text", "-noverify"]);
  const status = /(?:OCSP Response Status|Responder Error): (\w+)/.exec(r.stdout + r.stderr)?.[1];
  return status?.toLowerCase() ?? `unreadable: ${r.stdout} ${r.stderr}`;
}

const oversized = Buffer.alloc(1024 * 1024 + 1, 0x30);
const garbage = Buffer.from("this is not DER \u0000\u00ff at all", "utf8");
const empty = Buffer.alloc(0);

beforeAll(async () => {
  server = await serveRoutes(routeFiles("ocsp", "crl", "ca"));
  const ca = await runAs(SYSTEM_ACTOR, () => createAuthority({ commonName: "PKI Endpoints Root" }));
  caId = ca.authority.id;
  caPem = ca.authority.certificatePem;
  const { certificate } = await runAs(SYSTEM_ACTOR, () => issueCertificate({ caId, commonName: "pki-endpoints.example.test" }));
  const dir = tempDir("cadesk-ocsp-req-");
  const f = writeFiles(dir, { "ca.pem": caPem, "leaf.pem": certificate.certificatePem });
  opensslOk(["ocsp", "-issuer", f["ca.pem"]!, "-cert", f["leaf.pem"]!, "-reqout", `${dir}/req.der`]);
  ocspRequest = readFileSync(`${dir}/req.der`);
});

afterAll(() => server?.close());

describe("POST /ocsp/{caId}", () => {
  it("answers a real request with a signed response openssl verifies", async () => {
    const answer = await send("POST", `/ocsp/${caId}`, ocspRequest);
    expect(answer.status).toBe(200);
    expect(ocspStatus(answer)).toBe("successful");
  });

  it("refuses a body over 1 MiB with 413 and a short message, declared or streamed", async () => {
    for (const chunked of [false, true]) {
      const answer = await send("POST", `/ocsp/${caId}`, oversized, { chunked });
      expect(answer.status, `chunked: ${chunked}`).toBe(413);
      expect(answer.type).toContain("text/plain");
      expect(answer.body.toString()).toMatch(/larger than 1 MiB/);
      expect(answer.body.length).toBeLessThan(200);
    }
  });

  it("answers an empty or garbage body with malformedRequest (RFC 6960 4.2.1)", async () => {
    for (const body of [empty, garbage, ocspRequest.subarray(0, ocspRequest.length - 3)]) {
      const answer = await send("POST", `/ocsp/${caId}`, body);
      expect(answer.status).toBe(200);
      expect(ocspStatus(answer)).toBe("malformedrequest");
    }
  });

  it("answers unauthorized for a CA it does not know", async () => {
    const answer = await send("POST", "/ocsp/no-such-ca", ocspRequest);
    expect(ocspStatus(answer)).toBe("unauthorized");
  });
});

describe("GET /ocsp/{caId}/{request}", () => {
  it("answers the base64 request in the path, and malformedRequest for an empty, garbage or badly escaped one", async () => {
    const good = await send("GET", `/ocsp/${caId}/${encodeURIComponent(ocspRequest.toString("base64"))}`);
    expect(ocspStatus(good)).toBe("successful");
    for (const path of [`/ocsp/${caId}`, `/ocsp/${caId}/${"A".repeat(4000)}`, `/ocsp/${caId}/!!not-base64!!`, `/ocsp/${caId}/%E0%A4%A`]) {
      const answer = await send("GET", path);
      expect(answer.status, path).toBe(200);
      expect(ocspStatus(answer), path).toBe("malformedrequest");
    }
  });

  it("ignores a body sent with GET", async () => {
    for (const body of [oversized, empty, garbage]) {
      expect(ocspStatus(await send("GET", `/ocsp/${caId}/${encodeURIComponent(ocspRequest.toString("base64"))}`, body))).toBe("successful");
    }
  });
});

describe("GET /crl/{caId} and GET /ca/{caId}", () => {
  it("serve the CRL and the CA certificate, whatever body comes with the GET", async () => {
    for (const body of [undefined, oversized, empty, garbage]) {
      const crl = await send("GET", `/crl/${caId}`, body);
      expect(crl.status).toBe(200);
      expect(crl.type).toBe("application/pkix-crl");
      expect(opensslOk(["crl", "-inform", "DER", "-noout", "-issuer"], crl.body)).toContain("PKI Endpoints Root");
      const ca = await send("GET", `/ca/${caId}`, body);
      expect(ca.status).toBe(200);
      expect(opensslOk(["x509", "-inform", "DER", "-noout", "-subject"], ca.body)).toContain("PKI Endpoints Root");
    }
    expect((await send("GET", `/crl/${caId}?format=pem`)).body.toString()).toContain("-----BEGIN X509 CRL-----");
  });

  it("answer an unknown, oversized or garbage CA id with 404 and a one-line message", async () => {
    for (const id of ["no-such-ca", "x".repeat(5000), "%00%ff%2F..", "'; DROP TABLE Authority; --"]) {
      for (const path of [`/crl/${encodeURIComponent(id)}`, `/ca/${encodeURIComponent(id)}`]) {
        const answer = await send("GET", path);
        expect(answer.status, path.slice(0, 60)).toBe(404);
        expect(answer.type).toContain("text/plain");
        expect(answer.body.toString().trim().split("\n")).toHaveLength(1);
        expect(answer.body.length).toBeLessThan(300);
      }
    }
  });

  it("refuse a CRL format it does not serve with 400", async () => {
    const answer = await send("GET", `/crl/${caId}?format=json`);
    expect(answer.status).toBe(400);
    expect(answer.body.toString()).toBe('format must be "der" (the default) or "pem".\n');
  });
});

describe("pkiRoute", () => {
  it("turns an unexpected exception into the endpoint's own error answer, not an empty 500", async () => {
    const route = pkiRoute<{ id: string }>(plainTextError, async () => {
      throw new TypeError("a bug");
    });
    const answer = await route(new Request("http://localhost/x"), { params: Promise.resolve({ id: "1" }) });
    expect(answer.status).toBe(500);
    expect(await answer.text()).toBe("An unexpected error occurred; the server log has the details.\n");
    const known = pkiRoute<object>(plainTextError, async () => {
      throw new AppError("TOO_MANY_REQUESTS", "Slow down.");
    });
    expect((await known(new Request("http://localhost/x"), { params: Promise.resolve({}) })).status).toBe(429);
  });
});
