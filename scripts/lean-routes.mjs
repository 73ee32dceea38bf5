// The lean dispatch (issue #13): the API and PKI endpoints (/api/*, /ocsp/*, /crl/*, /ca/*, /acme/*)
// go straight from node:http to the SAME route handlers Next built (the `GET`/`POST`... exports of
// app/**/route.ts, taken from the compiled route modules Next itself loads), skipping Next's
// per-request machinery (router, URL normalisation passes, render pipeline, ~5 ms a request on
// this machine). Pages, server actions, downloads and anything this table does not answer exactly
// stay with Next. What Next did for these routes is done here too, from Next's own build output:
// the headers of next.config.js (routes-manifest.json), the x-forwarded-* request headers, params
// decoded per segment, HEAD answered by GET without a body, a thrown exception as an empty 500.
// Authorization, request ids, error mapping and body limits live in the handlers (apiRoute,
// pkiRoute, readJson...), so they hold on both paths. A bytes route (pkiBytesRoute: OCSP) carries a
// lean form too, which this file calls with node's headers and body and whose bytes it writes
// itself: no web Request or Response for the endpoint fleets call most; a connection's only request
// to one reaches it without node:http at all (dispatch.bytesRoute, scripts/one-shot-lane.mjs).
// bench/README.md has the measurements.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import path from "node:path";

const PREFIXES = ["/api/", "/ocsp/", "/crl/", "/ca/", "/acme/"];
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]);
/** A response's whole body in memory (lib/api/respond.ts BytesResponse): sent with one res.end(). */
const RESPONSE_BYTES = Symbol.for("cadesk.responseBytes");
/** A bytes route's lean form (lib/api/pki-route.ts pkiBytesRoute): node's request in, a PkiAnswer out. */
const LEAN_ANSWER = Symbol.for("cadesk.leanAnswer");
/** A request body read whole before the handler runs (LeanRequest); lib/api/handler.ts readBounded takes it as is. */
const REQUEST_BYTES = Symbol.for("cadesk.requestBytes");
/**
 * Bodies that declare a Content-Length up to this are read into one Buffer before the handler
 * runs, with no web stream: every route's limit is larger (1 MiB and more), so the route still
 * refuses what it would refuse. Longer and chunked bodies stay a stream the handler reads, and
 * refuses, as they come.
 */
const SMALL_BODY = 64 * 1024;

/**
 * One route of the table: `/api/v1/certificates/[id]/route` as segments. Kinds rank like Next's
 * matcher: a static segment beats a dynamic one, which beats a catch-all, which beats an optional one.
 */
function parseRoute(page) {
  const segments = page
    .replace(/\/route$/, "")
    .split("/")
    .filter(Boolean)
    .map((segment) => {
      let m = /^\[\[\.\.\.(.+)\]\]$/.exec(segment);
      if (m) return { kind: 3, name: m[1] };
      m = /^\[\.\.\.(.+)\]$/.exec(segment);
      if (m) return { kind: 2, name: m[1] };
      m = /^\[(.+)\]$/.exec(segment);
      if (m) return { kind: 1, name: m[1] };
      return { kind: 0, value: segment };
    });
  return { page, segments };
}

function compareRoutes(a, b) {
  const n = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < n; i++) {
    const x = a.segments[i];
    const y = b.segments[i];
    if (!x) return -1;
    if (!y) return 1;
    if (x.kind !== y.kind) return x.kind - y.kind;
  }
  return 0;
}

/** Params as Next gives them: each segment percent-decoded, catch-alls as arrays; null when the route does not match. */
function matchRoute(route, parts) {
  const params = {};
  let i = 0;
  for (const segment of route.segments) {
    if (segment.kind === 0) {
      if (parts[i] !== segment.value) return null;
      i++;
    } else if (segment.kind === 1) {
      if (parts[i] === undefined) return null;
      params[segment.name] = decodeURIComponent(parts[i++]);
    } else {
      const rest = parts.slice(i);
      if (segment.kind === 2 && rest.length === 0) return null;
      if (rest.length) params[segment.name] = rest.map((p) => decodeURIComponent(p));
      i = parts.length;
    }
  }
  return i === parts.length ? params : null;
}

/**
 * Builds the dispatcher from Next's build in `dir/.next`. Returns `(req, res, pathname, fallback) => void`,
 * which either answers or calls `fallback()` (Next) when the request is not one it answers exactly.
 */
export function leanRoutes({ dir, port }) {
  const serverDir = path.join(dir, ".next", "server");
  const require = createRequire(path.join(serverDir, "noop.js"));
  const manifest = JSON.parse(readFileSync(path.join(serverDir, "app-paths-manifest.json"), "utf8"));
  const routes = Object.entries(manifest)
    .filter(([page]) => page.endsWith("/route") && PREFIXES.some((p) => page.startsWith(p)))
    .map(([page, file]) => ({ ...parseRoute(page), file: path.join(serverDir, file), handlers: undefined }))
    .sort(compareRoutes);
  // next.config.js headers(), as Next compiled them: each with the regex Next matches the path against.
  const routesManifest = JSON.parse(readFileSync(path.join(dir, ".next", "routes-manifest.json"), "utf8"));
  const configHeaders = (routesManifest.headers ?? []).map((h) => ({ regex: new RegExp(h.regex), headers: h.headers }));
  const headersFor = new Map();
  const headersOf = (pathname) => {
    // Cached per route page pattern would need the matcher; per pathname is bounded by a small LRU-less cap.
    let found = headersFor.get(pathname);
    if (!found) {
      found = configHeaders.filter((h) => h.regex.test(pathname)).flatMap((h) => h.headers);
      if (headersFor.size < 10_000) headersFor.set(pathname, found);
    }
    return found;
  };

  /** The compiled module Next requires for this route (same module instances: Prisma client, signer cache), its exports loaded. */
  const handlersOf = (route) =>
    (route.handlers ??= (async () => {
      const { routeModule } = require(route.file);
      await routeModule.ensureUserland?.();
      return routeModule.userland;
    })());

  const routeFor = new Map();

  /** The route and params this table answers `pathname` with, or null when it leaves the request to Next. */
  function routeOf(method, pathname) {
    if (!PREFIXES.some((p) => pathname.startsWith(p)) || !METHODS.has(method)) return null;
    // Trailing slashes, empty or dot segments: Next normalises or redirects them; leave those to it.
    if (pathname.endsWith("/") || pathname.includes("//") || /\/\.\.?(\/|$)/.test(pathname)) return null;
    const parts = pathname.slice(1).split("/");
    // The route a path matched before (most requests repeat one: the same OCSP or CRL URL, an API
    // collection); its params are still taken from this request's path.
    let route = routeFor.get(pathname);
    let params = route ? matchRoute(route, parts) : null;
    if (!params) {
      route = undefined;
      for (const candidate of routes) {
        params = matchRoute(candidate, parts);
        if (params) {
          route = candidate;
          break;
        }
      }
      if (route && pathname.length <= 200) {
        if (routeFor.size >= 10_000) routeFor.clear();
        routeFor.set(pathname, route);
      }
    }
    return route ? { route, params } : null;
  }

  function dispatch(req, res, pathname, fallback) {
    const found = routeOf(req.method, pathname);
    if (!found) return fallback();
    const { route, params } = found;
    // Loaded once: from then on no promise hop before the handler.
    if (route.loaded) return void serveWith(route.loaded, req, res, params, pathname, fallback);
    handlersOf(route).then(
      (handlers) => {
        route.loaded = handlers ?? {};
        return serveWith(route.loaded, req, res, params, pathname, fallback);
      },
      (error) => {
        console.error(`[cadesk] ${route.page}: the compiled route could not be loaded (${error?.message ?? error}); Next answers it.`);
        route.handlers = undefined;
        fallback();
      },
    );
  }

  /**
   * For scripts/one-shot-lane.mjs: the answer of a bytes route (OCSP) whose compiled module is
   * already loaded, as `(request, socket) => Promise<{status, fields, body}>` with `fields` the
   * headers in the order answerLean sets them; null for any other request.
   */
  dispatch.bytesRoute = (method, pathname) => {
    const found = routeOf(method, pathname);
    if (!found?.route.loaded) return null;
    const lean = handlerOf(found.route.loaded, method)?.[LEAN_ANSWER];
    return lean ? bytesAnswer(lean, found.params, headersOf(pathname), port) : null;
  };
  return dispatch;

  function serveWith(handlers, req, res, params, pathname, fallback) {
    const handler = handlerOf(handlers, req.method);
    // A method the route does not export: Next's 405 with its Allow header.
    if (typeof handler !== "function") return fallback();
    return answer(req, res, handler, params, headersOf(pathname), port);
  }
}

/**
 * A bytes route's lean form as the one-shot lane calls it: `(request, socket)` with the request
 * readOneShot made, to {status, fields, body}, `fields` being the headers in the order answerLean
 * sets them (next.config.js's, then the answer's); a bug is an empty 500, as answerLean's.
 * Exported for lib/api/one-shot-lane.test.ts, which drives it with the real OCSP route.
 */
export function bytesAnswer(lean, params, configHeaders, port) {
  return async ({ method, target, headers, body }, socket) => {
    const url = nextRequestUrl(headers, socket, port, target);
    let result;
    try {
      result = await callLean(lean, params, method, url, headers, method === "POST" ? body : undefined);
    } catch (error) {
      logEscaped(method, target, error);
      return { status: 500, fields: [], body: new Uint8Array() };
    }
    const fields = configHeaders.map((h) => [h.key, h.value]);
    for (const name in result.headers) fields.push([name, result.headers[name]]);
    return { status: result.status, fields, body: method === "HEAD" ? new Uint8Array() : result.body };
  };
}

function handlerOf(handlers, method) {
  return handlers[method] ?? (method === "HEAD" ? handlers.GET : undefined);
}

/** What Next's base server adds to the headers before any route sees the request (base-server.js), and the URL it gives the route. */
function nextRequestUrl(headers, socket, port, target) {
  const encrypted = !!socket?.encrypted;
  const proto = headers["x-forwarded-proto"] ?? (encrypted ? "https" : "http");
  headers["x-forwarded-host"] ??= headers.host ?? "localhost";
  headers["x-forwarded-port"] ??= String(port);
  headers["x-forwarded-proto"] ??= proto;
  headers["x-forwarded-for"] ??= socket?.remoteAddress;
  return `${proto === "https" ? "https" : "http"}://${headers.host ?? "localhost"}${target}`;
}

/**
 * Calls `handler` with a web Request made from `req`, and writes its Response to `res`. Exported
 * for lib/api/lean-dispatch.test.ts, which drives it with the real route handlers.
 */
export async function answer(req, res, handler, params, configHeaders, port) {
  const url = nextRequestUrl(req.headers, req.socket, port, req.url);
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const declared = req.headers["content-length"];
  const small = declared !== undefined && req.headers["transfer-encoding"] === undefined && Number(declared) <= SMALL_BODY;
  const lean = handler[LEAN_ANSWER];
  if (lean && (!hasBody || small)) return answerLean(req, res, lean, params, configHeaders, url, hasBody);
  let request;
  if (!hasBody) request = leanRequest({ method: req.method, url, raw: req.headers, headers: undefined, bytes: undefined });
  else if (small) {
    let bytes;
    try {
      bytes = await readSmall(req);
    } catch {
      return void res.destroy(); // the client went away mid-body: nobody to answer
    }
    request = leanRequest({ method: req.method, url, raw: req.headers, headers: undefined, bytes });
  } else {
    const body = requestBody(req);
    // A handler that answers without reading the whole body (a refused 3 MiB upload): the rest is
    // read and dropped, as Node does for unread requests, so the keep-alive connection's next
    // request is not stuck behind it.
    res.once("finish", body.discard);
    request = new Request(url, { method: req.method, headers: headersFrom(req.headers), body: body.stream, duplex: "half" });
  }
  let response;
  try {
    response = await handler(request, { params: Promise.resolve(params) });
    if (!(response instanceof Response)) throw new Error("route handler did not return a Response");
  } catch (error) {
    return escaped(req, res, error);
  }
  for (const h of configHeaders) res.setHeader(h.key, h.value);
  res.statusCode = response.status;
  if (response.statusText) res.statusMessage = response.statusText;
  const cookies = response.headers.getSetCookie();
  for (const [name, value] of response.headers) if (name !== "set-cookie") res.setHeader(name, value);
  if (cookies.length) res.setHeader("set-cookie", cookies);
  // A body already in memory (JSON, DER, PEM, text): one write with its Content-Length, no stream.
  const bytes = response[RESPONSE_BYTES];
  if (bytes !== undefined) return void res.end(req.method === "HEAD" ? undefined : bytes);
  if (!response.body || req.method === "HEAD") {
    res.end();
    return;
  }
  // A body that comes in one chunk (JSON, DER, PEM) goes out in one write with its length;
  // a stream (the exports) goes out as it comes, with back-pressure.
  const reader = response.body.getReader();
  try {
    const first = await reader.read();
    if (first.done) return void res.end();
    const second = await reader.read();
    if (second.done) return void res.end(first.value);
    await write(res, first.value);
    await write(res, second.value);
    for (let next = await reader.read(); !next.done; next = await reader.read()) await write(res, next.value);
    res.end();
  } catch (error) {
    console.error(`[cadesk] ${req.method} ${req.url?.split("?")[0]}: response stream failed: ${error?.message ?? error}`);
    res.destroy(error);
  }
}

/**
 * A bytes route (OCSP) without web objects: its lean form reads node's headers and the body read
 * whole, and its PkiAnswer goes out with one res.end(). Its failures are answered by the route
 * (pkiBytesRoute's onError), so only a bug reaches the catch: as answer() does, an empty 500.
 */
async function answerLean(req, res, lean, params, configHeaders, url, hasBody) {
  let bytes;
  if (hasBody) {
    try {
      bytes = await readSmall(req);
    } catch {
      return void res.destroy(); // the client went away mid-body: nobody to answer
    }
  }
  let result;
  try {
    result = await callLean(lean, params, req.method, url, req.headers, bytes);
  } catch (error) {
    return escaped(req, res, error);
  }
  for (const h of configHeaders) res.setHeader(h.key, h.value);
  res.statusCode = result.status;
  for (const name in result.headers) res.setHeader(name, result.headers[name]);
  res.end(req.method === "HEAD" ? undefined : result.body);
}

/** A bytes route's lean form called with node's parsed headers (or the lane's) and the body read whole. */
function callLean(lean, params, method, url, raw, bytes) {
  const request = {
    method,
    url,
    // As web Headers.get reads node's parsed headers: repeated ones joined with ", ".
    header: (name) => {
      const value = raw[name];
      return value === undefined ? null : typeof value === "string" ? value : value.join(", ");
    },
    body: async () => (bytes === undefined ? new Uint8Array() : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)),
  };
  return lean(request, params);
}

function logEscaped(method, target, error) {
  console.error(`[cadesk] ${method} ${target?.split("?")[0]} failed: ${error?.stack ?? error}`);
}

/** As Next does for an exception that escapes a route handler: logged, an empty 500. */
function escaped(req, res, error) {
  logEscaped(req.method, req.url, error);
  if (!res.headersSent) {
    res.statusCode = 500;
    res.end();
  }
}

/** A body of a known small length, whole, as one Buffer (rejects when the client goes away before its end). */
function readSmall(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on("data", (chunk) => {
      chunks.push(chunk);
      size += chunk.length;
    });
    req.on("end", () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)));
    req.on("error", reject);
    req.on("close", () => req.complete || reject(new Error("request aborted")));
  });
}

/** node's request headers (already checked by its parser) as web Headers, one append each. */
function headersFrom(raw) {
  const headers = new Headers();
  for (const name in raw) {
    const value = raw[name];
    if (value === undefined || name.charCodeAt(0) === 58 /* ":", HTTP/2 pseudo-headers */) continue;
    if (typeof value === "string") headers.append(name, value);
    else for (const v of value) headers.append(name, v);
  }
  return headers;
}

/** What a LeanRequest is made of: its Headers and web body are made from it on first use. */
const STATE = Symbol("cadesk.leanRequest");

/**
 * The Request a route handler gets for a GET, a HEAD or a small body read whole (readSmall): an
 * instance of the web Request class whose every property and method is its own, made from node's
 * request only when the handler asks: the URL is serialised on first `url`, the Headers are built on first
 * `headers` (node's parser already checked every name and value), a body's bytes wait under
 * REQUEST_BYTES for readBounded and the web body (text(), json(), formData(), a stream reader) is
 * made only if asked for, the AbortSignal too. Why: undici's Request constructor parses the URL,
 * copies the Headers, makes an AbortController with a FinalizationRegistry entry, ~10% of a small
 * OCSP answer (bench/README.md, "HTTP layer per request"). It is never passed through Request's
 * constructor (leanRequest makes it), so undici's own code that reads a Request's internal state
 * (`new Request(leanRequest)`, `fetch(leanRequest)`) cannot take it; `new Request(r.url, r)`, which
 * reads it through its properties, can. Nothing in cadesk does either.
 */
class LeanRequest extends Request {
  get method() {
    return this[STATE].method;
  }
  get url() {
    const state = this[STATE];
    return (state.href ??= new URL(state.url).href); // serialised as Request's constructor does (host case, default port)
  }
  get headers() {
    const state = this[STATE];
    return (state.headers ??= headersFrom(state.raw));
  }
  get signal() {
    return (this[STATE].signal ??= new AbortController().signal);
  }
  get body() {
    return this[REQUEST_BYTES] ? webBody(this).body : null;
  }
  get bodyUsed() {
    return this[STATE].web?.bodyUsed ?? false;
  }
  get duplex() {
    return "half";
  }
  get destination() {
    return "";
  }
  get referrer() {
    return "about:client";
  }
  get referrerPolicy() {
    return "";
  }
  get mode() {
    return "cors";
  }
  get credentials() {
    return "same-origin";
  }
  get cache() {
    return "default";
  }
  get redirect() {
    return "follow";
  }
  get integrity() {
    return "";
  }
  get keepalive() {
    return false;
  }
  get isReloadNavigation() {
    return false;
  }
  get isHistoryNavigation() {
    return false;
  }
  arrayBuffer() {
    return webBody(this).arrayBuffer();
  }
  blob() {
    return webBody(this).blob();
  }
  bytes() {
    return webBody(this).bytes();
  }
  formData() {
    return webBody(this).formData();
  }
  json() {
    return webBody(this).json();
  }
  text() {
    return webBody(this).text();
  }
  clone() {
    // The bytes are in memory: a clone has them even after this body was read.
    const state = this[STATE];
    const headers = state.headers && new Headers(state.headers);
    return leanRequest({ method: state.method, url: state.url, raw: state.raw, headers, bytes: this[REQUEST_BYTES] });
  }
}

/** A LeanRequest from its state, without Request's constructor (see there why). */
function leanRequest(state) {
  const request = Object.create(LeanRequest.prototype);
  request[STATE] = state;
  if (state.bytes !== undefined) request[REQUEST_BYTES] = state.bytes;
  return request;
}

/** The request's body as an ordinary web body (a Response's: the same readers), made once. */
function webBody(request) {
  const state = request[STATE];
  return (state.web ??= new Response(request[REQUEST_BYTES] ?? null, {
    headers: { "content-type": request.headers.get("content-type") ?? "" },
  }));
}

/** The request body as a web stream with back-pressure, and `discard` to drop whatever the handler did not read. */
function requestBody(req) {
  let open = true;
  let controller;
  const stream = new ReadableStream(
    {
      start(c) {
        controller = c;
        req.on("data", (chunk) => {
          if (!open) return;
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if (controller.desiredSize <= 0) req.pause();
        });
        req.on("end", () => {
          if (open) controller.close();
          open = false;
        });
        req.on("error", (error) => {
          if (open) controller.error(error);
          open = false;
        });
      },
      pull() {
        req.resume();
      },
      cancel() {
        open = false;
        req.resume();
      },
    },
    { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength },
  );
  const discard = () => {
    if (req.complete) return;
    open = false;
    req.resume();
  };
  return { stream, discard };
}

function write(res, chunk) {
  return res.write(chunk) ? undefined : new Promise((resolve) => res.once("drain", resolve));
}
