/**
 * Tests: serves the app's route handlers (every `route.ts` under the given app folders) over real
 * HTTP on a loopback port, as Next's router would call them: the real body stream, headers and
 * Content-Length, `params` from the folder names ([id], [[...request]]). So API and PKI endpoints
 * are tested with real requests (curl, openssl, fetch) without a `next build`.
 */
import { readdirSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Readable } from "node:stream";

type Handler = (
  request: Request,
  context: { params: Promise<Record<string, string | string[] | undefined>> },
) => Promise<Response> | Response;

export interface RouteFile {
  /** "/api/v1/cas/[id]/revoke" */
  route: string;
  file: string;
  pattern: RegExp;
  params: { name: string; catchAll: boolean }[];
}

const APP = path.resolve("app");

/** Every route.ts under app/<folder>, with the URL pattern its folder names make. */
export function routeFiles(...folders: string[]): RouteFile[] {
  const found: RouteFile[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name === "route.ts") found.push(toRoute(full));
    }
  };
  for (const folder of folders) walk(path.join(APP, folder));
  // As Next matches: a static segment before a dynamic one, a dynamic one before a catch-all.
  const rank = (segment: string) => (segment.startsWith("[[...") || segment.startsWith("[...") ? 2 : segment.startsWith("[") ? 1 : 0);
  return found.sort((a, b) => {
    const x = a.route.split("/");
    const y = b.route.split("/");
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const order = rank(x[i]!) - rank(y[i]!) || x[i]!.localeCompare(y[i]!);
      if (order) return order;
    }
    return x.length - y.length;
  });
}

function toRoute(file: string): RouteFile {
  const segments = path
    .relative(APP, path.dirname(file))
    .split(path.sep)
    .filter((s) => !/^\(.*\)$/.test(s)); // route groups do not appear in URLs
  const params: RouteFile["params"] = [];
  let source = "";
  for (const segment of segments) {
    const optionalCatchAll = /^\[\[\.\.\.(\w+)\]\]$/.exec(segment);
    const catchAll = /^\[\.\.\.(\w+)\]$/.exec(segment);
    const dynamic = /^\[(\w+)\]$/.exec(segment);
    if (optionalCatchAll) {
      params.push({ name: optionalCatchAll[1]!, catchAll: true });
      source += "(?:/(.*))?";
    } else if (catchAll) {
      params.push({ name: catchAll[1]!, catchAll: true });
      source += "/(.+)";
    } else if (dynamic) {
      params.push({ name: dynamic[1]!, catchAll: false });
      source += "/([^/]+)";
    } else {
      source += "/" + segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }
  }
  return { route: "/" + segments.join("/"), file, pattern: new RegExp(`^${source}$`), params };
}

export interface RouteServer {
  url: string;
  close(): Promise<void>;
}

/** Starts an HTTP server on 127.0.0.1 (a free port) that dispatches to the route handlers. */
export async function serveRoutes(routes: RouteFile[]): Promise<RouteServer> {
  const modules = new Map<string, Record<string, Handler>>();
  for (const r of routes) modules.set(r.file, (await import(/* @vite-ignore */ r.file)) as Record<string, Handler>);
  const server: Server = createServer((req, res) => {
    dispatch(routes, modules, req, res).catch((error: unknown) => {
      // What Next does with a handler that throws: 500 with an empty body.
      console.error(error);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function dispatch(routes: RouteFile[], modules: Map<string, Record<string, Handler>>, req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
  const pathname = url.pathname.replace(/\/+$/, "") || "/";
  for (const route of routes) {
    const match = route.pattern.exec(pathname);
    if (!match) continue;
    const handler = modules.get(route.file)![req.method ?? "GET"];
    if (!handler) {
      res.writeHead(405).end();
      return;
    }
    const params = Object.fromEntries(
      route.params.map((p, i) => {
        const raw = match[i + 1];
        return [p.name, p.catchAll ? (raw === undefined ? undefined : raw.split("/")) : raw];
      }),
    );
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    const request = new Request(url, {
      method: req.method,
      headers,
      ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream, duplex: "half" } : {}),
    } as RequestInit);
    const response = await handler(request, { params: Promise.resolve(params) });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
    return;
  }
  res.writeHead(404).end();
}
