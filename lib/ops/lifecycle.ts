/**
 * What graceful shutdown needs from the app, registered on globalThis for scripts/serve.mjs (which
 * runs outside Next's bundles): first stop taking new work, then let the work in progress finish.
 */
import { stopScheduler } from "../services/scheduler";
import { echoRuntime } from "../tls/echo-runtime";
import { httpsFrontRuntime } from "../tls/https-front-runtime";

export interface Lifecycle {
  /** The HTTPS front stops accepting connections; the scheduler starts no new run. */
  stopAccepting(): Promise<void>;
  /** The scheduler's current run finishes; the echo server closes. */
  drain(): Promise<void>;
}

const KEY = Symbol.for("cadesk.lifecycle");

export function registerLifecycle(): void {
  let schedulerStopped: Promise<void> | null = null;
  const lifecycle: Lifecycle = {
    async stopAccepting() {
      schedulerStopped = stopScheduler();
      const follower = echoRuntime().follower;
      if (follower) clearInterval(follower);
      await httpsFrontRuntime().front?.drain();
    },
    async drain() {
      await (schedulerStopped ?? stopScheduler());
      const echo = echoRuntime().server;
      if (echo.listening) await echo.stop();
    },
  };
  (globalThis as unknown as Record<symbol, Lifecycle>)[KEY] = lifecycle;
}
