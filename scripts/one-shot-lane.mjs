// One request, one connection, below node:http (issue #13). OCSP clients (`openssl ocsp`, most
// TLS libraries' revocation checkers) open a connection, send one request with HTTP/1.0 or
// "Connection: close", read the answer and hang up. For such a connection node:http's parser,
// IncomingMessage, ServerResponse and their socket bookkeeping cost ~0.035 ms of CPU, about a sixth
// of a whole OCSP answer here (bench/README.md, "A lane for one-shot requests"). This lane reads the
// first request of every connection itself and keeps it only when it is a strict, whole, small
// HTTP/1.x request that says it is the connection's only one and that `take` answers (scripts/serve.mjs:
// a bytes route such as OCSP). The answer is the bytes node:http would send for it (same status
// line, headers in the same order, Date, Connection: close, Content-Length), in one write, then
// the connection ends. Everything else goes to node:http with every byte read so far, untouched,
// as if it had read them itself: keep-alive, a header repeated or not plain ASCII, obs-fold, a bare
// LF, Transfer-Encoding, Expect, Upgrade, a body longer than 64 KiB, bytes after the request, a
// request not whole within about a second (node's own timeouts take over from there).
import { STATUS_CODES } from "node:http";

/** node's default maximum header size is 16 KiB; a one-shot request is a few hundred bytes. */
const HEAD_LIMIT = 8 * 1024;
const BODY_LIMIT = 64 * 1024;
/** How often waiting connections are handed to node:http: each waits one to two of these. */
const WAIT_MS = 500;

/** readOneShot's verdicts when it is not a request it takes. */
export const MORE = "more"; // nothing wrong yet, the request is not whole
export const OTHER = "other"; // node:http's to answer

// RFC 9112 3 and 5: method SP request-target SP HTTP-version; field-name ":" OWS field-value OWS.
// Only origin-form targets of visible ASCII and field values of visible ASCII, space and tab.
const REQUEST_LINE = /^(GET|HEAD|POST) (\/[!-~]*) HTTP\/1\.([01])$/;
const FIELD_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const FIELD_VALUE = /^[\t\x20-\x7e]*$/;
const REFUSED_FIELDS = new Set(["transfer-encoding", "expect", "upgrade", "__proto__"]);

/**
 * The first request in `bytes` as {method, target, headers, body} when the lane takes it: headers
 * as node:http gives them (lower-case names; values without the surrounding OWS). MORE when it may
 * still become one, OTHER when node:http must answer it.
 */
export function readOneShot(bytes) {
  const end = bytes.indexOf("\r\n\r\n");
  if (end === -1) return bytes.length > HEAD_LIMIT ? OTHER : MORE;
  if (end > HEAD_LIMIT) return OTHER;
  const lines = bytes.latin1Slice(0, end).split("\r\n");
  const request = REQUEST_LINE.exec(lines[0]);
  if (!request) return OTHER;
  const headers = {};
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    const colon = line.indexOf(":");
    const given = line.slice(0, colon);
    if (colon <= 0 || !FIELD_NAME.test(given) || !FIELD_VALUE.test(line)) return OTHER;
    const name = given.toLowerCase();
    // node joins or drops repeated fields by rules of its own: leave those requests to it.
    if (REFUSED_FIELDS.has(name) || headers[name] !== undefined) return OTHER;
    headers[name] = line.slice(colon + 1).trim();
  }
  const http10 = request[3] === "0";
  // node:http refuses an HTTP/1.1 request without Host (400, requireHostHeader).
  if (!http10 && headers.host === undefined) return OTHER;
  const connection = (headers.connection ?? "")
    .toLowerCase()
    .split(",")
    .map((t) => t.trim());
  if (http10 ? connection.includes("keep-alive") : !connection.includes("close")) return OTHER;
  const declared = headers["content-length"];
  if (declared !== undefined && !/^\d{1,6}$/.test(declared)) return OTHER;
  const length = declared === undefined ? 0 : Number(declared);
  if (length > BODY_LIMIT || (length > 0 && request[1] !== "POST")) return OTHER;
  const whole = end + 4 + length;
  if (bytes.length < whole) return MORE;
  if (bytes.length > whole) return OTHER;
  return { method: request[1], target: request[2], http10, headers, body: bytes.subarray(end + 4, whole) };
}

/**
 * The bytes node:http writes for `res.setHeader(name, value)` in `fields` order then
 * `res.end(body)` on a connection that closes after it: a repeated name keeps its first place and
 * its last spelling and value; then Date, Connection and Content-Length unless set; no body (nor
 * Content-Length) for HEAD, 204 and 304, and no Content-Length for HTTP/1.0 (the close ends the
 * body) unless the request's TE names chunked (node's useChunkedEncodingByDefault).
 */
export function oneShotResponse({ method, http10, headers }, status, fields, body) {
  const byName = new Map();
  for (const [name, value] of fields) byName.set(name.toLowerCase(), [name, value]);
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "unknown"}\r\n`;
  for (const [name, value] of byName.values()) head += `${name}: ${value}\r\n`;
  if (!byName.has("date")) head += `Date: ${utcDate()}\r\n`;
  if (!byName.has("connection")) head += "Connection: close\r\n";
  const hasBody = method !== "HEAD" && status !== 204 && status !== 304;
  const lengthSent = !http10 || /(?:^|\W)chunked(?:$|\W)/i.test(headers.te ?? "");
  if (hasBody && lengthSent && !byName.has("content-length")) head += `Content-Length: ${body.byteLength}\r\n`;
  head += "\r\n";
  if (!hasBody || body.byteLength === 0) return Buffer.from(head, "latin1");
  const out = Buffer.allocUnsafe(Buffer.byteLength(head, "latin1") + body.byteLength);
  const at = out.latin1Write(head, 0);
  out.set(body, at);
  return out;
}

/** The Date header's value, made once a second as node:http does. */
function utcDate() {
  const second = Math.floor(Date.now() / 1000);
  if (second !== utcDate.second) {
    utcDate.second = second;
    utcDate.text = new Date(second * 1000).toUTCString();
  }
  return utcDate.text;
}

/**
 * Puts the lane in front of `server`'s own connection listener. `take(request, socket)` answers a
 * request readOneShot returned and returns true, or returns false to leave it to node:http.
 * Returns {handOverAll}, which gives every connection still waiting to node:http (at shutdown).
 */
export function oneShotLane(server, take) {
  const own = server.listeners("connection");
  if (own.length !== 1) throw new Error("oneShotLane: the server must have only node:http's own connection listener");
  const nodeListener = own[0];
  server.removeListener("connection", nodeListener);
  // Two generations of waiting connections: each sweep hands over the older one.
  let waiting = new Map();
  let older = new Map();
  let sweeper = null;
  let closed = false;

  function handOver(socket, kept) {
    nodeListener.call(server, socket);
    // node:http reads the socket's handle itself from now on (parser.consume); what this lane
    // already read reaches its parser through its 'data' listener, in order, before anything newer.
    if (kept !== undefined) socket.emit("data", kept);
  }

  function sweep() {
    // A connection the client reset while it waited is only forgotten: nobody is there to answer.
    for (const [socket, hand] of older) if (!socket.destroyed) hand();
    older = waiting;
    waiting = new Map();
    if (older.size === 0) {
      clearInterval(sweeper);
      sweeper = null;
    }
  }

  server.on("connection", (socket) => {
    if (closed) return void nodeListener.call(server, socket);
    let kept;
    const stop = () => {
      socket.removeListener("data", onData);
      socket.removeListener("end", onEnd);
      waiting.delete(socket);
      older.delete(socket);
    };
    const toNode = () => {
      stop();
      socket.removeListener("error", onError);
      handOver(socket, kept);
    };
    function onData(chunk) {
      kept = kept === undefined ? chunk : Buffer.concat([kept, chunk]);
      const request = readOneShot(kept);
      if (request === MORE) return;
      if (request === OTHER) return toNode();
      stop();
      if (!take(request, socket)) toNode();
    }
    // The client stopped sending before a whole request: node:http answers that as it would have
    // (its parser's verdict on what came, e.g. 400), since it sees the same bytes, then the end.
    function onEnd() {
      toNode();
      socket.emit("end");
    }
    // A reset while waiting or answering: the socket closes; nobody is left to answer.
    function onError() {}
    socket.on("data", onData);
    socket.on("end", onEnd);
    socket.on("error", onError);
    waiting.set(socket, toNode);
    sweeper ??= setInterval(sweep, WAIT_MS).unref();
  });

  return {
    handOverAll() {
      closed = true;
      for (const [socket, hand] of [...older, ...waiting]) if (!socket.destroyed) hand();
    },
  };
}
