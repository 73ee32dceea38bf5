/**
 * Two cadesk instances on one database (as behind a load balancer): a nonce one issued is
 * accepted once by the other, and a validation whose instance went away is resumed by the other.
 * The second instance is a separate Node process serving the same lib/acme handlers.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { writeFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db";
import { createEndpoint, freePort, setEnv, startAcmeSite, type AcmeTestSite } from "../testing/acme";
import { jwkThumbprint, publicJwk } from "./jws";

let site: AcmeTestSite;
let other: ChildProcess;
let otherPort: number;
let httpPort: number;
const keyAuthorizations = new Map<string, string>();
let responder: http.Server;

const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
const jwk = publicJwk(publicKey);

function jws(url: string, nonce: string, payload: unknown, kid?: string, key: KeyObject = privateKey): string {
  const header = { alg: "ES256", nonce, url, ...(kid ? { kid } : { jwk }) };
  const p = Buffer.from(JSON.stringify(header)).toString("base64url");
  const b = payload === "" ? "" : Buffer.from(JSON.stringify(payload)).toString("base64url");
  const signature = sign("sha256", Buffer.from(`${p}.${b}`), { key, dsaEncoding: "ieee-p1363" }).toString("base64url");
  return JSON.stringify({ protected: p, payload: b, signature });
}

/** Sends to `port` (an instance) a request signed for the shared public URL. */
async function post(port: number, pathname: string, body: string) {
  const response = await fetch(`http://127.0.0.1:${port}${pathname}`, {
    method: "POST",
    headers: { "Content-Type": "application/jose+json" },
    body,
  });
  return {
    status: response.status,
    nonce: response.headers.get("replay-nonce")!,
    location: response.headers.get("location"),
    json: await response.json(),
  };
}

async function nonceFrom(port: number, name: string): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/acme/${name}/new-nonce`, { method: "HEAD" });
  return response.headers.get("replay-nonce")!;
}

beforeAll(async () => {
  site = await startAcmeSite("Instances");
  await createEndpoint({ name: "pair", caId: site.caId, challenges: ["http-01"] });
  httpPort = await freePort();
  setEnv({ CADESK_ACME_HTTP_PORT: String(httpPort) });
  responder = http.createServer((req, res) => {
    const token = req.url?.split("/").at(-1) ?? "";
    const value = keyAuthorizations.get(token);
    res.writeHead(value ? 200 : 404).end(value ?? "");
  });
  await new Promise<void>((resolve) => responder.listen(httpPort, "127.0.0.1", () => resolve()));
  otherPort = await freePort();
  const script = path.join(site.dir, "second-instance.mts");
  const server = path.resolve("lib/acme/node-server.ts");
  writeFileSync(
    script,
    `import { startAcmeServer } from ${JSON.stringify(server)};\nawait startAcmeServer(${otherPort});\nconsole.log("listening");\n`,
  );
  other = spawn(path.resolve("node_modules/.bin/tsx"), ["--tsconfig", path.resolve("tsconfig.json"), script], {
    env: { ...process.env, CADESK_PUBLIC_URL: `http://127.0.0.1:${site.port}`, CADESK_ACME_HTTP_PORT: String(httpPort) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    other.stdout!.on("data", (d) => String(d).includes("listening") && resolve());
    other.once("exit", (code) => reject(new Error(`the second instance exited (${code})`)));
  });
}, 60_000);

afterAll(async () => {
  other?.kill();
  responder?.close();
  await site?.close();
});

describe("two instances on one database", () => {
  const base = () => `http://127.0.0.1:${site.port}/acme/pair`;

  it("accept each other's nonces once", async () => {
    const nonce = await nonceFrom(otherPort, "pair");
    const body = jws(`${base()}/new-account`, nonce, { termsOfServiceAgreed: true });
    const created = await post(site.port, "/acme/pair/new-account", body);
    expect(created.status).toBe(201);
    const replayed = await post(otherPort, "/acme/pair/new-account", body);
    expect(replayed).toMatchObject({ status: 400, json: { type: "urn:ietf:params:acme:error:badNonce" } });
    expect(replayed.nonce).toBeTruthy();
  });

  it("resume a validation whose instance went away", async () => {
    const account = await post(
      site.port,
      "/acme/pair/new-account",
      jws(`${base()}/new-account`, await nonceFrom(site.port, "pair"), { onlyReturnExisting: true }),
    );
    const kid = account.location!;
    const order = await post(
      site.port,
      "/acme/pair/new-order",
      jws(`${base()}/new-order`, account.nonce, { identifiers: [{ type: "dns", value: "localhost" }] }, kid),
    );
    expect(order.status).toBe(201);
    const authzId = (order.json.authorizations[0] as string).split("/").at(-1)!;
    const challenge = await getDb().acmeChallenge.findFirstOrThrow({ where: { authorizationId: authzId, type: "http-01" } });
    keyAuthorizations.set(challenge.token, `${challenge.token}.${jwkThumbprint(jwk)}`);
    // As if an instance had claimed it and died: processing, with its lease run out.
    await getDb().acmeChallenge.update({
      where: { id: challenge.id },
      data: { status: "processing", nextAttemptAt: new Date(Date.now() - 1000) },
    });
    let status = "processing";
    for (let i = 0; i < 100 && status === "processing"; i++) {
      // ACME traffic lets an instance look for stalled validations (at most every 2 s).
      await nonceFrom(otherPort, "pair");
      await new Promise((r) => setTimeout(r, 200));
      status = (await getDb().acmeChallenge.findUniqueOrThrow({ where: { id: challenge.id } })).status;
    }
    expect(status).toBe("valid");
    // The order follows its authorization right after (read through the order resource, which settles it).
    const kidOrder = await post(site.port, new URL(order.location!).pathname, jws(order.location!, order.nonce, "", kid));
    expect(kidOrder.json.status).toBe("ready");
  });
});
