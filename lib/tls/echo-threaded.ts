/**
 * The echo server in a worker_thread of its own (lib/tls/echo-thread.ts), driven from here with
 * EchoServer's interface: handshakes, reports and echoes run on the thread's own event loop and V8
 * isolate, outside the dashboard's (issue #13: in the same cadesk process, `openssl s_time -new`
 * cost ~15% less CPU per mTLS handshake there than on the main thread, whose every socket, timer
 * and write also runs Next's AsyncLocalStorage hooks; bench/README.md "Echo handshakes (late)").
 * A cluster's workers share a port through the primary (node:cluster), which a worker_thread
 * cannot join: there each worker's thread listens with `reusePort` (Node 22.12+), the kernel
 * spreading the connections.
 */
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { EchoCommand, EchoEvent, EchoListener, EchoTlsConfig } from "./echo-server";

type Pending = { resolve: (event: EchoEvent & { type: "done" }) => void; reject: (error: Error) => void };

/** Distributive Omit: each command without its id (ThreadedEchoServer numbers them). */
type WithoutId<T> = T extends unknown ? Omit<T, "id"> : never;

/**
 * The thread's entry. Built (next build), Turbopack bundles echo-thread.ts as a worker chunk from
 * this `new Worker(new URL(...))`; run from source (vitest, tsx), Node cannot load a .ts entry, so
 * tsx (a dev dependency) registers its loader in the thread first.
 */
function startThread(): Worker {
  if (process.env.NEXT_RUNTIME) return new Worker(new URL("./echo-thread.ts", import.meta.url));
  const entry = fileURLToPath(new URL("./echo-thread.ts", import.meta.url));
  return new Worker(`require("tsx/cjs/api").register(); require(${JSON.stringify(entry)});`, { eval: true });
}

export class ThreadedEchoServer implements EchoListener {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private listeningPort: number | null = null;
  private readonly ticketSecret: Buffer;
  private readonly reusePort: boolean;

  /** As EchoServer's: `ticketSecret` (servers given the same one resume each other's sessions), `reusePort`. */
  constructor(options: { ticketSecret?: Buffer; reusePort?: boolean } = {}) {
    this.ticketSecret = options.ticketSecret ?? randomBytes(32);
    this.reusePort = options.reusePort ?? false;
  }

  get listening(): boolean {
    return this.listeningPort !== null;
  }

  get port(): number | null {
    return this.listeningPort;
  }

  async start(config: EchoTlsConfig, port: number, host = "0.0.0.0"): Promise<void> {
    if (this.worker) throw new Error("echo server already started");
    const worker = startThread();
    this.worker = worker;
    // The dashboard's HTTP server keeps the process alive; the echo thread alone does not.
    worker.unref();
    worker.on("message", (event: EchoEvent) => this.settle(event));
    worker.on("error", (error) => this.failAll(error));
    worker.on("exit", (code) => {
      if (this.worker === worker) {
        this.worker = null;
        this.listeningPort = null;
      }
      this.failAll(new Error(`the echo server's thread exited (code ${code})`));
    });
    try {
      const done = await this.send({ type: "start", config, port, host, ticketSecret: this.ticketSecret, reusePort: this.reusePort });
      this.listeningPort = done.port;
    } catch (error) {
      this.worker = null;
      await worker.terminate();
      throw error;
    }
  }

  /** New certificate, client CAs or client-auth mode: applied by the thread for the next handshake once this resolves. */
  async update(config: EchoTlsConfig): Promise<void> {
    if (!this.worker || !this.listening) throw new Error("echo server not started");
    await this.send({ type: "update", config });
  }

  /** Closes every connection and the listener, then ends the thread. */
  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    try {
      await this.send({ type: "stop" });
    } finally {
      this.worker = null;
      this.listeningPort = null;
      await worker.terminate();
    }
  }

  private send(command: WithoutId<EchoCommand>): Promise<EchoEvent & { type: "done" }> {
    const worker = this.worker;
    if (!worker) return Promise.reject(new Error("echo server not started"));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...command, id } as EchoCommand);
    });
  }

  private settle(event: EchoEvent): void {
    const pending = this.pending.get(event.id);
    if (!pending) return;
    this.pending.delete(event.id);
    if (event.type === "done") pending.resolve(event);
    else pending.reject(Object.assign(new Error(event.message), event.code ? { code: event.code } : {}));
  }

  private failAll(error: Error): void {
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}
