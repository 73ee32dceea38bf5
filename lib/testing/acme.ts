/**
 * Test set-up for ACME against real clients: a CA hierarchy and an endpoint made through the
 * services, the ACME handlers on a real loopback HTTP server, free ports for the clients'
 * challenge listeners, and a non-blocking runner (the clients talk to a server in this process).
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import * as config from "../config";
import { runAs, SYSTEM_ACTOR } from "../auth/actor";
import { startAcmeServer } from "../acme/node-server";
import { createAcmeEabKey, type CreatedEabKey } from "../services/acme-create-eab-key";
import { createAcmeEndpoint } from "../services/acme-create-endpoint";
import { createAuthority } from "../services/create-authority";
import { tempDir } from "./openssl";

/** Sets environment variables for the rest of the test file and makes the configuration re-read them. */
export function setEnv(vars: Record<string, string | undefined>): void {
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  const reload = (config as Record<string, unknown>).setConfigForTesting;
  if (typeof reload === "function") reload(process.env);
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface AcmeTestSite {
  dir: string;
  rootPem: string;
  rootFile: string;
  caId: string;
  directoryUrl: (endpoint: string) => string;
  port: number;
  close: () => Promise<void>;
}

/** A root and an issuing intermediate (`caOptions` added to both, e.g. keyStorage), and the ACME server on a free loopback port. */
export async function startAcmeSite(label: string, caOptions: Record<string, unknown> = {}): Promise<AcmeTestSite> {
  const { server, port } = await startAcmeServer(0, "127.0.0.1");
  setEnv({ CADESK_PUBLIC_URL: `http://127.0.0.1:${port}` });
  const { root, issuing } = await runAs(SYSTEM_ACTOR, async () => {
    const r = await createAuthority({ commonName: `${label} ACME Root`, ...caOptions });
    const i = await createAuthority({ commonName: `${label} ACME Issuing`, parentId: r.authority.id, ...caOptions });
    return { root: r.authority, issuing: i.authority };
  });
  const dir = tempDir(`cadesk-acme-${label.toLowerCase()}-`);
  const rootFile = path.join(dir, "root.pem");
  writeFileSync(rootFile, root.certificatePem);
  return {
    dir,
    rootPem: root.certificatePem,
    rootFile,
    caId: issuing.id,
    port,
    directoryUrl: (endpoint) => `http://127.0.0.1:${port}/acme/${endpoint}/directory`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export function createEndpoint(input: Record<string, unknown>) {
  return runAs(SYSTEM_ACTOR, () => createAcmeEndpoint(input));
}

export function createEabKey(endpointId: string): Promise<CreatedEabKey> {
  return runAs(SYSTEM_ACTOR, () => createAcmeEabKey(endpointId, { label: "test" }));
}

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr together, for assertion messages. */
  output: string;
}

/** Runs a command without blocking the event loop (the ACME server it talks to runs in this process). */
export function run(
  command: string,
  args: string[],
  options: { env?: Record<string, string>; timeoutMs?: number; cwd?: string } = {},
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...options.env },
      cwd: options.cwd,
      timeout: options.timeoutMs ?? 50_000,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (status) => resolve({ status: status ?? -1, stdout, stderr, output: `${stdout}\n${stderr}` }));
  });
}
