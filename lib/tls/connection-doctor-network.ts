/** The doctor's network side: a TCP connection, then a TLS handshake and one HTTP request over it. */
import { X509Certificate } from "node:crypto";
import net from "node:net";
import tls from "node:tls";
import type { DoctorInput } from "./connection-doctor-types";

export function connectTcp(host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(Object.assign(new Error("timeout"), { code: "ETIMEDOUT" }));
    }, timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

export interface Handshake {
  socket?: tls.TLSSocket;
  /** Read at secureConnect: a closed socket forgets them. */
  negotiated?: { protocol: string; cipher: string; alpn: string | false | null; chain: X509Certificate[] };
  error?: Error;
  reply: string;
  closedWithoutReply: boolean;
  timedOut: boolean;
}

/** Handshake, then one HTTP request; collects the reply or the error the server answered with. */
export function handshake(raw: net.Socket, input: DoctorInput, timeoutMs: number): Promise<Handshake> {
  return new Promise((resolve) => {
    const name = input.serverName || input.host;
    const result: Handshake = { reply: "", closedWithoutReply: false, timedOut: false };
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const timer = setTimeout(() => {
      result.timedOut = !result.socket;
      socket.destroy();
      finish();
    }, timeoutMs);
    const socket = tls.connect({
      socket: raw,
      servername: net.isIP(name) ? undefined : name,
      rejectUnauthorized: false, // we verify ourselves, to explain what is wrong
      ca: input.trust === "system" ? undefined : input.trust.pems,
      cert: input.client?.certificatePem,
      key: input.client?.keyPem,
      minVersion: "TLSv1.2",
    });
    socket.once("secureConnect", () => {
      result.socket = socket;
      const chain: X509Certificate[] = [];
      let peer = socket.getPeerCertificate(true) as tls.DetailedPeerCertificate | undefined;
      while (peer?.raw && !chain.some((c) => c.raw.equals(peer!.raw))) {
        chain.push(new X509Certificate(peer.raw));
        peer = peer.issuerCertificate;
      }
      result.negotiated = {
        protocol: socket.getProtocol() ?? "?",
        cipher: socket.getCipher()?.name ?? "?",
        alpn: socket.alpnProtocol,
        chain,
      };
      socket.write(`GET / HTTP/1.1\r\nHost: ${name}\r\nUser-Agent: cadesk-connection-doctor\r\nConnection: close\r\n\r\n`);
    });
    socket.on("data", (chunk: Buffer) => {
      if (result.reply.length < 65_536) result.reply += chunk.toString("utf8");
    });
    socket.on("error", (error) => {
      result.error = error;
      finish();
    });
    socket.on("close", () => {
      result.closedWithoutReply = !!result.socket && result.reply === "";
      finish();
    });
  });
}
