/**
 * The snippets users copy must work as written: build the Go and Node servers from them (as shown,
 * and with their optional mTLS block uncommented), run the Go, Node, Python, curl and openssl client
 * snippets against them with certificates cadesk issued, saved under the download names, after
 * replacing the placeholder server address as a user would.
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
import { MTLS_BEGIN, MTLS_END, SERVER_URL_PLACEHOLDER, snippetParamsFor, usageSnippets, type Snippet } from "./snippets";
import { tempDir } from "./testing/openssl";

const GO_ENV = { ...process.env, GO111MODULE: "off" };
let dir: string;
let plainPort: number;
let mtlsPort: number;
const servers: ChildProcess[] = [];
let serverSnippets: Snippet[];
let clientSnippets: Snippet[];

const snippet = (list: Snippet[], id: string) => {
  const found = list.find((s) => s.id === id);
  if (!found) throw new Error(`no ${id} snippet among ${list.map((s) => s.id).join(", ")}`);
  return found.text;
};

/** What a user does with a client snippet: put their server's address where the placeholder is. */
const aimedAt = (text: string, port: number) =>
  text.replaceAll(SERVER_URL_PLACEHOLDER, `https://localhost:${port}/`).replaceAll("your-server.example:8443", `localhost:${port}`);

/** What a user does to switch on mTLS: uncomment the lines of the marked optional block. */
function withMtls(text: string): string {
  let inside = false;
  return text
    .split("\n")
    .map((line) => {
      if (line.includes(MTLS_END)) {
        inside = false;
        return line;
      }
      if (line.includes(MTLS_BEGIN)) {
        inside = true;
        return line;
      }
      return inside ? line.replace(/^(\s*)(\/\/|#) /, "$1") : line;
    })
    .join("\n");
}

/** The lines a program or config acts on: comments dropped. */
const active = (text: string) =>
  text
    .split("\n")
    .filter((l) => !/^\s*(\/\/|#)/.test(l))
    .join("\n");

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

function sh(command: string) {
  return spawnSync("sh", ["-c", command], { cwd: dir, encoding: "utf8" });
}

beforeAll(async () => {
  dir = tempDir("cadesk-snippets-");
  [plainPort, mtlsPort] = [await freePort(), await freePort()];
  const root = await createAuthority({ commonName: "Snippet Root" });
  const issuing = await createAuthority({ commonName: "Snippet Issuing CA", parentId: root.authority.id });
  const serverCert = await issueCertificate({
    caId: issuing.authority.id,
    profile: "server",
    commonName: "localhost",
    sans: { dns: ["localhost"], ip: ["127.0.0.1"] },
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
    port: plainPort,
    isServer: true,
    isClient: false,
    secretName: "x",
  });
  clientSnippets = usageSnippets({ base: "billing", host: "billing", isServer: false, isClient: true, secretName: "billing-tls" });

  const plain = goBuild("plain", snippet(serverSnippets, "go-server"));
  const mtlsSource = withMtls(
    snippet(
      usageSnippets({ base: "localhost", host: "localhost", port: mtlsPort, isServer: true, isClient: false, secretName: "x" }),
      "go-server",
    ),
  );
  const mtls = goBuild("mtls", mtlsSource);
  servers.push(spawn(plain, [], { cwd: dir, stdio: "ignore" }), spawn(mtls, [], { cwd: dir, stdio: "ignore" }));
  await Promise.all([waitForPort(plainPort), waitForPort(mtlsPort)]);
}, 240_000);

afterAll(() => {
  for (const s of servers) s.kill();
});

describe("which snippets a certificate gets (issue #12 item 6)", () => {
  it("a client certificate gets client set-ups aimed at a marked placeholder server, never at its own name", () => {
    expect(clientSnippets.map((s) => s.id)).toEqual(["curl-client", "go-client", "node-client", "python-client", "openssl-client"]);
    for (const s of clientSnippets) {
      expect(s.text, s.id).toMatch(/your-server\.example:8443/);
      expect(s.text, s.id).not.toMatch(/billing:|https:\/\/billing|ServerName/);
      expect(`${s.title}\n${s.text}`, s.id).toMatch(/[Rr]eplace/);
    }
  });

  it("a server certificate's set-ups serve plain TLS: mTLS is only in the marked, commented block", () => {
    expect(serverSnippets.map((s) => s.id)).toEqual(["nginx", "go-server", "node-server", "kubernetes", "curl"]);
    for (const id of ["nginx", "go-server", "node-server"]) {
      const text = snippet(serverSnippets, id);
      expect(text, id).toContain(MTLS_BEGIN);
      expect(active(text), id).not.toMatch(/ssl_verify_client|RequireAndVerifyClientCert|requestCert|ClientCAs:/);
      expect(active(withMtls(text)), id).toMatch(/ssl_verify_client on|RequireAndVerifyClientCert|requestCert: true/);
    }
  });

  it("a server-client certificate gets both, and the page's parameters come from its names", () => {
    const params = snippetParamsFor({
      base: "peer",
      commonName: "peer",
      sans: ["DNS:*.peer.internal", "IP:10.0.0.1"],
      profile: "server-client",
    });
    expect(params).toMatchObject({ host: "www.peer.internal", isServer: true, isClient: true, secretName: "peer-tls" });
    const ids = usageSnippets(params).map((s) => s.id);
    expect(ids).toContain("go-server");
    expect(ids).toContain("go-client");
    expect(snippetParamsFor({ base: "c", commonName: "c", sans: ["URI:spiffe://x/c"], profile: "client" })).toMatchObject({
      isServer: false,
      isClient: true,
    });
  });
});

describe("the snippets work as written", () => {
  it("the Go server as shown serves plain TLS: the server's curl check gets through without a client certificate", () => {
    const r = sh(`${snippet(serverSnippets, "curl")} --connect-to localhost:443:127.0.0.1:${plainPort} --silent --show-error`);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("hello\n");
  });

  it("with its mTLS block uncommented the Go server refuses a client without a certificate", () => {
    const r = sh(`curl --silent --show-error --cacert localhost.chain.pem https://localhost:${mtlsPort}/`);
    // Under TLS 1.3 the refusal comes after the handshake: curl sees an alert or a reset.
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe("");
  });

  it("the client curl snippet presents the client certificate and gets through mTLS", () => {
    const r = sh(aimedAt(snippet(clientSnippets, "curl-client"), mtlsPort) + " --silent --show-error");
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("hello billing\n");
  });

  it("the Go client snippet completes an mTLS request", () => {
    const body = aimedAt(snippet(clientSnippets, "go-client"), mtlsPort)
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
    const r = spawnSync(goBuild("client", program), [], { cwd: dir, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("hello billing\n");
  }, 120_000);

  it("the Node.js and Python client snippets complete an mTLS request", () => {
    writeFileSync(path.join(dir, "client.mjs"), aimedAt(snippet(clientSnippets, "node-client"), mtlsPort));
    const node = spawnSync(process.execPath, ["client.mjs"], { cwd: dir, encoding: "utf8" });
    expect(node.stderr).toBe("");
    expect(node.stdout).toBe("hello billing\n");
    writeFileSync(path.join(dir, "client.py"), aimedAt(snippet(clientSnippets, "python-client"), mtlsPort));
    const python = spawnSync("/usr/bin/python3", ["client.py"], { cwd: dir, encoding: "utf8" });
    expect(python.stderr).toBe("");
    expect(python.stdout).toBe("hello billing\n");
  });

  it("the openssl s_client snippet verifies the server and presents the client certificate", () => {
    const r = sh(aimedAt(snippet(clientSnippets, "openssl-client"), mtlsPort));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("Verify return code: 0 (ok)");
  });

  it("the Node.js server snippet serves plain TLS as shown, and checks client certificates with its mTLS block", async () => {
    for (const mtls of [false, true]) {
      const port = await freePort();
      const text = snippet(
        usageSnippets({ base: "localhost", host: "localhost", port, isServer: true, isClient: false, secretName: "x" }),
        "node-server",
      );
      writeFileSync(path.join(dir, `server-${mtls}.mjs`), mtls ? withMtls(text) : text);
      const server = spawn(process.execPath, [`server-${mtls}.mjs`], { cwd: dir, stdio: "ignore" });
      try {
        await waitForPort(port);
        const bare = sh(`curl --silent --show-error --cacert localhost.chain.pem https://localhost:${port}/`);
        const withCert = sh(aimedAt(snippet(clientSnippets, "curl-client"), port) + " --silent --show-error");
        expect(withCert.stdout, `mtls=${mtls}`).toBe(mtls ? "hello billing\n" : "hello\n");
        if (mtls) expect(bare.status).not.toBe(0);
        else expect(bare.stdout).toBe("hello\n");
      } finally {
        server.kill();
      }
    }
  });
});
