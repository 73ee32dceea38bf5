import type { Server } from "node:net";

/**
 * Whether this Node can put several listeners on one port (SO_REUSEPORT, `listen({ reusePort })`:
 * Node 22.12 and 23.1 on). Then each listener may live in its own thread, the kernel spreading new
 * connections between them; a worker_thread cannot share a port through node:cluster.
 */
export const REUSE_PORT = (() => {
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  return major >= 24 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12);
})();

/**
 * Starts listening, rejecting on the first error (port in use, no permission) instead of throwing
 * later. `reusePort`: join the other listeners on the port (REUSE_PORT must be true).
 */
export function listen(server: Server, port: number, host: string, options: { reusePort?: boolean } = {}): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port, host, reusePort: options.reusePort }, () => {
      server.off("error", reject);
      resolve();
    });
  });
}
