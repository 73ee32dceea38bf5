/**
 * The dashboard's HTTPS listener of this process (CADESK_TLS=1), on globalThis so instrumentation,
 * the scheduler and server actions reach the same one.
 */
import type { HttpsFront } from "./https-front";

interface Runtime {
  front: HttpsFront | null;
  /** Serves the given stored certificate from the next handshake on. */
  reload: ((certificateId: string) => Promise<void>) | null;
}

const KEY = Symbol.for("cadesk.httpsFront");
const store = globalThis as unknown as { [KEY]?: Runtime };

export function httpsFrontRuntime(): Runtime {
  store[KEY] ??= { front: null, reload: null };
  return store[KEY];
}
