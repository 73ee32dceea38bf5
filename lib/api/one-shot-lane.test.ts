/**
 * The one-shot lane (scripts/one-shot-lane.mjs) over real sockets, in front of a node:http server
 * that answers as scripts/serve.mjs does, with the real OCSP route on a real store. Two servers get
 * the same bytes: one plain node:http, one with the lane. What the lane takes (a connection's only
 * request, whole, strict) must come back as the very bytes node:http sends (Date aside); what it
 * leaves (keep-alive, anything unusual, a request still arriving after a second, a client that
 * stops mid-request) must reach node:http as if the lane were not there, and get the same answer.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answer, bytesAnswer } from "../../scripts/lean-routes.mjs";
import { MORE, OTHER, oneShotLane, oneShotResponse, readOneShot, type OneShotRequest } from "../../scripts/one-shot-lane.mjs";
import { opensslOk, tempDir, writeFiles } from "../testing/openssl";
import { ocspFixture } from "../testing/ocsp-fixture";
import { routeFiles } from "../testing/route-server";
import { LEAN_ANSWER } from "./pki-route";

type Handler = Parameters<typeof answer>[2];
type Lean = Parameters<typeof bytesAnswer>[0];

const CONFIG = [{ key: "X-Config-Header", value: "from-next-config" }];
/** Both servers tell the routes the same port, so X-Forwarded-Port and the URL agree. */
const PORT_SEEN = 3000;

let plain: Server;
let laned: Server;
let plainPort: number;
let lanedPort: number;
let lane: { handOverAll(): void };
let taken = 0;
let caId: string;
let ocspRequest: Buffer;
let ocsp: Record<string, Handler>;

/** The OCSP route's params for a path, as Next gives them; null for another path. */
function ocspParams(pathname: string): Record<string, unknown> | null {
  const m = /^\/ocsp\/([^/]+)(?:\/(.+))?$/.exec(pathname);
  if (!m) return null;
  return { caId: decodeURIComponent(m[1]!), ...(m[2] ? { request: m[2].split("/") } : {}) };
}

/** As scripts/serve.mjs: the request id first, then the lean dispatch's answer. */
function viaNode(req: IncomingMessage, res: ServerResponse) {
  res.setHeader("X-Request-Id", String(req.headers["x-request-id"] ?? "none"));
  const pathname = (req.url ?? "/").split("?")[0]!;
  const params = ocspParams(pathname);
  const handler = ocsp[req.method === "HEAD" ? "GET" : req.method!];
  if (!params || !handler) return void res.writeHead(404).end();
  void answer(req, res, handler, params, CONFIG, PORT_SEEN);
}

/** As scripts/serve.mjs's lane: a bytes route's answer for a path it matches, else node:http's. */
function take(request: OneShotRequest, socket: Socket): boolean {
  const params = ocspParams(request.target.split("?")[0]!);
  const lean = (ocsp[request.method === "HEAD" ? "GET" : request.method] as unknown as Record<symbol, Lean> | undefined)?.[LEAN_ANSWER];
  if (!params || !lean) return false;
  taken++;
  void bytesAnswer(
    lean,
    params,
    CONFIG,
    PORT_SEEN,
  )(request, socket).then(({ status, fields, body }) =>
    socket.end(oneShotResponse(request, status, [["X-Request-Id", request.headers["x-request-id"] ?? "none"], ...fields], body)),
  );
  return true;
}

const listen = (server: Server) =>
  new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));

beforeAll(async () => {
  const route = routeFiles("ocsp").find((r) => r.file.includes("[[...request]]"))!;
  ocsp = (await import(/* @vite-ignore */ route.file)) as Record<string, Handler>;
  plain = createServer(viaNode);
  laned = createServer(viaNode);
  lane = oneShotLane(laned, take);
  plainPort = await listen(plain);
  lanedPort = await listen(laned);
  ({ caId, request: ocspRequest } = await ocspFixture("One-Shot Lane"));
});

afterAll(async () => {
  for (const server of [plain, laned]) {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  }
});

/**
 * Writes `parts` to a new connection (`pause` ms apart), half-closes it if `end`, and returns
 * every byte the server sent until it closed, with the Date header's value blanked.
 */
function exchange(port: number, parts: (string | Buffer)[], { pause = 0, end = false } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", reject);
    socket.on("close", () =>
      resolve(
        Buffer.concat(chunks)
          .toString("latin1")
          .replace(/\r\nDate: [^\r]*/g, "\r\nDate: -"),
      ),
    );
    socket.on("connect", async () => {
      for (const [i, part] of parts.entries()) {
        if (i > 0 && pause) await new Promise((r) => setTimeout(r, pause));
        socket.write(part);
      }
      if (end) socket.end();
    });
  });
}

/** Both servers' answers to the same bytes, and whether the lane took the request. */
async function both(parts: (string | Buffer)[], options: { pause?: number; end?: boolean } = {}) {
  const before = taken;
  const expected = await exchange(plainPort, parts, options);
  const got = await exchange(lanedPort, parts, options);
  return { expected, got, taken: taken - before };
}

const post = (head: string, body: Buffer) => [Buffer.concat([Buffer.from(head.replace("LENGTH", String(body.length))), body])];

describe("requests the lane takes", () => {
  it("answers a connection's only request with the bytes node:http sends: POST, HTTP/1.0, GET, HEAD, garbage, unknown CA", async () => {
    const encoded = encodeURIComponent(ocspRequest.toString("base64"));
    const cases: [string, (string | Buffer)[]][] = [
      [
        "POST, Connection: close",
        post(
          `POST /ocsp/${caId} HTTP/1.1\r\nHost: ca.test\r\nX-Request-Id: t-1\r\nContent-Type: application/ocsp-request\r\nContent-Length: LENGTH\r\nConnection: close\r\n\r\n`,
          ocspRequest,
        ),
      ],
      [
        "POST, HTTP/1.0 (openssl ocsp): no Content-Length",
        post(`POST /ocsp/${caId} HTTP/1.0\r\nContent-Length: LENGTH\r\n\r\n`, ocspRequest),
      ],
      [
        "POST, HTTP/1.0 with TE: chunked: a Content-Length",
        post(
          `POST /ocsp/${caId} HTTP/1.0\r\nContent-Type: application/ocsp-request\r\nTE: chunked\r\nContent-Length: LENGTH\r\n\r\n`,
          ocspRequest,
        ),
      ],
      ["GET", [`GET /ocsp/${caId}/${encoded} HTTP/1.1\r\nHost: ca.test\r\nConnection: Close\r\n\r\n`]],
      ["HEAD", [`HEAD /ocsp/${caId}/${encoded} HTTP/1.0\r\nUser-Agent:  spaced value \t\r\n\r\n`]],
      [
        "garbage body",
        post(`POST /ocsp/${caId} HTTP/1.1\r\nHost: ca.test\r\nContent-Length: LENGTH\r\nConnection: close\r\n\r\n`, Buffer.from("not DER")),
      ],
      [
        "unknown CA",
        post(`POST /ocsp/no-such-ca HTTP/1.1\r\nHost: ca.test\r\nContent-Length: LENGTH\r\nConnection: close\r\n\r\n`, ocspRequest),
      ],
    ];
    for (const [name, parts] of cases) {
      const { expected, got, taken: took } = await both(parts);
      expect(took, name).toBe(1);
      expect(got, name).toBe(expected);
      expect(got, name).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(got, name).toMatch(/\r\nConnection: close\r\n/);
    }
    // The good answer is a real OCSP response with the next.config.js header and its length.
    const { got } = await both(cases[0]![1]);
    expect(got).toMatch(/\r\nX-Request-Id: t-1\r\nX-Config-Header: from-next-config\r\nContent-Type: application\/ocsp-response\r\n/);
    const body = Buffer.from(got.slice(got.indexOf("\r\n\r\n") + 4), "latin1");
    expect(got).toContain(`\r\nContent-Length: ${body.length}\r\n`);
    const f = writeFiles(tempDir("cadesk-one-shot-resp-"), { "resp.der": body });
    expect(opensslOk(["ocsp", "-respin", f["resp.der"]!, "-resp_text", "-noverify"])).toMatch(/Cert Status: good/);
  });

  it("waits for a request that comes in pieces: the head in two writes, the body in a third", async () => {
    const [whole] = post(
      `POST /ocsp/${caId} HTTP/1.1\r\nHost: ca.test\r\nContent-Length: LENGTH\r\nConnection: close\r\n\r\n`,
      ocspRequest,
    );
    const headEnd = whole!.indexOf("\r\n\r\n") + 4;
    const {
      expected,
      got,
      taken: took,
    } = await both([whole!.subarray(0, 20), whole!.subarray(20, headEnd), whole!.subarray(headEnd)], { pause: 30 });
    expect(took).toBe(1);
    expect(got).toBe(expected);
  });
});

describe("requests node:http answers", () => {
  it("gets every byte the lane read, whatever the lane would not take, and answers as it would alone", async () => {
    const body = ocspRequest;
    const cases: [string, (string | Buffer)[]][] = [
      [
        "keep-alive, then a second request in the same write",
        [`GET /ocsp/${caId}/x HTTP/1.1\r\nHost: a\r\n\r\nGET /ocsp/${caId}/y HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`],
      ],
      ["HTTP/1.0 keep-alive", [`GET /ocsp/${caId}/x HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /ocsp/${caId}/y HTTP/1.0\r\n\r\n`]],
      ["a repeated field", [`GET /ocsp/${caId}/x HTTP/1.1\r\nHost: a\r\nAccept: a\r\nAccept: b\r\nConnection: close\r\n\r\n`]],
      [
        "chunked body",
        [`POST /ocsp/${caId} HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n7\r\nnot DER\r\n0\r\n\r\n`],
      ],
      [
        "Expect: 100-continue",
        post(`POST /ocsp/${caId} HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: LENGTH\r\nConnection: close\r\n\r\n`, body),
      ],
      ["obs-fold", [`GET /ocsp/${caId}/x HTTP/1.1\r\nHost: a\r\nX-Long: one\r\n two\r\nConnection: close\r\n\r\n`]],
      ["a bare LF", [`GET /ocsp/${caId}/x HTTP/1.1\nHost: a\r\nConnection: close\r\n\r\n`]],
      ["space before the colon", [`GET /ocsp/${caId}/x HTTP/1.1\r\nHost : a\r\nConnection: close\r\n\r\n`]],
      [
        "a byte outside ASCII",
        [Buffer.from(`GET /ocsp/${caId}/x HTTP/1.1\r\nHost: a\r\nX-Name: caf\u00e9\r\nConnection: close\r\n\r\n`, "latin1")],
      ],
      ["no Host on HTTP/1.1", [`GET /ocsp/${caId}/x HTTP/1.1\r\nConnection: close\r\n\r\n`]],
      [
        "bytes after the request",
        [
          ...post(`POST /ocsp/${caId} HTTP/1.1\r\nHost: a\r\nContent-Length: LENGTH\r\nConnection: close\r\n\r\n`, body),
          "GET / HTTP/1.1\r\n\r\n",
        ],
      ],
      ["a GET with a body", [`GET /ocsp/${caId}/x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc`]],
      [
        "a Content-Length that is not a number",
        [`POST /ocsp/${caId} HTTP/1.1\r\nHost: a\r\nContent-Length: +3\r\nConnection: close\r\n\r\nabc`],
      ],
      ["PUT", [`PUT /ocsp/${caId} HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`]],
      ["a path no bytes route answers", ["GET /healthz HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"]],
      ["an absolute-form target", [`GET http://a/ocsp/${caId}/x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`]],
      ["not HTTP at all", ["HELLO THERE\r\n\r\n"]],
      ["a head over 8 KiB", [`GET /ocsp/${caId}/x HTTP/1.1\r\nHost: a\r\nX-Big: ${"b".repeat(9000)}\r\nConnection: close\r\n\r\n`]],
    ];
    for (const [name, parts] of cases) {
      const { expected, got, taken: took } = await both(parts);
      expect(took, name).toBe(0);
      expect(got, name).toBe(expected);
      expect(got.length, name).toBeGreaterThan(0);
    }
  });

  it("takes over a request still arriving after about a second, and one whose client stopped mid-request", async () => {
    // The lane hands a waiting connection over 0.5-1 s after it came; 2.5 s leaves room for a busy event loop.
    const request = `GET /ocsp/${caId}/x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`;
    const slow = await both([request.slice(0, 15), request.slice(15)], { pause: 2_500 });
    expect(slow.taken).toBe(0);
    expect(slow.got).toBe(slow.expected);
    expect(slow.got).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    const stopped = await both([request.slice(0, 15)], { end: true });
    expect(stopped.taken).toBe(0);
    expect(stopped.got).toBe(stopped.expected);
    expect(stopped.got).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
  });

  it("leaves every connection to node:http once handOverAll ran (shutdown), waiting ones included", async () => {
    const waiting = exchange(lanedPort, ["GET /ocsp/", `${caId}/x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`], { pause: 300 });
    await new Promise((r) => setTimeout(r, 100));
    lane.handOverAll();
    const before = taken;
    const later = await exchange(lanedPort, [`GET /ocsp/${caId}/x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`]);
    expect(await waiting).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(later).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(taken).toBe(before);
  });
});

describe("readOneShot", () => {
  it("says MORE while the head or the declared body is not whole, and OTHER past the size it takes", () => {
    expect(readOneShot(Buffer.from("GET /ocsp/a HTTP/1.1\r\nHost: a\r\n"))).toBe(MORE);
    expect(readOneShot(Buffer.from("POST /ocsp/a HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nConnection: close\r\n\r\nab"))).toBe(MORE);
    expect(readOneShot(Buffer.from(`GET /ocsp/a HTTP/1.1\r\nX: ${"x".repeat(9000)}`))).toBe(OTHER);
    expect(readOneShot(Buffer.from("POST /ocsp/a HTTP/1.1\r\nHost: a\r\nContent-Length: 70000\r\nConnection: close\r\n\r\n"))).toBe(OTHER);
  });

  it("gives headers as node:http does: lower-case names, values without the spaces around them", () => {
    const request = readOneShot(
      Buffer.from(
        "POST /ocsp/a?x=1 HTTP/1.1\r\nHost: ca.test\r\nX-Request-Id:\t id-1 \r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi",
      ),
    );
    expect(request).toEqual({
      method: "POST",
      target: "/ocsp/a?x=1",
      http10: false,
      headers: { host: "ca.test", "x-request-id": "id-1", "content-length": "2", connection: "close" },
      body: Buffer.from("hi"),
    });
  });
});

describe("oneShotResponse", () => {
  it("writes a repeated name once, at its first place with its last spelling, and no body for HEAD, 204 and 304", () => {
    const get = { method: "GET" as const, http10: false, headers: {} };
    const text = oneShotResponse(
      get,
      200,
      [
        ["X-A", "1"],
        ["Content-Type", "a/b"],
        ["x-a", "2"],
      ],
      Buffer.from("hey"),
    ).toString("latin1");
    expect(text.replace(/Date: [^\r]*/, "Date: -")).toBe(
      "HTTP/1.1 200 OK\r\nx-a: 2\r\nContent-Type: a/b\r\nDate: -\r\nConnection: close\r\nContent-Length: 3\r\n\r\nhey",
    );
    for (const [method, status] of [
      ["HEAD", 200],
      ["GET", 204],
      ["GET", 304],
    ] as const) {
      const head = oneShotResponse({ ...get, method }, status, [], Buffer.from("hey")).toString("latin1");
      expect(head).not.toContain("Content-Length");
      expect(head.endsWith("\r\n\r\n")).toBe(true);
    }
  });
});
