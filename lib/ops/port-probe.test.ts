// scripts/port-probe.mjs: the cluster's primary checks the echo port this way before its workers'
// threads join each other on it with reusePort.
import net from "node:net";
import { describe, expect, it } from "vitest";
import { probePort } from "../../scripts/port-probe.mjs";
import { REUSE_PORT } from "../tls/listen";

function listening(options: net.ListenOptions): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(options, () => resolve(server));
  });
}
const close = (server: net.Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describe("probePort", () => {
  it("finds a free port free and leaves it free", async () => {
    const held = await listening({ port: 0, host: "127.0.0.1" });
    const port = (held.address() as net.AddressInfo).port;
    await close(held);
    expect(await probePort(port, "127.0.0.1")).toEqual({ ok: true });
    await close(await listening({ port, host: "127.0.0.1" }));
  });

  it("finds a port another program listens on in use", async () => {
    const other = await listening({ port: 0, host: "127.0.0.1" });
    const port = (other.address() as net.AddressInfo).port;
    expect(await probePort(port, "127.0.0.1")).toMatchObject({ ok: false, code: "EADDRINUSE" });
    await close(other);
  });

  it.runIf(REUSE_PORT)(
    "finds a port in use when the other listener has reusePort too (another cadesk cluster), so it is not shared",
    async () => {
      const other = await listening({ port: 0, host: "127.0.0.1", reusePort: true } as net.ListenOptions);
      const port = (other.address() as net.AddressInfo).port;
      expect(await probePort(port, "127.0.0.1")).toMatchObject({ ok: false, code: "EADDRINUSE" });
      // Whereas a listener that asks for reusePort itself would have joined it unnoticed.
      await close(await listening({ port, host: "127.0.0.1", reusePort: true } as net.ListenOptions));
      await close(other);
    },
  );
});
