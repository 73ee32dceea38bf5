/**
 * A CA with more revocations than one page of rows (crlPaging.rows, 5,000 here): the CRL lists each exactly
 * once (openssl reads it), and GET /crl/{caId} serves it with an ETag and Last-Modified, answers
 * 304 to a client that has it, and a new revocation gives a new CRL and a new tag.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, describe, expect } from "vitest";
import { runAs, SYSTEM_ACTOR } from "../auth/actor";
import { getDb } from "../db";
import { routeFiles, serveRoutes, type RouteServer } from "../testing/route-server";
import { openssl, opensslOk, tempDir, writeFiles } from "../testing/openssl";
import { beforeAll, it } from "../testing/system";
import { createAuthority } from "./create-authority";
import { crlPaging, currentCrlFile, publishCrl } from "./crl";
import { issueCertificate } from "./issue-certificate";
import { revokeCertificate } from "./revoke-certificate";
import { loadIssuer } from "./issuer";
import { signCrlStreamed, crlNumberOf } from "../pki/crl-template";

crlPaging.rows = 5000;
const REVOKED = crlPaging.rows * 2 + 321;
let caId: string;
let server: RouteServer;
const serials: string[] = [];

beforeAll(async () => {
  server = await serveRoutes(routeFiles("crl"));
  const ca = await createAuthority({ commonName: "CRL Paging Root", keyType: "ecdsa-p256" });
  caId = ca.authority.id;
  // Revoked rows straight into the store (what matters is their number, not their certificates).
  const { certificate } = await issueCertificate({ caId, commonName: "template.crl.test" });
  const base = await getDb().certificate.findUniqueOrThrow({ where: { id: certificate.id } });
  const revokedAt = new Date(Date.now() - 3600_000);
  for (let i = 0; i < REVOKED; i += 2000) {
    const rows = Array.from({ length: Math.min(2000, REVOKED - i) }, (_, j) => {
      const serialHex = (0x40 | (randomBytes(1)[0]! & 0x3f)).toString(16) + randomBytes(15).toString("hex");
      serials.push(serialHex);
      return {
        ...base,
        id: randomUUID(),
        serialHex,
        status: "revoked",
        revokedAt: new Date(revokedAt.getTime() + ((i + j) % 7) * 1000),
        revocationReason: (i + j) % 3 ? "superseded" : "keyCompromise",
      };
    });
    await getDb().certificate.createMany({ data: rows });
  }
});

afterAll(async () => server?.close());

/** The serials a CRL lists, as openssl reads them (its -text of 10,000 entries goes to a file). */
function serialsIn(pem: string): string[] {
  const dir = tempDir();
  const f = writeFiles(dir, { "crl.pem": pem });
  opensslOk(["crl", "-in", f["crl.pem"]!, "-noout", "-text", "-out", `${dir}/crl.txt`]);
  const text = readFileSync(`${dir}/crl.txt`, "utf8");
  return [...text.matchAll(/Serial Number: ([0-9A-F]+)/g)].map((m) => m[1]!.toLowerCase().replace(/^0+(?=.)/, ""));
}

describe("CRLs of more revocations than one page", () => {
  it("lists every revoked serial exactly once", async () => {
    const before = new Date(Math.floor(Date.now() / 1000) * 1000);
    const pem = await publishCrl(caId);
    // Stored as Prisma itself would have (raw SQL writes it): read back through Prisma.
    const row = await getDb().crl.findUniqueOrThrow({ where: { authorityId: caId } });
    expect(row.pem).toBe(pem);
    expect(row.thisUpdate.getTime()).toBeGreaterThanOrEqual(before.getTime());
    expect(row.nextUpdate.getTime() - row.thisUpdate.getTime()).toBe(7 * 86_400_000);
    const ca = await getDb().authority.findUniqueOrThrow({ where: { id: caId } });
    const f = writeFiles(tempDir(), { "crl.pem": pem, "ca.pem": ca.certificatePem });
    expect(openssl(["crl", "-in", f["crl.pem"]!, "-noout", "-CAfile", f["ca.pem"]!]).stderr).toContain("verify OK");
    const listed = serialsIn(pem);
    expect(listed).toHaveLength(REVOKED);
    expect(new Set(listed)).toEqual(new Set(serials.map((s) => s.replace(/^0+(?=.)/, ""))));
  });

  it("GET /crl: ETag and Last-Modified, 304 for a client that has it, a new tag after a revocation", async () => {
    const first = await fetch(`${server.url}/crl/${caId}`);
    expect(first.status).toBe(200);
    const etag = first.headers.get("etag")!;
    const lastModified = first.headers.get("last-modified")!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(new Date(lastModified).getTime()).toBeGreaterThan(0);
    const der = Buffer.from(await first.arrayBuffer());
    expect(der.equals(Buffer.from((await runAs(SYSTEM_ACTOR, () => currentCrlFile(caId))).der))).toBe(true);

    const again = await fetch(`${server.url}/crl/${caId}`, { headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect((await fetch(`${server.url}/crl/${caId}`, { headers: { "If-Modified-Since": lastModified } })).status).toBe(304);
    expect((await fetch(`${server.url}/crl/${caId}`, { headers: { "If-None-Match": '"other"' } })).status).toBe(200);
    const pem = await fetch(`${server.url}/crl/${caId}?format=pem`);
    expect(pem.headers.get("etag")).not.toBe(etag);

    const { certificate } = await issueCertificate({ caId, commonName: "late.crl.test" });
    await revokeCertificate(certificate.id, { reason: "keyCompromise" });
    const after = await fetch(`${server.url}/crl/${caId}`, { headers: { "If-None-Match": etag } });
    expect(after.status).toBe(200);
    expect(after.headers.get("etag")).not.toBe(etag);
    expect(serialsIn(await (await fetch(`${server.url}/crl/${caId}?format=pem`)).text())).toContain(
      certificate.serialHex.replace(/^0+/, ""),
    );
  });

  it("serves a CRL another instance signed and stored from the next request on", async () => {
    const before = Buffer.from(await (await fetch(`${server.url}/crl/${caId}`)).arrayBuffer());
    const number = crlNumberOf(before)! + 1;
    // As another instance sharing the store would: claim the next number, sign, store; this process hears nothing.
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    const elsewhere = await signCrlStreamed({
      issuer: await loadIssuer(caId, now),
      number,
      thisUpdate: now,
      nextUpdate: new Date(now.getTime() + 7 * 86_400_000),
      pages: (async function* () {
        yield [{ serialHex: "0abcdef1", revokedAt: now, reason: "superseded" as const }];
      })(),
    });
    await getDb().crl.update({ where: { authorityId: caId }, data: { number, pem: elsewhere.pem, thisUpdate: now } });
    const after = await fetch(`${server.url}/crl/${caId}`);
    expect(Buffer.from(await after.arrayBuffer()).equals(Buffer.from(elsewhere.der))).toBe(true);
    expect(after.headers.get("last-modified")).toBe(now.toUTCString());
    expect(await (await fetch(`${server.url}/crl/${caId}?format=pem`)).text()).toBe(elsewhere.pem);
  });
});
