/**
 * A cadesk server process of a spec's own, beside the suite's webServer: the production server
 * (scripts/serve.mjs, from the build) on a data dir of its own, for the specs that kill, restart or
 * SIGTERM a server, or run it with other settings (92 operations, 94 throughput, 96 workers). Each
 * spec keeps its own port (E2E_OPS_PORT, E2E_THROUGHPUT_PORT, E2E_WORKERS_PORT) and the echo
 * server takes the port after it.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { request as httpRequest, type Agent, type IncomingHttpHeaders } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";

export interface OwnServer {
  port: number;
  child: ChildProcess;
  /** Every line it printed, stdout and stderr, as they came. */
  out: string[];
  /** Its exit code (null when a signal ended it). */
  exited: Promise<number | null>;
}

/** A new data dir with the store migrated, as `npm start` does before it serves (scripts/prepare-db.mjs). */
export function preparedDataDir(prefix: string): string {
  const dataDir = mkdtempSync(path.join(tmpdir(), prefix));
  execFileSync(process.execPath, ["scripts/prepare-db.mjs"], { env: { ...process.env, CADESK_DATA_DIR: dataDir }, stdio: "ignore" });
  return dataDir;
}

/**
 * Starts `node scripts/serve.mjs --port port` on dataDir with this environment, the spec's `env`
 * (its API token, log level, workers...) on top; not waited for (see waitForHealth).
 */
export function startOwnServer(dataDir: string, port: number, env: Record<string, string>): OwnServer {
  const child = spawn(process.execPath, ["scripts/serve.mjs", "--port", String(port)], {
    env: {
      ...process.env,
      CADESK_DATA_DIR: dataDir,
      CADESK_ECHO_PORT: String(port + 1),
      NEXT_TELEMETRY_DISABLED: "1",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const out: string[] = [];
  // Whole lines only: a pipe read can end inside a line, whose rest comes with the next read.
  const collect = (stream: NodeJS.ReadableStream) => {
    let partial = "";
    stream.setEncoding("utf8");
    stream.on("data", (d: string) => {
      const lines = (partial + d).split("\n");
      partial = lines.pop()!;
      out.push(...lines.filter(Boolean));
    });
    stream.on("end", () => partial && out.push(partial));
  };
  collect(child.stdout!);
  collect(child.stderr!);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { port, child, out, exited };
}

/** Waits until /healthz answers 200 (every 250 ms, `tries` times); else fails with what the server printed. */
export async function waitForHealth(server: OwnServer, what: string, tries = 240): Promise<void> {
  for (let i = 0; i < tries; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${server.port}/healthz`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not start:\n${server.out.join("\n")}`);
}

/** Ends the server at once (SIGKILL), waits for it, and removes its data dir. */
export async function discardOwnServer(server: OwnServer | undefined, dataDir: string | undefined): Promise<void> {
  server?.child.kill("SIGKILL");
  await server?.exited;
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}

export interface Answer {
  status: number;
  /** X-Cadesk-Worker: which worker of a CADESK_WORKERS cluster answered ("" without one). */
  worker: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  json<T = Record<string, unknown>>(): T;
}

/**
 * One request on a connection of its own (no keep-alive), or on `agent`'s kept-alive connection:
 * "in flight" means accepted by the server (a cluster's worker). A body that is not a Buffer is
 * sent as JSON. Rejects when the connection fails before the whole answer arrived.
 */
export function oneConnection(
  port: number,
  method: string,
  route: string,
  init: { body?: unknown; contentType?: string; headers?: Record<string, string>; agent?: Agent } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const { body } = init;
    const data = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
    const req = httpRequest(
      {
        host: "127.0.0.1",
        port,
        path: route,
        method,
        agent: init.agent ?? false,
        headers: {
          ...init.headers,
          ...(data ? { "Content-Type": init.contentType ?? "application/json", "Content-Length": data.length } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("error", reject);
        res.on("aborted", () => reject(new Error("the connection closed before the whole answer arrived")));
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const all = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            worker: String(res.headers["x-cadesk-worker"] ?? ""),
            headers: res.headers,
            body: all,
            json: <T>() => JSON.parse(all.toString("utf8")) as T,
          });
        });
      },
    );
    req.on("error", reject);
    req.end(data);
  });
}
