// Whether a port is free, tried by binding it without SO_REUSEPORT: any other process's listener,
// with SO_REUSEPORT or without, makes that fail, so listeners that then join each other on the
// port with reusePort (the cluster's echo threads) are sure to be only this instance's.
import net from "node:net";

/** { ok: true }, or the bind's error (EADDRINUSE when something else listens there). */
export function probePort(port, host) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", (error) => resolve({ ok: false, code: error.code, message: error.message }));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve({ ok: true })));
  });
}
