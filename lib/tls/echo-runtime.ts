/**
 * The one echo server of this process. Held on globalThis: Next bundles route handlers, server
 * actions and instrumentation separately, and they must all reach the same listener.
 */
import { readConfig } from "../config";
import { claimSharedPort, clusterHook, clusterTicketSecret } from "../ops/cluster";
import { EchoServer, type EchoListener, type EchoTlsConfig } from "./echo-server";
import { ThreadedEchoServer } from "./echo-threaded";
import { REUSE_PORT } from "./listen";

interface Runtime {
  server: EchoListener;
  port: number;
  error: string | null;
  /** The saved settings' updatedAt (ms) this listener serves: other instances' changes show as a different value. */
  appliedVersion: number | null;
  /** The timer that follows the saved settings (lib/services/echo-settings.ts), cleared at shutdown. */
  follower: NodeJS.Timeout | null;
}

const KEY = Symbol.for("cadesk.echoRuntime");
/** Every interface, as EchoServer's default. */
const ECHO_HOST = "0.0.0.0";
const store = globalThis as unknown as { [KEY]?: Runtime };

export function echoRuntime(): Runtime {
  store[KEY] ??= {
    server: echoListener(),
    port: readConfig().CADESK_ECHO_PORT,
    error: null,
    appliedVersion: null,
    follower: null,
  };
  return store[KEY];
}

/**
 * The echo port is served from a thread of its own (lib/tls/echo-threaded.ts says why). A cluster's
 * workers each run theirs with reusePort; on a Node without it they share the port through the
 * primary, which a thread cannot join, so theirs stays in the worker's main thread.
 */
function echoListener(): EchoListener {
  if (!clusterHook()) return new ThreadedEchoServer();
  if (!REUSE_PORT) return new EchoServer({ ticketSecret: clusterTicketSecret() });
  return new ThreadedEchoServer({ ticketSecret: clusterTicketSecret(), reusePort: true });
}

/** Starts the listener on first use, then swaps configurations live. */
export async function applyEchoConfig(config: EchoTlsConfig): Promise<void> {
  const runtime = echoRuntime();
  try {
    if (runtime.server.listening) await runtime.server.update(config);
    else {
      if (REUSE_PORT) await claimSharedPort(runtime.port, ECHO_HOST);
      await runtime.server.start(config, runtime.port, ECHO_HOST);
    }
    runtime.error = null;
  } catch (error) {
    runtime.error =
      (error as NodeJS.ErrnoException).code === "EADDRINUSE"
        ? `Port ${runtime.port} is already in use: set CADESK_ECHO_PORT to a free port and restart.`
        : `The echo server could not start: ${(error as Error).message}`;
    throw error;
  }
}
