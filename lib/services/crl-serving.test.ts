/**
 * GET /crl/{caId} of a CRL this process did not sign (a cluster worker, an instance sharing the
 * store, a restored backup): the stored PEM is decoded once and served as exactly its DER,
 * whatever its line breaks, with the stored thisUpdate as Last-Modified; a later one stored
 * elsewhere is served from the next request, and a client that has it gets 304.
 */
import { afterAll, describe, expect } from "vitest";
import { getDb } from "../db";
import { signCrlStreamed } from "../pki/crl-template";
import { routeFiles, serveRoutes, type RouteServer } from "../testing/route-server";
import { beforeAll, it } from "../testing/system";
import { createAuthority } from "./create-authority";
import { publishCrl } from "./crl";
import { loadIssuer } from "./issuer";

let caId: string;
let server: RouteServer;

beforeAll(async () => {
  server = await serveRoutes(routeFiles("crl"));
  caId = (await createAuthority({ commonName: "CRL Serving Root", keyType: "ecdsa-p256" })).authority.id;
  await publishCrl(caId);
});

afterAll(async () => server?.close());

/** A CRL of `count` entries signed and stored as another instance would, its PEM rewritten by `reformat`. */
async function storedElsewhere(count: number, reformat: (pem: string) => string) {
  const number = (await getDb().crl.findUniqueOrThrow({ where: { authorityId: caId } })).number + 1;
  const now = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000 * number);
  const crl = await signCrlStreamed({
    issuer: await loadIssuer(caId, now),
    number,
    thisUpdate: now,
    nextUpdate: new Date(now.getTime() + 7 * 86_400_000),
    pages: (async function* () {
      yield Array.from({ length: count }, (_, i) => ({
        serialHex: (0x1000 + i).toString(16) + number.toString(16).padStart(4, "0"),
        revokedAt: now,
        reason: "superseded" as const,
      }));
    })(),
  });
  const pem = reformat(crl.pem);
  await getDb().crl.update({ where: { authorityId: caId }, data: { number, pem, thisUpdate: now } });
  return { der: Buffer.from(crl.der), pem, thisUpdate: now };
}

describe("a CRL signed elsewhere", () => {
  it("is served as exactly its DER, with its stored PEM and thisUpdate, whatever the PEM's line breaks", async () => {
    const reformats: [string, (pem: string) => string][] = [
      ["as signed", (pem) => pem],
      ["CRLF line breaks", (pem) => pem.replace(/\n/g, "\r\n")],
      ["76-column lines, no final newline", (pem) => rewrap(pem, 76).trimEnd()],
    ];
    for (const [how, reformat] of reformats) {
      const stored = await storedElsewhere(300, reformat);
      const res = await fetch(`${server.url}/crl/${caId}`);
      expect(res.status, how).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(stored.der), how).toBe(true);
      expect(res.headers.get("last-modified"), how).toBe(stored.thisUpdate.toUTCString());
      expect(await (await fetch(`${server.url}/crl/${caId}?format=pem`)).text(), how).toBe(stored.pem);
      const etag = res.headers.get("etag")!;
      expect((await fetch(`${server.url}/crl/${caId}`, { headers: { "If-None-Match": etag } })).status, how).toBe(304);
    }
  });
});

/** The PEM's base64 body on lines of `width` characters. */
function rewrap(pem: string, width: number): string {
  const body = pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
  const lines = body.match(new RegExp(`.{1,${width}}`, "g"))!;
  return `-----BEGIN X509 CRL-----\n${lines.join("\n")}\n-----END X509 CRL-----\n`;
}
