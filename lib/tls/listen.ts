import type { Server } from "node:net";

/** Starts listening, rejecting on the first error (port in use, no permission) instead of throwing later. */
export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}
