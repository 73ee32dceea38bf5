/**
 * Serves the ACME handlers from a plain Node HTTP server (tests, and any deployment that wants
 * ACME without the dashboard): each request becomes a Fetch `Request` for `handleAcmeRequest`.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { handleAcmeRequest } from "./wfe";

export async function toFetchRequest(req: http.IncomingMessage): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) value.forEach((v) => headers.append(name, v));
    else if (value !== undefined) headers.set(name, value);
  }
  const body = chunks.length && req.method !== "GET" && req.method !== "HEAD" ? Buffer.concat(chunks) : undefined;
  return new Request(`http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`, { method: req.method, headers, body });
}

export async function writeFetchResponse(res: http.ServerResponse, response: Response, head: boolean): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    // Headers joins repeated Link values with ", "; send them as separate lines, as clients parse either.
    headers[name] = name === "link" ? value.split(/,\s*(?=<)/) : value;
  });
  res.writeHead(response.status, headers);
  res.end(head ? undefined : Buffer.from(await response.arrayBuffer()));
}

/** Starts a server on host:port (port 0 picks a free one) and returns it with its port. */
export async function startAcmeServer(port = 0, host = "127.0.0.1"): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer((req, res) => {
    toFetchRequest(req)
      .then((request) => handleAcmeRequest(request))
      .then((response) => writeFetchResponse(res, response, req.method === "HEAD"))
      .catch((error) => {
        console.error("[cadesk] ACME HTTP adapter:", error);
        res.statusCode = 500;
        res.end();
      });
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return { server, port: (server.address() as AddressInfo).port };
}
