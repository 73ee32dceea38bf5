/**
 * scripts/openssl-workers.cnf, the OpenSSL configuration scripts/cluster.mjs gives its workers:
 * a Node process started with it sends one TLS 1.3 session ticket per handshake instead of two,
 * and openssl s_client still resumes with that one; the same server without it sends two. Real
 * processes: a Node TLS server (client certificates required, as the echo server does) and
 * openssl s_client.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { opensslOk, runAsync, tempDir, writeFiles } from "../testing/openssl";

const CONF = path.resolve("scripts/openssl-workers.cnf");
const SERVER = `
const tls = require("node:tls");
const fs = require("node:fs");
const dir = process.argv[1];
const server = tls.createServer(
  { cert: fs.readFileSync(dir + "/server.pem"), key: fs.readFileSync(dir + "/server.key"), ca: fs.readFileSync(dir + "/ca.pem"),
    requestCert: true, rejectUnauthorized: true, sessionIdContext: "openssl-workers-test" },
  (socket) => { socket.on("error", () => {}); socket.end("hello\\n"); },
);
server.on("tlsClientError", () => {});
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
`;

let dir: string;
let files: Record<string, string>;
const servers: ChildProcess[] = [];

/** A Node TLS server in a process of its own, with OPENSSL_CONF `conf` (none: unset); resolves with its port. */
function startServer(conf?: string): Promise<number> {
  const env = { ...process.env };
  delete env.OPENSSL_CONF;
  if (conf) env.OPENSSL_CONF = conf;
  const child = spawn(process.execPath, ["-e", SERVER, dir], { env, stdio: ["ignore", "pipe", "inherit"] });
  servers.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.once("data", (chunk) => resolve(Number(String(chunk).trim())));
    child.once("exit", (code) => reject(new Error(`the test server exited (${code})`)));
  });
}

/** One s_client connection: how many NewSessionTickets arrived, and whether the offered session was resumed. */
async function connect(port: number, session: "out" | "in"): Promise<{ tickets: number; reused: boolean }> {
  const args = [
    `-connect 127.0.0.1:${port} -servername localhost -CAfile ${files["ca.pem"]} -cert ${files["client.pem"]} -key ${files["client.key"]}`,
    `-tls1_3 -msg -ign_eof -sess_${session} ${dir}/session.pem`,
  ].join(" ");
  const out = await runAsync("sh", ["-c", `printf '' | timeout 20 openssl s_client ${args}`], undefined, 30_000);
  return { tickets: out.stdout.split("NewSessionTicket").length - 1, reused: /^Reused, /m.test(out.stdout) };
}

beforeAll(() => {
  dir = tempDir("cadesk-openssl-workers-");
  const p256 = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  files = writeFiles(dir, { "server.ext": "subjectAltName=DNS:localhost\n", "client.ext": "extendedKeyUsage=clientAuth\n" });
  opensslOk(["req", "-x509", ...p256, "-keyout", `${dir}/ca.key`, "-out", `${dir}/ca.pem`, "-subj", "/CN=Tickets Test CA", "-days", "2"]);
  for (const name of ["server", "client"]) {
    opensslOk(["req", ...p256, "-keyout", `${dir}/${name}.key`, "-out", `${dir}/${name}.csr`, "-subj", `/CN=${name}`]);
    opensslOk([
      "x509",
      "-req",
      "-in",
      `${dir}/${name}.csr`,
      "-CA",
      `${dir}/ca.pem`,
      "-CAkey",
      `${dir}/ca.key`,
      "-set_serial",
      name === "server" ? "1" : "2",
      "-days",
      "2",
      "-extfile",
      `${dir}/${name}.ext`,
      "-out",
      `${dir}/${name}.pem`,
    ]);
  }
  Object.assign(files, { "ca.pem": `${dir}/ca.pem`, "client.pem": `${dir}/client.pem`, "client.key": `${dir}/client.key` });
});

afterAll(() => {
  for (const child of servers) child.kill();
});

describe("scripts/openssl-workers.cnf", () => {
  it("makes a Node TLS server send one session ticket instead of two, and clients resume with it", async () => {
    const withConf = await startServer(CONF);
    const first = await connect(withConf, "out");
    expect(first).toEqual({ tickets: 1, reused: false });
    expect((await connect(withConf, "in")).reused).toBe(true);

    // Node's default, for comparison: OpenSSL's two tickets.
    const without = await startServer();
    expect((await connect(without, "out")).tickets).toBe(2);
  });
});
