/**
 * The lean dispatch's answer (scripts/lean-routes.mjs) over real HTTP, with the real route
 * handlers of /api, /ocsp and /crl on a real store: small bodies read whole (no web stream) and
 * large or chunked ones streamed, both refused over their limit with the route's 413 and message;
 * a keep-alive connection still usable after a refused upload; bodies already in memory
 * (BytesResponse: JSON, DER, PEM) sent with their length, HEAD without a body, 304; a streamed
 * response written with back-pressure; a client that goes away mid-body. The same responses read
 * as ordinary web Responses (Next's path) give the same bytes.
 */
import { Agent, createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answer } from "../../scripts/lean-routes.mjs";
import { currentActor, runAs, SYSTEM_ACTOR } from "../auth/actor";
import { currentCrlFile } from "../services/crl";
import { opensslOk, tempDir, writeFiles } from "../testing/openssl";
import { ocspFixture } from "../testing/ocsp-fixture";
import { routeFiles } from "../testing/route-server";
import { loadApiToken } from "./auth";
import { LEAN_ANSWER, pkiBytesRoute, plainTextAnswer } from "./pki-route";
import { BytesResponse, bytesResponse, json, RESPONSE_BYTES } from "./respond";

type Handler = Parameters<typeof answer>[2];

let server: Server;
let base: string;
let port: number;
let token: string;
let caId: string;
let ocspRequest: Buffer;
/** Handlers of the test's own paths (/test/...), for what no real route does. */
const extra = new Map<string, Handler>();
let handlerCalls = 0;

const routes = routeFiles("api", "ocsp", "crl");
const modules = new Map<string, Record<string, Handler>>();

beforeAll(async () => {
  for (const r of routes) modules.set(r.file, (await import(/* @vite-ignore */ r.file)) as Record<string, Handler>);
  server = createServer((req, res) => {
    const pathname = (req.url ?? "/").split("?")[0]!;
    const own = extra.get(pathname);
    if (own) return void answer(req, res, own, {}, [], port);
    for (const route of routes) {
      const match = route.pattern.exec(pathname);
      if (!match) continue;
      const mod = modules.get(route.file)!;
      const handler = mod[req.method!] ?? (req.method === "HEAD" ? mod.GET : undefined);
      if (!handler) return void res.writeHead(405).end();
      const params = Object.fromEntries(
        route.params.map((p, i) => [
          p.name,
          p.catchAll ? (match[i + 1] === undefined ? undefined : match[i + 1]!.split("/")) : match[i + 1],
        ]),
      );
      // next.config.js headers arrive as configHeaders: they must be on every answer.
      return void answer(req, res, handler, params, [{ key: "X-Config-Header", value: "from-next-config" }], port);
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
  token = loadApiToken();
  ({ caId, request: ocspRequest } = await ocspFixture("Lean Dispatch"));
});

afterAll(
  () =>
    new Promise<void>((resolve) => {
      server?.closeAllConnections();
      server?.close(() => resolve());
    }),
);

interface Answer {
  status: number;
  headers: IncomingMessage["headers"];
  body: Buffer;
}

/** One request; `chunked` leaves Content-Length out; `agent` to share a keep-alive connection. */
function send(
  method: string,
  path: string,
  {
    body,
    chunked = false,
    headers = {},
    agent,
  }: { body?: Buffer; chunked?: boolean; headers?: Record<string, string>; agent?: Agent } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const all: Record<string, string> = { ...headers };
    if (body !== undefined && !chunked) all["content-length"] = String(body.length);
    const req = httpRequest(`${base}${path}`, { method, headers: all, agent: agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", (error: NodeJS.ErrnoException) => (error.code === "EPIPE" || error.code === "ECONNRESET" ? undefined : reject(error)));
    if (body !== undefined) {
      if (chunked) for (let i = 0; i < body.length; i += 64 * 1024) req.write(body.subarray(i, i + 64 * 1024));
      else req.write(body);
    }
    req.end();
  });
}

const authorized = (extra: Record<string, string> = {}) => ({
  authorization: `Bearer ${token}`,
  "content-type": "application/json",
  ...extra,
});

describe("request bodies", () => {
  it("reads a small JSON body whole and a large one as a stream: the route answers both the same way", async () => {
    const small = Buffer.from(JSON.stringify({ commonName: "Lean Small Body CA", typo: 1 }));
    // Over the 64 KiB read whole: streamed to the route, which still parses and refuses it itself.
    const large = Buffer.from(JSON.stringify({ commonName: "Lean Large Body CA", typo: 1, padding: "x".repeat(100_000) }));
    for (const [body, chunked] of [
      [small, false],
      [large, false],
      [small, true],
    ] as const) {
      const res = await send("POST", "/api/v1/cas", { body, chunked, headers: authorized() });
      expect(res.status, `${body.length} bytes, chunked ${chunked}`).toBe(400);
      expect(JSON.parse(res.body.toString()).error.message).toMatch(/typo/);
    }
    const made = await send("POST", "/api/v1/cas", {
      body: Buffer.from(JSON.stringify({ commonName: "Lean Made CA", keyType: "ecdsa-p256" })),
      headers: authorized(),
    });
    expect(made.status).toBe(201);
    expect(made.headers["content-type"]).toBe("application/json");
    expect(made.headers["content-length"]).toBe(String(made.body.length));
    expect(made.headers["cache-control"]).toBe("no-store");
    expect(made.headers["x-config-header"]).toBe("from-next-config");
    expect(JSON.parse(made.body.toString()).commonName).toBe("Lean Made CA");
  });

  it("refuses a body over the limit with 413 and the route's message, declared or chunked, and the connection goes on", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const huge = Buffer.alloc(2 * 1024 * 1024, 0x20);
      for (const chunked of [false, true]) {
        const api = await send("POST", "/api/v1/cas", { body: huge, chunked, headers: authorized(), agent });
        expect(api.status, `chunked ${chunked}`).toBe(413);
        expect(JSON.parse(api.body.toString()).error).toEqual({
          code: "PAYLOAD_TOO_LARGE",
          message: "The request body is larger than 1 MiB.",
        });
        const ocsp = await send("POST", `/ocsp/${caId}`, { body: huge, chunked, headers: { "content-type": "application/ocsp-request" } });
        expect(ocsp.status).toBe(413);
        expect(ocsp.headers["content-type"]).toBe("text/plain; charset=utf-8");
        expect(ocsp.body.toString()).toMatch(/larger than 1 MiB/);
      }
      // The refused upload was drained: the same kept-alive connection answers the next request.
      const next = await send("GET", `/api/v1/cas/${caId}`, { headers: authorized(), agent });
      expect(next.status).toBe(200);
    } finally {
      agent.destroy();
    }
  });

  it("gives a handler the small body as text, form data, a stream and a clone", async () => {
    extra.set("/test/echo", async (request) => {
      const copy = request.clone();
      const text = await request.text();
      const form = await copy.formData();
      const again = new Request("http://x/", { method: "POST", body: request.clone().body, duplex: "half" } as RequestInit);
      return json({ text, a: form.get("a"), streamed: await again.text(), used: request.bodyUsed });
    });
    const res = await send("POST", "/test/echo", {
      body: Buffer.from("a=%C3%A9t%C3%A9&b=2"),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(JSON.parse(res.body.toString())).toEqual({ text: "a=%C3%A9t%C3%A9&b=2", a: "été", streamed: "a=%C3%A9t%C3%A9&b=2", used: true });
  });

  it("gives a handler a web Request: its URL, method, headers, signal and body as a Request has them", async () => {
    const seen: Record<string, unknown>[] = [];
    extra.set("/test/request", async (request) => {
      const copy = request.clone();
      seen.push({
        isRequest: request instanceof Request,
        tag: Object.prototype.toString.call(request),
        method: request.method,
        url: request.url,
        query: new URL(request.url).searchParams.get("q"),
        custom: request.headers.get("x-custom"),
        host: request.headers.get("x-forwarded-host"),
        proto: request.headers.get("x-forwarded-proto"),
        forwardedFor: request.headers.get("x-forwarded-for"),
        signal: request.signal instanceof AbortSignal && !request.signal.aborted,
        hasBody: request.body !== null,
        text: await request.text(),
        used: request.bodyUsed,
        cloneText: await copy.text(),
        cloneMethod: copy.method,
        cloneCustom: copy.headers.get("x-custom"),
        // A real Request made from it, as `new Request(url, init)` callers do.
        remade: await new Request(copy.url, {
          method: copy.method,
          headers: copy.headers,
          body: request.method === "GET" ? null : "re",
        }).text(),
      });
      return json({ ok: true });
    });
    const get = await send("GET", "/test/request?q=%C3%A9", { headers: { host: "LEAN.Example.TEST:80", "x-custom": "a b" } });
    const post = await send("POST", "/test/request", {
      body: Buffer.from('{"n":1}'),
      headers: { "content-type": "application/json", "x-custom": "c" },
    });
    expect([get.status, post.status]).toEqual([200, 200]);
    expect(seen[0]).toEqual({
      isRequest: true,
      tag: "[object Request]",
      method: "GET",
      url: "http://lean.example.test/test/request?q=%C3%A9", // as Request's constructor serialises it
      query: "é",
      custom: "a b",
      host: "LEAN.Example.TEST:80",
      proto: "http",
      forwardedFor: "127.0.0.1",
      signal: true,
      hasBody: false,
      text: "",
      used: false,
      cloneText: "",
      cloneMethod: "GET",
      cloneCustom: "a b",
      remade: "",
    });
    expect(seen[1]).toMatchObject({ isRequest: true, method: "POST", url: `${base}/test/request`, custom: "c", hasBody: true });
    expect(seen[1]).toMatchObject({ text: '{"n":1}', used: true, cloneText: '{"n":1}', remade: "re" });
  });

  it("does not call the handler when the client goes away before its small body ends, and keeps serving", async () => {
    extra.set("/test/count", async () => {
      handlerCalls++;
      return json({ ok: true });
    });
    const before = handlerCalls;
    await new Promise<void>((resolve) => {
      const socket = connect(port, "127.0.0.1", () => {
        socket.write('POST /test/count HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"a":');
        socket.end();
      });
      socket.on("close", () => resolve());
      socket.on("error", () => resolve());
      socket.resume();
    });
    const res = await send("POST", "/test/count", { body: Buffer.from("{}"), headers: { "content-type": "application/json" } });
    expect(res.status).toBe(200);
    expect(handlerCalls).toBe(before + 1);
  });
});

describe("responses", () => {
  it("OCSP: the DER answer in one write with its length, which openssl reads", async () => {
    const res = await send("POST", `/ocsp/${caId}`, { body: ocspRequest, headers: { "content-type": "application/ocsp-request" } });
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/ocsp-response");
    expect(res.headers["content-length"]).toBe(String(res.body.length));
    const dir = tempDir("cadesk-lean-ocsp-");
    const f = writeFiles(dir, { "resp.der": res.body });
    expect(opensslOk(["ocsp", "-respin", f["resp.der"]!, "-resp_text", "-noverify"])).toMatch(/Cert Status: good/);
  });

  it("OCSP's lean form answers what its web Response says, byte for byte: good, GET, HEAD, garbage, unknown CA, too large", async () => {
    const web = modules.get(routes.find((r) => r.file.includes("/ocsp/"))!.file)!;
    const viaWeb = async (method: string, path: string, body?: Buffer, headers: Record<string, string> = {}) => {
      const parts = path.split("/").slice(3); // /ocsp/{caId}/...
      const request = new Request(`${base}${path}`, { method, headers, body: body as Uint8Array<ArrayBuffer> | undefined });
      const handler = web[method === "HEAD" ? "GET" : method]!;
      const response = await handler(request, {
        params: Promise.resolve({ caId: path.split("/")[2], ...(parts.length ? { request: parts } : {}) }),
      });
      const header = (name: string) => response.headers.get(name);
      return {
        status: response.status,
        type: header("content-type"),
        cache: header("cache-control"),
        body: Buffer.from(await response.arrayBuffer()),
      };
    };
    const encoded = encodeURIComponent(ocspRequest.toString("base64"));
    const ocsp = { "content-type": "application/ocsp-request" };
    const cases: [string, string, Buffer | undefined][] = [
      ["POST", `/ocsp/${caId}`, ocspRequest],
      ["GET", `/ocsp/${caId}/${encoded}`, undefined],
      ["POST", `/ocsp/${caId}`, Buffer.from("not DER at all")],
      ["POST", `/ocsp/no-such-ca`, ocspRequest],
      ["GET", `/ocsp/${caId}/%E0%A4%A`, undefined],
    ];
    for (const [method, path, body] of cases) {
      const lean = await send(method, path, { body, headers: body ? ocsp : {} });
      const expected = await viaWeb(method, path, body, body ? { ...ocsp, "content-length": String(body.length) } : {});
      const answered = { status: lean.status, type: lean.headers["content-type"], cache: lean.headers["cache-control"], body: lean.body };
      expect(answered, `${method} ${path}`).toEqual(expected);
      expect(lean.headers["x-config-header"]).toBe("from-next-config");
      expect(lean.headers["content-length"]).toBe(String(lean.body.length));
    }
    const head = await send("HEAD", `/ocsp/${caId}/${encoded}`);
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    // Over 1 MiB, declared: the route's own 413 text, before any of it is read.
    const big = await send("POST", `/ocsp/${caId}`, { body: Buffer.alloc(1024 * 1024 + 1), headers: ocsp });
    expect(big.status).toBe(413);
    expect(big.body.toString()).toMatch(/larger than 1 MiB/);
  });

  it("takes a bytes route's lean form for a GET and a small body, its web form for a chunked body, and gives both the client's address and request id", async () => {
    let webCalls = 0;
    const seen: unknown[] = [];
    const route = pkiBytesRoute<Record<string, never>>(plainTextAnswer, async (request) => {
      const actor = currentActor();
      seen.push({ ip: actor.ip, requestId: actor.requestId, body: Buffer.from(await request.body()).toString() });
      return { status: 200, headers: { "Content-Type": "text/plain" }, body: Buffer.from("ok") };
    });
    const counted = Object.assign(
      (request: Request, context: { params: Promise<Record<string, never>> }) => {
        webCalls++;
        return route(request, context);
      },
      { [LEAN_ANSWER]: route[LEAN_ANSWER] },
    );
    extra.set("/test/bytes-route", counted as unknown as Handler);
    const headers = { "x-forwarded-for": "203.0.113.7, 10.0.0.1", "x-request-id": "req-lane-1" };
    expect((await send("GET", "/test/bytes-route", { headers })).body.toString()).toBe("ok");
    expect((await send("POST", "/test/bytes-route", { headers, body: Buffer.from("small") })).body.toString()).toBe("ok");
    expect(webCalls).toBe(0);
    expect((await send("POST", "/test/bytes-route", { headers, body: Buffer.from("chunked"), chunked: true })).body.toString()).toBe("ok");
    expect(webCalls).toBe(1);
    const sameActor = { ip: "203.0.113.7", requestId: "req-lane-1" };
    expect(seen).toEqual([
      { ...sameActor, body: "" },
      { ...sameActor, body: "small" },
      { ...sameActor, body: "chunked" },
    ]);
  });

  it("CRL: the cached DER and PEM whole, HEAD with the same headers and no body, 304 for its ETag", async () => {
    const der = await send("GET", `/crl/${caId}`);
    expect(der.status).toBe(200);
    expect(der.headers["content-type"]).toBe("application/pkix-crl");
    expect(der.headers["content-length"]).toBe(String(der.body.length));
    const file = await runAs(SYSTEM_ACTOR, () => currentCrlFile(caId));
    expect(der.body.equals(Buffer.from(file.der))).toBe(true);
    expect(opensslOk(["crl", "-inform", "DER", "-noout", "-issuer"], der.body)).toContain("Lean Dispatch Root");
    const pem = await send("GET", `/crl/${caId}?format=pem`);
    expect(pem.body.toString()).toBe(file.pem);
    expect(pem.headers.etag).toBe(der.headers.etag!.replace(/"$/, '-pem"'));
    const head = await send("HEAD", `/crl/${caId}`);
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    for (const name of ["content-type", "etag", "last-modified", "cache-control", "x-config-header"])
      expect(head.headers[name], name).toBe(der.headers[name]);
    const notModified = await send("GET", `/crl/${caId}`, { headers: { "if-none-match": der.headers.etag! } });
    expect(notModified.status).toBe(304);
    expect(notModified.body.length).toBe(0);
    expect(notModified.headers.etag).toBe(der.headers.etag);
  });

  it("API: HEAD answers a GET route's headers with no body", async () => {
    const get = await send("GET", `/api/v1/cas/${caId}`, { headers: authorized() });
    const head = await send("HEAD", `/api/v1/cas/${caId}`, { headers: authorized() });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers["content-type"]).toBe(get.headers["content-type"]);
    expect(JSON.parse(get.body.toString()).id).toBe(caId);
  });

  it("writes a streamed body as it comes, with back-pressure: a client that stops reading stops the stream", async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const total = 512; // 32 MiB, far more than the socket buffers hold
    let pulled = 0;
    extra.set(
      "/test/stream",
      async () =>
        new Response(
          new ReadableStream({
            pull(controller) {
              if (pulled === total) return controller.close();
              pulled++;
              controller.enqueue(new Uint8Array(chunk));
            },
          }),
          { headers: { "Content-Type": "application/octet-stream" } },
        ),
    );
    const received = await new Promise<number>((resolve, reject) => {
      httpRequest(`${base}/test/stream`, { agent: false }, (res) => {
        expect(res.headers["transfer-encoding"]).toBe("chunked");
        res.pause();
        // Wait until the server has stopped pulling (the socket is full), then check it did not read ahead.
        let last = -1;
        const settle = setInterval(() => {
          if (pulled !== last) return void (last = pulled);
          clearInterval(settle);
          try {
            expect(pulled).toBeLessThan(total / 2);
          } catch (error) {
            return reject(error);
          }
          let size = 0;
          res.on("data", (c: Buffer) => (size += c.length));
          res.on("end", () => resolve(size));
          res.resume();
        }, 100);
      })
        .on("error", reject)
        .end();
    });
    expect(received).toBe(total * chunk.length);
    expect(pulled).toBe(total);
  });
});

describe("BytesResponse read as an ordinary Response (Next's path, tests)", () => {
  it("gives the same bytes through text, arrayBuffer, a stream, clone and a re-wrapped Response", async () => {
    const made = () => json({ é: "ü", n: 1 }, 201);
    expect(await made().text()).toBe(JSON.stringify({ é: "ü", n: 1 }));
    expect(Buffer.from(await made().arrayBuffer()).toString()).toBe('{"é":"ü","n":1}');
    expect(await made().json()).toEqual({ é: "ü", n: 1 });
    const original = made();
    expect(original.headers.get("content-type")).toBe("application/json");
    expect(original.status).toBe(201);
    const copy = original.clone();
    const wrapped = new Response(original.body, original);
    expect(await wrapped.text()).toBe('{"é":"ü","n":1}');
    expect(original.bodyUsed).toBe(true);
    await expect(original.text()).rejects.toThrow();
    expect(copy.status).toBe(201);
    expect(await copy.text()).toBe('{"é":"ü","n":1}');
    expect((original as BytesResponse)[RESPONSE_BYTES].toString()).toBe('{"é":"ü","n":1}');
    // As Response.json for the same value: the same bytes and Content-Type.
    const reference = Response.json({ é: "ü", n: 1 });
    expect(await reference.text()).toBe(await made().text());
    expect(reference.headers.get("content-type")).toBe(made().headers.get("content-type"));
  });

  it("takes its web body from `source` when one is given, and views a Uint8Array without copying", async () => {
    const bytes = new Uint8Array([1, 2, 3, 4]);
    const viewed = bytesResponse(bytes.subarray(1), { headers: { "Content-Type": "application/octet-stream" } });
    bytes[2] = 9;
    expect([...(viewed as BytesResponse)[RESPONSE_BYTES]]).toEqual([2, 9, 4]);
    const fromBlob = new BytesResponse(Buffer.from("abc"), { headers: {} }, () => new Blob(["abc"]));
    expect(await fromBlob.text()).toBe("abc");
  });
});
