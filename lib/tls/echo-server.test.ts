import tls from "node:tls";
import { describe, expect } from "vitest";
import { afterAll, beforeAll, it } from "../testing/system";
import { createAuthority } from "../services/create-authority";
import { exportCertificate } from "../services/export-certificate";
import { issueCertificate } from "../services/issue-certificate";
import { runAsync, tempDir, writeFiles } from "../testing/openssl";
import { diagnose } from "./connection-doctor";
import { EchoServer, type EchoTlsConfig } from "./echo-server";
import { ThreadedEchoServer } from "./echo-threaded";
import { REUSE_PORT } from "./listen";

const GO_DIAL = `package main

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log"
	"os"
)

func main() {
	dir := os.Args[2]
	caPEM, _ := os.ReadFile(dir + "/localhost.chain.pem")
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(caPEM)
	cert, err := tls.LoadX509KeyPair(dir+"/billing.fullchain.pem", dir+"/billing.key.pem")
	if err != nil {
		log.Fatal(err)
	}
	conn, err := tls.Dial("tcp", os.Args[1], &tls.Config{RootCAs: roots, Certificates: []tls.Certificate{cert}, ServerName: "localhost", MinVersion: tls.VersionTLS12})
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "hello from go\\n")
	reader := bufio.NewReader(conn)
	for i := 0; i < 2; i++ {
		line, err := reader.ReadString('\\n')
		if err != nil {
			log.Fatal(err)
		}
		fmt.Print(line)
	}
}
`;

interface Pair {
  full: string;
  key: string;
  chain: string;
  fingerprint: string;
}
// The dashboard's own host (lib/tls/echo-runtime.ts, one process): the EchoServer in a thread of its own.
let server: ThreadedEchoServer;
let serverA: Pair;
let serverB: Pair;
let client: Pair;
let strangerClient: Pair;
let clientCaPem: string;
let strangerCaPem: string;
let issuingCaPem: string;
let siblingClient: Pair;

async function pair(
  caId: string,
  profile: "server" | "client",
  commonName: string,
  sans?: { ip?: string[]; dns?: string[]; uri?: string[] },
): Promise<Pair> {
  // A client is known by its SAN: a SPIFFE-style URI unless the test gives names.
  const names = sans ?? (profile === "client" ? { uri: [`spiffe://example.org/${commonName}`] } : undefined);
  const issued = await issueCertificate({ caId, profile, commonName, sans: names });
  const text = async (format: string) => String((await exportCertificate(issued.certificate.id, format)).body);
  return {
    full: await text("fullchain"),
    key: await text("key"),
    chain: await text("chain"),
    fingerprint: issued.certificate.fingerprintSha256,
  };
}

const config = (s: Pair, clientAuth: EchoTlsConfig["clientAuth"]): EchoTlsConfig => ({
  certificatePem: s.full,
  keyPem: s.key,
  clientCaPems: [clientCaPem],
  clientAuth,
});

/** One TLS handshake + an HTTP request; resolves with the peer fingerprint and the reply. */
/** curl with the downloaded client fullchain and key, trusting the downloaded server chain. */
function curlWithClient(f: Record<string, string>, port: number) {
  const args = ["--silent", "--show-error", "--cacert", f["localhost.chain.pem"]!, "--cert", f["billing.fullchain.pem"]!];
  return runAsync("curl", [...args, "--key", f["billing.key.pem"]!, `https://localhost:${port}/`]);
}

function request(options: tls.ConnectionOptions): Promise<{ fingerprint: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: "127.0.0.1", port: server.port!, servername: "localhost", ca: serverA.chain, ...options }, () => {
      const fingerprint = socket.getPeerX509Certificate()!.fingerprint256.replace(/:/g, "").toLowerCase();
      socket.write("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
      let data = "";
      socket.on("data", (c) => (data += c));
      // Under TLS 1.3 a refused client certificate arrives as an alert after the handshake.
      socket.on("close", () =>
        data
          ? resolve({ fingerprint, body: data.slice(data.indexOf("\r\n\r\n") + 4) })
          : reject(lastError ?? new Error("closed without a reply")),
      );
    });
    let lastError: Error | undefined;
    socket.on("error", (error) => {
      lastError = error;
      reject(error);
    });
  });
}

beforeAll(async () => {
  const root = await createAuthority({ commonName: "Echo Test Root" });
  const issuing = await createAuthority({ commonName: "Echo Test Issuing", parentId: root.authority.id });
  const stranger = await createAuthority({ commonName: "Echo Stranger Root" });
  serverA = await pair(issuing.authority.id, "server", "localhost", { ip: ["127.0.0.1"] });
  serverB = await pair(issuing.authority.id, "server", "localhost", { ip: ["127.0.0.1"] });
  client = await pair(issuing.authority.id, "client", "billing");
  strangerClient = await pair(stranger.authority.id, "client", "intruder");
  clientCaPem = root.authority.certificatePem;
  strangerCaPem = stranger.authority.certificatePem;
  issuingCaPem = issuing.authority.certificatePem;
  const sibling = await createAuthority({ commonName: "Echo Test Sibling", parentId: root.authority.id });
  siblingClient = await pair(sibling.authority.id, "client", "sibling");
  server = new ThreadedEchoServer();
  await server.start(config(serverA, "require"), 0, "127.0.0.1");
});

afterAll(() => server.stop());

describe("EchoServer", () => {
  it("reports what it saw as JSON over HTTP/1.1, client certificate included", async () => {
    const { body } = await request({ cert: client.full, key: client.key });
    const report = JSON.parse(body);
    expect(report).toMatchObject({
      tlsVersion: "TLSv1.3",
      serverName: "localhost",
      clientCertificateAccepted: true,
      clientAuth: "require",
    });
    expect(report.clientCertificate.subject).toBe("CN=billing");
  });

  it("refuses a client without a certificate, or with one from another CA, when required", async () => {
    await expect(request({})).rejects.toThrow(/certificate required|alert/i);
    // Node verifies the chain after the handshake and closes without an alert (Go or nginx would
    // send "bad certificate"): either way the client gets no reply.
    await expect(request({ cert: strangerClient.full, key: strangerClient.key })).rejects.toThrow(
      /closed without a reply|alert|ECONNRESET/i,
    );
  });

  it("in request mode accepts the connection and says why the certificate was not accepted", async () => {
    await server.update(config(serverA, "request"));
    const report = JSON.parse((await request({ cert: strangerClient.full, key: strangerClient.key })).body);
    expect(report.clientCertificateAccepted).toBe(false);
    expect(report.clientCertificate.subject).toBe("CN=intruder");
    // OpenSSL's name once partial chains are on: no anchor issued it ("unable to get local issuer certificate").
    expect(report.clientCertificateError).toBe("UNABLE_TO_GET_ISSUER_CERT_LOCALLY");
    const none = JSON.parse((await request({})).body);
    expect(none.clientCertificate).toBeNull();
    await server.update(config(serverA, "require"));
  });

  it("works with curl and openssl s_client using the downloaded files", async () => {
    const f = writeFiles(tempDir(), {
      "billing.fullchain.pem": client.full,
      "billing.key.pem": client.key,
      "localhost.chain.pem": serverA.chain,
    });
    const curl = await curlWithClient(f, server.port!);
    expect(curl.stderr).toBe("");
    expect(JSON.parse(curl.stdout).clientCertificate.subject).toBe("CN=billing");

    // s_client sends the line and closes at end of input; the pause leaves time for the echo.
    const sClient = await runAsync("sh", [
      "-c",
      `(printf 'hello echo\\n'; sleep 1) | openssl s_client -connect 127.0.0.1:${server.port} -servername localhost -CAfile ${f["localhost.chain.pem"]} -cert ${f["billing.fullchain.pem"]} -key ${f["billing.key.pem"]} -quiet -no_ign_eof -verify_return_error`,
    ]);
    expect(sClient.stdout).toContain("cadesk echo: TLSv1.3");
    expect(sClient.stdout).toContain("client certificate: CN=billing");
    expect(sClient.stdout).toContain("hello echo");
  });

  it("works with a Go tls.Dial client presenting the client certificate", async () => {
    const dir = tempDir("cadesk-go-dial-");
    const f = writeFiles(dir, {
      "billing.fullchain.pem": client.full,
      "billing.key.pem": client.key,
      "localhost.chain.pem": serverA.chain,
      "main.go": GO_DIAL,
    });
    const build = await runAsync("go", ["build", "-o", `${dir}/dial`, f["main.go"]!], undefined, 120_000);
    expect(build.stderr).toBe("");
    const run = await runAsync(`${dir}/dial`, [`127.0.0.1:${server.port}`, dir]);
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain("cadesk echo: TLSv1.3");
    expect(run.stdout).toContain("client certificate: CN=billing");
    expect(run.stdout).toContain("hello from go");
  }, 150_000);

  it("resumes a session on another server sharing its ticket secret (another worker), with the client certificate's report; not on one without it, nor after a change of client CAs", async () => {
    const f = writeFiles(tempDir("cadesk-echo-resume-"), {
      "billing.fullchain.pem": client.full,
      "billing.key.pem": client.key,
      "localhost.chain.pem": serverA.chain,
    });
    const secret = Buffer.alloc(32, 7);
    // One in a thread of its own, one in this thread (a cluster worker's): the secret reaches the thread.
    const first = new ThreadedEchoServer({ ticketSecret: secret });
    const second = new EchoServer({ ticketSecret: Buffer.from(secret) });
    const stranger = new ThreadedEchoServer();
    for (const s of [first, second, stranger]) await s.start(config(serverA, "require"), 0, "127.0.0.1");
    try {
      // openssl s_client keeps the session the server's NewSessionTicket carries (-sess_out) and offers it again (-sess_in).
      const connect = async (port: number, session: "out" | "in", version = "-tls1_3") => {
        const args = `-connect 127.0.0.1:${port} -servername localhost -CAfile ${f["localhost.chain.pem"]} -cert ${f["billing.fullchain.pem"]} -key ${f["billing.key.pem"]} ${version} -sess_${session} ${f["localhost.chain.pem"]}.session -ign_eof`;
        const out = await runAsync(
          "sh",
          ["-c", `printf 'GET / HTTP/1.1\\r\\nHost: localhost\\r\\n\\r\\n' | timeout 20 openssl s_client ${args}`],
          undefined,
          30_000,
        );
        return {
          reused: /^Reused, /m.test(out.stdout),
          fresh: /^New, /m.test(out.stdout),
          // From the HTTP status line on: s_client's hex dump of the session ticket before it can hold a "{" of its own.
          body: out.stdout.includes("HTTP/1.1 ") ? out.stdout.slice(out.stdout.indexOf("HTTP/1.1 ")) : "",
        };
      };
      for (const version of ["-tls1_3", "-tls1_2"]) {
        expect((await connect(first.port!, "out", version)).fresh).toBe(true);
        const resumed = await connect(second.port!, "in", version);
        expect(resumed.reused, version).toBe(true);
        // The resumed session still carries the client certificate it was made with, verified.
        // The echo's JSON report, pretty-printed after the HTTP headers.
        const report = /^\{\n[\s\S]*?^\}$/m.exec(resumed.body)?.[0] ?? "{}";
        expect(JSON.parse(report)).toMatchObject({
          clientCertificateAccepted: true,
          clientCertificate: { subject: "CN=billing" },
        });
        // A server with its own secret cannot open the ticket: a full handshake.
        const other = await connect(stranger.port!, "in", version);
        expect([other.reused, other.fresh], version).toEqual([false, true]);
      }
      // New client CAs: a ticket issued under the old ones opens nothing, the client handshakes in
      // full and its certificate, from a CA no longer accepted, is refused.
      expect((await connect(first.port!, "out")).fresh).toBe(true);
      await second.update({ ...config(serverA, "require"), clientCaPems: [strangerCaPem] });
      const after = await connect(second.port!, "in");
      expect(after.reused).toBe(false);
      expect(after.body).not.toContain("CN=billing");
      // The same settings again: sessions resume again (nothing else in the key changed).
      await second.update(config(serverA, "require"));
      expect((await connect(second.port!, "in")).reused).toBe(true);
    } finally {
      for (const s of [first, second, stranger]) await s.stop();
    }
  }, 60_000);

  it("in a thread of its own: a port in use fails the start with EADDRINUSE (echo-runtime names it), and stop closes the port", async () => {
    const taken = new ThreadedEchoServer();
    await expect(taken.start(config(serverA, "require"), server.port!, "127.0.0.1")).rejects.toMatchObject({ code: "EADDRINUSE" });
    expect(taken.listening).toBe(false);
    const own = new ThreadedEchoServer();
    await own.start(config(serverA, "require"), 0, "127.0.0.1");
    const port = own.port!;
    expect(own.listening).toBe(true);
    await own.stop();
    expect(own.listening).toBe(false);
    const refused = await new Promise<string>((resolve) => {
      const socket = tls.connect({ host: "127.0.0.1", port, rejectUnauthorized: false }, () => resolve("connected"));
      socket.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? String(error)));
    });
    expect(refused).toBe("ECONNREFUSED");
    // Started again after a stop, in a new thread.
    await own.start(config(serverA, "require"), 0, "127.0.0.1");
    expect(JSON.parse((await request({ cert: client.full, key: client.key, port: own.port! })).body).clientCertificateAccepted).toBe(true);
    await own.stop();
  });

  it.runIf(REUSE_PORT)(
    "two threads with reusePort (a cluster's workers) share one port: both answer, a listener without it is refused, and one stops while the other goes on",
    async () => {
      const first = new ThreadedEchoServer({ reusePort: true });
      const second = new ThreadedEchoServer({ reusePort: true });
      await first.start(config(serverA, "require"), 0, "127.0.0.1");
      const port = first.port!;
      await second.start(config(serverB, "require"), port, "127.0.0.1");
      try {
        await expect(new ThreadedEchoServer().start(config(serverA, "require"), port, "127.0.0.1")).rejects.toMatchObject({
          code: "EADDRINUSE",
        });
        const answeredBy = async (n: number) => {
          const seen = new Set<string>();
          for (let i = 0; i < n; i++) {
            const reply = await request({ cert: client.full, key: client.key, ca: [serverA.chain, serverB.chain].join(""), port });
            seen.add(reply.fingerprint === serverA.fingerprint ? "first" : reply.fingerprint === serverB.fingerprint ? "second" : "?");
          }
          return [...seen].sort();
        };
        // The kernel spreads connections by their address pair: 40 all on one listener is a 2^-39 chance.
        expect(await answeredBy(40)).toEqual(["first", "second"]);
        await first.stop();
        expect(await answeredBy(10)).toEqual(["second"]);
      } finally {
        await first.stop();
        await second.stop();
      }
    },
  );

  it("accepts TLS 1.2 only with AEAD ciphers, and refuses TLS 1.1", async () => {
    const tls12 = await request({ cert: client.full, key: client.key, maxVersion: "TLSv1.2" });
    expect(JSON.parse(tls12.body).cipher).toMatch(/GCM|CHACHA20/);
    await expect(
      request({ cert: client.full, key: client.key, maxVersion: "TLSv1.2", ciphers: "ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA" }),
    ).rejects.toThrow();
    await expect(
      request({ cert: client.full, key: client.key, minVersion: "TLSv1", maxVersion: "TLSv1.1", ciphers: "DEFAULT@SECLEVEL=0" }),
    ).rejects.toThrow();
  });

  it("swaps its certificate ten times under a client loop with zero failed handshakes; open connections stay up", async () => {
    const open = tls.connect({
      host: "127.0.0.1",
      port: server.port!,
      servername: "localhost",
      ca: serverA.chain,
      cert: client.full,
      key: client.key,
    });
    await new Promise((resolve) => open.once("secureConnect", resolve));
    let running = true;
    let handshakes = 0;
    const failures: string[] = [];
    const loop = (async () => {
      while (running && failures.length < 5) {
        try {
          await request({ cert: client.full, key: client.key });
          handshakes++;
        } catch (error) {
          failures.push(String(error));
        }
        // Let timers run between attempts, whatever the outcome.
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    for (let i = 0; i < 10; i++) {
      await server.update(config(i % 2 === 0 ? serverB : serverA, "require"));
      // Wait for handshakes under each certificate, not for a fixed time: a loaded machine may
      // complete none in 40 ms, and the swap must be exercised with clients in flight.
      const target = handshakes + 2;
      while (handshakes < target && failures.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    running = false;
    await loop;
    expect(failures).toEqual([]);
    expect(handshakes).toBeGreaterThan(10);
    // The last swap (i = 9) installed serverA; swap once more and the next handshake shows B.
    await server.update(config(serverB, "require"));
    expect((await request({ cert: client.full, key: client.key })).fingerprint).toBe(serverB.fingerprint);
    // The connection opened before the swaps still echoes.
    open.write("still here\n");
    const echoed = await new Promise<string>((resolve) => {
      let data = "";
      open.on("data", (c) => {
        data += c;
        if (data.includes("still here")) resolve(data);
      });
    });
    expect(echoed).toContain("still here");
    open.destroy();
  });

  describe("with only the issuing intermediate ticked as client CA", () => {
    const intermediateOnly = (clientAuth: EchoTlsConfig["clientAuth"]): EchoTlsConfig => ({
      ...config(serverA, clientAuth),
      clientCaPems: [issuingCaPem],
    });
    afterAll(() => server.update(config(serverA, "require")));

    it("accepts that intermediate's client certificates as an anchor (partial chain), and no sibling's", async () => {
      await server.update(intermediateOnly("require"));
      const report = JSON.parse((await request({ cert: client.full, key: client.key })).body);
      expect(report.clientCertificateAccepted).toBe(true);
      // A client certificate from another intermediate under the same root is not trusted: the
      // root is not an anchor here.
      await expect(request({ cert: siblingClient.full, key: siblingClient.key })).rejects.toThrow(
        /closed without a reply|alert|ECONNRESET/i,
      );
      await server.update(intermediateOnly("request"));
      const optional = JSON.parse((await request({ cert: client.full, key: client.key })).body);
      expect(optional).toMatchObject({ clientCertificateAccepted: true, clientCertificateError: null });
      const sibling = JSON.parse((await request({ cert: siblingClient.full, key: siblingClient.key })).body);
      expect(sibling.clientCertificateAccepted).toBe(false);
    });

    it("the connection doctor trusting only the intermediate verifies the server and gets its client certificate accepted", async () => {
      await server.update(intermediateOnly("require"));
      const result = await diagnose({
        host: "127.0.0.1",
        port: server.port!,
        serverName: "localhost",
        trust: { pems: [issuingCaPem], label: 'cadesk CA "Echo Test Issuing"', file: "Echo_Test_Issuing.crt" },
        client: { certificatePem: client.full, keyPem: client.key, file: "billing.fullchain.pem" },
        timeoutMs: 2000,
      });
      expect(result.code).toBeUndefined();
      expect(result.steps.find((s) => s.title === "Chain verification and host name")?.detail).toContain("Echo Test Issuing");
      expect(result.steps.find((s) => s.title === "Echo server's verdict")).toMatchObject({ ok: true });
    });

    it("for an IP target the doctor's openssl command uses -verify_ip (no SNI) and -partial_chain, and runs; its Reply step is the status line", async () => {
      await server.update(intermediateOnly("require"));
      const result = await diagnose({
        host: "127.0.0.1",
        port: server.port!,
        trust: { pems: [issuingCaPem], label: 'cadesk CA "Echo Test Issuing"', file: "Echo_Test_Issuing.crt" },
        client: { certificatePem: client.full, keyPem: client.key, file: "billing.fullchain.pem" },
        timeoutMs: 2000,
      });
      expect(result.code).toBeUndefined();
      expect(result.steps.find((s) => s.title === "Reply")?.detail).toBe("HTTP/1.1 200 OK, with the echo server's JSON report (below)");
      expect(result.commands.openssl).toContain("-verify_ip 127.0.0.1");
      expect(result.commands.openssl).not.toContain("-verify_hostname");
      const dir = tempDir("cadesk-doctor-cmd-");
      writeFiles(dir, { "Echo_Test_Issuing.crt": issuingCaPem, "billing.fullchain.pem": client.full, "billing.key.pem": client.key });
      const run = await runAsync("sh", ["-c", `cd ${dir} && (sleep 1) | ${result.commands.openssl}`]);
      expect(run.stdout + run.stderr).toMatch(/Verify return code: 0 \(ok\)/);
      expect(run.stdout).toContain("client certificate: CN=billing, issued by CN=Echo Test Issuing: accepted");
    });

    it("names the intermediate in the CertificateRequest, and curl, openssl s_client and Go get through", async () => {
      await server.update(intermediateOnly("require"));
      const dir = tempDir("cadesk-echo-partial-");
      const f = writeFiles(dir, {
        "billing.fullchain.pem": client.full,
        "billing.key.pem": client.key,
        "localhost.chain.pem": serverA.chain,
        "main.go": GO_DIAL,
      });
      const curl = await curlWithClient(f, server.port!);
      expect(curl.stderr).toBe("");
      expect(JSON.parse(curl.stdout)).toMatchObject({ clientCertificateAccepted: true });

      const sClient = await runAsync("sh", [
        "-c",
        `(printf 'hello echo\\n'; sleep 1) | openssl s_client -connect 127.0.0.1:${server.port} -servername localhost -CAfile ${f["localhost.chain.pem"]} -cert ${f["billing.fullchain.pem"]} -key ${f["billing.key.pem"]} -no_ign_eof -verify_return_error`,
      ]);
      // What the server asked for: the intermediate's name, so clients offer a certificate it issued.
      expect(sClient.stdout).toMatch(/Acceptable client certificate CA names\n(CN ?= ?Echo Test Issuing)\n/);
      expect(sClient.stdout).toContain("client certificate: CN=billing, issued by CN=Echo Test Issuing: accepted");

      const build = await runAsync("go", ["build", "-o", `${dir}/dial`, f["main.go"]!], undefined, 120_000);
      expect(build.stderr).toBe("");
      const run = await runAsync(`${dir}/dial`, [`127.0.0.1:${server.port}`, dir]);
      expect(run.stderr).toBe("");
      expect(run.stdout).toContain("client certificate: CN=billing, issued by CN=Echo Test Issuing: accepted");
    }, 150_000);
  });
});
