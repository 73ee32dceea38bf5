/**
 * The echo server's own thread (lib/tls/echo-threaded.ts starts it): the same EchoServer, in a
 * worker_thread with its own event loop and V8 isolate. Nothing of the dashboard runs here: no
 * AsyncLocalStorage hooks on every socket, timer and write (Next enters one in every process),
 * no patched timers, no dashboard request between two handshakes. Messages are EchoCommand in,
 * EchoEvent out.
 */
import { parentPort } from "node:worker_threads";
import { EchoServer, type EchoCommand, type EchoEvent } from "./echo-server";

let server: EchoServer | null = null;
const port = parentPort!;
const send = (event: EchoEvent) => port.postMessage(event);

async function run(command: EchoCommand): Promise<EchoEvent> {
  switch (command.type) {
    case "start":
      server = new EchoServer({ ticketSecret: Buffer.from(command.ticketSecret), reusePort: command.reusePort });
      await server.start(command.config, command.port, command.host);
      return { type: "done", id: command.id, port: server.port };
    case "update":
      if (!server) throw new Error("echo server not started");
      server.update(command.config);
      return { type: "done", id: command.id, port: server.port };
    case "stop":
      await server?.stop();
      server = null;
      return { type: "done", id: command.id, port: null };
  }
}

port.on("message", (command: EchoCommand) => {
  run(command).then(send, (error: NodeJS.ErrnoException) =>
    send({ type: "failed", id: command.id, message: error?.message ?? String(error), code: error?.code }),
  );
});
