/**
 * The one echo server of this process. Held on globalThis: Next bundles route handlers, server
 * actions and instrumentation separately, and they must all reach the same listener.
 */
import { readConfig } from "../config";
import { clusterHook, clusterTicketSecret } from "../ops/cluster";
import { EchoServer, type EchoListener, type EchoTlsConfig } from "./echo-server";
import { ThreadedEchoServer } from "./echo-threaded";

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
const store = globalThis as unknown as { [KEY]?: Runtime };

export function echoRuntime(): Runtime {
  store[KEY] ??= {
    // A process of its own serves the echo port from a thread of its own (lib/tls/echo-threaded.ts
    // says why); a cluster's workers share the port through the primary, so theirs stays here.
    server: clusterHook() ? new EchoServer({ ticketSecret: clusterTicketSecret() }) : new ThreadedEchoServer(),
    port: readConfig().CADESK_ECHO_PORT,
    error: null,
    appliedVersion: null,
    follower: null,
  };
  return store[KEY];
}

/** Starts the listener on first use, then swaps configurations live. */
export async function applyEchoConfig(config: EchoTlsConfig): Promise<void> {
  const runtime = echoRuntime();
  try {
    if (runtime.server.listening) await runtime.server.update(config);
    else await runtime.server.start(config, runtime.port);
    runtime.error = null;
  } catch (error) {
    runtime.error =
      (error as NodeJS.ErrnoException).code === "EADDRINUSE"
        ? `Port ${runtime.port} is already in use: set CADESK_ECHO_PORT to a free port and restart.`
        : `The echo server could not start: ${(error as Error).message}`;
    throw error;
  }
}
