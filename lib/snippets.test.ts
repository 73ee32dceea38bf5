/**
 * The snippets users copy must work as written: build the Go mTLS server and Go client from them,
 * run them against each other with certificates cadesk issued, saved under the download names,
 * and run the curl command too.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { describe, expect } from "vitest";
import { afterAll, beforeAll, it } from "./testing/system";
import { createAuthority } from "./services/create-authority";
import { exportCertificate } from "./services/export-certificate";
import { issueCertificate } from "./services/issue-certificate";
import { usageSnippets, type Snippet } from "./snippets";
import { tempDir } from "./testing/openssl";

const GO_ENV = { ...process.env, GO111MODULE: "off" };
let dir: string;
let port: number;
let server: ChildProcess;
let serverSnippets: Snippet[];
let clientSnippets: Snippet[];

const snippet = (list: Snippet[], id: string) => list.find((s) => s.id === id)!.text;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(p: number, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(p, "127.0.0.1");
      socket
        .on("connect", () => {
          socket.destroy();
          resolve(true);
        })
        .on("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on ${p}`);
}

async function saveDownloads(id: string) {
  for (const format of ["fullchain", "key", "chain"]) {
    const file = await exportCertificate(id, format);
    writeFileSync(path.join(dir, file.filename), file.body);
  }
}

function goBuild(name: string, source: string): string {
  const folder = path.join(dir, name);
  mkdirSync(folder);
  writeFileSync(path.join(folder, "main.go"), source);
  const r = spawnSync("go", ["build", "-o", path.join(dir, `${name}-bin`), "main.go"], { cwd: folder, env: GO_ENV, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`go build ${name} failed:\n${r.stderr}\n${source}`);
  return path.join(dir, `${name}-bin`);
}

beforeAll(async () => {
  dir = tempDir("cadesk-snippets-");
  port = await freePort();
  const root = await createAuthority({ commonName: "Snippet Root" });
  const issuing = await createAuthority({ commonName: "Snippet Issuing CA", parentId: root.authority.id });
  const serverCert = await issueCertificate({
    caId: issuing.authority.id,
    profile: "server",
    commonName: "localhost",
    sans: { ip: ["127.0.0.1"] },
  });
  const clientCert = await issueCertificate({
    caId: issuing.authority.id,
    profile: "client",
    commonName: "billing",
    sans: { uri: ["spiffe://example.org/billing"] },
  });
  await saveDownloads(serverCert.certificate.id);
  await saveDownloads(clientCert.certificate.id);
  serverSnippets = usageSnippets({
    base: "localhost",
    host: "localhost",
    port,
    isServer: true,
    isClient: false,
    secretName: "localhost-tls",
  });
  clientSnippets = usageSnippets({ base: "billing", host: "localhost", port, isServer: false, isClient: true, secretName: "billing-tls" });

  const serverBin = goBuild("server", snippet(serverSnippets, "go-server"));
  server = spawn(serverBin, [], { cwd: dir, stdio: "ignore" });
  await waitForPort(port);
}, 180_000);

afterAll(() => {
  server?.kill();
});

describe("the snippets on a certificate page", () => {
  it("Go client snippet completes an mTLS request to the Go server snippet", () => {
    const body = snippet(clientSnippets, "go-client")
      .split("\n")
      .map((l) => `\t${l}`)
      .join("\n");
    const program = `package main

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"net/http"
	"os"
)

func main() {
${body}
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	io.Copy(os.Stdout, resp.Body)
}
`;
    const client = goBuild("client", program);
    const r = spawnSync(client, [], { cwd: dir, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("hello billing\n");
  }, 120_000);

  it("curl snippet presents the client certificate and gets through", () => {
    const r = spawnSync("sh", ["-c", snippet(clientSnippets, "curl") + " --silent --show-error"], { cwd: dir, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("hello billing\n");
  });

  it("Node.js server snippet accepts the curl snippet's client certificate", async () => {
    const nodePort = await freePort();
    const nodeSnippets = usageSnippets({
      base: "localhost",
      host: "localhost",
      port: nodePort,
      isServer: true,
      isClient: false,
      secretName: "x",
    });
    writeFileSync(path.join(dir, "server.mjs"), snippet(nodeSnippets, "node-server"));
    const nodeServer = spawn(process.execPath, ["server.mjs"], { cwd: dir, stdio: "ignore" });
    try {
      await waitForPort(nodePort);
      const curl = snippet(
        usageSnippets({ base: "billing", host: "localhost", port: nodePort, isServer: false, isClient: true, secretName: "x" }),
        "curl",
      );
      const r = spawnSync("sh", ["-c", curl + " --silent --show-error"], { cwd: dir, encoding: "utf8" });
      expect(r.stderr).toBe("");
      expect(r.stdout).toBe("hello billing\n");
    } finally {
      nodeServer.kill();
    }
  });

  it("the server refuses a client without a certificate (RequireAndVerifyClientCert)", () => {
    const r = spawnSync("curl", ["--silent", "--show-error", "--cacert", "localhost.chain.pem", `https://localhost:${port}/`], {
      cwd: dir,
      encoding: "utf8",
    });
    // Under TLS 1.3 the refusal comes after the handshake: curl sees an alert or a reset.
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe("");
  });
});
