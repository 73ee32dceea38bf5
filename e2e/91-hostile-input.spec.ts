import { expect, test, type APIRequestContext } from "@playwright/test";
import { API_TOKEN } from "./helpers";

const auth = { Authorization: `Bearer ${API_TOKEN}` };

async function count(request: APIRequestContext): Promise<number> {
  return (await (await request.get("/api/v1/certificates?pageSize=1", { headers: auth })).json()).total;
}

/** Each case must be refused with a 4xx JSON error that says what is wrong. */
function expectRefused(status: number, body: string, label: string) {
  expect(status, `${label}: status ${status} ${body.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
  expect(status, `${label}: status ${status}`).toBeLessThan(500);
  expect(body.length, label).toBeGreaterThan(10);
}

test("every API input refuses hostile and broken input with a 4xx, never a 500, a hang or a record", async ({ request }) => {
  const ca = await (await request.post("/api/v1/cas", { headers: auth, data: { commonName: `Hostile E2E ${Date.now()}` } })).json();
  const before = await count(request);
  const goodPem = (
    await (await request.post("/api/v1/certificates", { headers: auth, data: { caId: ca.id, commonName: "good.hostile.test" } })).json()
  ).certificatePem as string;
  const truncated = goodPem.slice(0, goodPem.length / 2) + "\n-----END CERTIFICATE-----\n";
  const nested = Buffer.concat([...Array(400)].map(() => Buffer.from([0x30, 0x80]))).toString("base64");
  const csrHeader = (b64: string) => `-----BEGIN CERTIFICATE REQUEST-----\n${b64}\n-----END CERTIFICATE REQUEST-----\n`;
  const badSignatureCsr = csrHeader(Buffer.from(goodPem.replace(/-----[^-]+-----|\s/g, ""), "base64").toString("base64"));

  const issue = (data: Record<string, unknown>) => ({ caId: ca.id, profile: "server", ...data });
  const cases: [string, Record<string, unknown>][] = [
    ["control character in DNS name", issue({ commonName: "ok.test", sans: { dns: ["evil\u0007.test"] } })],
    ["NUL byte", issue({ commonName: "nul\u0000.test" })],
    ["space in DNS name", issue({ commonName: "ok.test", sans: { dns: ["has space.test"] } })],
    ["double wildcard", issue({ commonName: "ok.test", sans: { dns: ["*.*.example.com"] } })],
    ["bare wildcard", issue({ commonName: "ok.test", sans: { dns: ["*"] } })],
    ["wildcard in the middle", issue({ commonName: "ok.test", sans: { dns: ["a.*.example.com"] } })],
    ["IDN with a bad punycode label", issue({ commonName: "ok.test", sans: { dns: ["xn--.example.com"] } })],
    ["over-long label", issue({ commonName: "ok.test", sans: { dns: ["a".repeat(64) + ".test"] } })],
    ["bad IP", issue({ commonName: "ok.test", sans: { ip: ["300.1.1.1"] } })],
    ["negative validity", issue({ commonName: "ok.test", validityDays: -5 })],
    ["absurd validity", issue({ commonName: "ok.test", validityDays: 1e9 })],
    ["validity as text", issue({ commonName: "ok.test", validityDays: "forever" })],
    ["unknown profile", issue({ commonName: "ok.test", profile: "god-mode" })],
    ["unknown key type", issue({ commonName: "ok.test", keyType: "rsa-512" })],
    ["unknown CA", { caId: "../../etc/passwd", commonName: "ok.test" }],
    ["SQL in the CA id", { caId: "x' OR '1'='1", commonName: "ok.test" }],
    ["sans not an object", issue({ commonName: "ok.test", sans: "DNS:a.test" })],
    ["CSR: garbage", issue({ csrPem: "hello" })],
    ["CSR: truncated PEM", issue({ csrPem: truncated.replace(/CERTIFICATE/g, "CERTIFICATE REQUEST") })],
    ["CSR: deeply nested ASN.1", issue({ csrPem: csrHeader(nested) })],
    ["CSR: a certificate where a CSR belongs", issue({ csrPem: goodPem })],
    ["CSR: bad signature / wrong structure", issue({ csrPem: badSignatureCsr })],
    ["CSR: over 1 MiB", issue({ csrPem: "A".repeat(1_100_000) })],
  ];
  for (const [label, data] of cases) {
    const response = await request.post("/api/v1/certificates", { headers: auth, data, timeout: 15_000 });
    expectRefused(response.status(), await response.text(), label);
  }

  const raw: [string, string, string | Buffer][] = [
    ["not JSON", "application/json", "{caId:"],
    ["JSON array", "application/json", "[1,2,3]"],
    ["wrong content type", "text/plain", JSON.stringify(issue({ commonName: "ok.test" }))],
    ["form encoded", "application/x-www-form-urlencoded", "caId=x&commonName=y"],
    ["huge body", "application/json", Buffer.alloc(3 * 1024 * 1024, 0x20)],
  ];
  for (const [label, type, body] of raw) {
    const response = await request.post("/api/v1/certificates", {
      headers: { ...auth, "Content-Type": type },
      data: body,
      timeout: 15_000,
    });
    expectRefused(response.status(), await response.text(), label);
  }

  const inspectCases: [string, unknown][] = [
    ["inspect: garbage", { pem: "-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----" }],
    ["inspect: truncated", { pem: truncated }],
    ["inspect: nested ASN.1", { der: nested }],
    ["inspect: not base64", { der: "%%%%" }],
    ["inspect: empty", {}],
  ];
  for (const [label, data] of inspectCases) {
    const response = await request.post("/api/v1/inspect", { headers: auth, data, timeout: 15_000 });
    expectRefused(response.status(), await response.text(), label);
  }

  const cert = (await (await request.get("/api/v1/certificates?pageSize=1", { headers: auth })).json()).items[0];
  const gets: [string, string][] = [
    ["download: path traversal format", `/api/v1/certificates/${cert.id}/download?format=../../etc/passwd`],
    ["download: traversal id", `/api/v1/certificates/..%2F..%2Fetc%2Fpasswd/download?format=pem`],
    ["CA: unknown id", "/api/v1/cas/%00"],
    ["CRL: unknown CA", "/crl/does-not-exist"],
    ["export: bad format", "/api/v1/certificates/export?format=xlsx"],
    ["tls: no token", "/api/v1/echo"],
  ];
  for (const [label, url] of gets) {
    const response = await request.get(url, { headers: label.includes("no token") ? {} : auth });
    expectRefused(response.status(), await response.text(), label);
  }
  for (const q of ["' OR 1=1 --", "%", "_", "\\", "\u0000", "a".repeat(5000), "<script>alert(1)</script>"]) {
    const response = await request.get(`/api/v1/certificates?q=${encodeURIComponent(q)}`, { headers: auth });
    expect(response.status(), `search ${JSON.stringify(q.slice(0, 20))}`).toBeLessThan(500);
    if (response.ok()) expect((await response.json()).items, `search ${JSON.stringify(q.slice(0, 20))}`).toEqual([]);
  }
  // Dashboard pages with hostile query parameters (as the signed-in admin).
  const pages = [
    "/certificates?page=-1&pageSize=99999999&sort=DROP%20TABLE&status=%3Cscript%3E",
    "/certificates?q=%25&caId=..%2F..%2Fetc",
    "/certificates?page=1e308",
    "/certificates?q=" + "x".repeat(500),
    "/audit?from=2026-13-45&to=yesterday&group=%00&page=-3",
    "/audit?actor=" + "x".repeat(2000),
    `/certificates/${encodeURIComponent("../../etc/passwd")}`,
    "/authorities/%00",
    "/download/certificates/nope?format=..%2F..%2Fkey",
    "/download/audit?format=exe",
  ];
  for (const url of pages) {
    const response = await request.get(url);
    expect(response.status(), url).toBeLessThan(500);
    expect(response.url(), url).not.toContain("/sign-in");
    expect(await response.text(), url).not.toContain("Something went wrong");
  }

  const tls = await request.post("/api/v1/tls/test", { headers: auth, data: { host: "http://evil/", port: 99999 } });
  expectRefused(tls.status(), await tls.text(), "tls: bad host");

  // Nothing half-made: only the one good certificate was added.
  expect(await count(request)).toBe(before + 1);
});

test("hundreds of parallel issuances from several API clients: unique serials, all stored", async ({ playwright, baseURL }) => {
  const ca = await (
    await (
      await playwright.request.newContext({ baseURL })
    ).post("/api/v1/cas", { headers: auth, data: { commonName: `Concurrency E2E ${Date.now()}` } })
  ).json();
  const clients = await Promise.all([...Array(6)].map(() => playwright.request.newContext({ baseURL, extraHTTPHeaders: auth })));
  const perClient = 50;
  const results = await Promise.all(
    clients.map((client, c) =>
      Promise.all(
        [...Array(perClient)].map(async (_, i) => {
          const response = await client.post("/api/v1/certificates", {
            data: { caId: ca.id, commonName: `c${c}-${i}.concurrency.test`, keepPrivateKey: false },
            timeout: 60_000,
          });
          expect(response.status()).toBe(201);
          return (await response.json()) as { id: string; serialNumber: string };
        }),
      ),
    ),
  );
  const issued = results.flat();
  expect(issued).toHaveLength(6 * perClient);
  expect(new Set(issued.map((c) => c.serialNumber)).size).toBe(issued.length);
  const stored = await (await clients[0]!.get(`/api/v1/certificates?caId=${ca.id}&pageSize=200&page=1`)).json();
  const stored2 = await (await clients[0]!.get(`/api/v1/certificates?caId=${ca.id}&pageSize=200&page=2`)).json();
  expect(stored.total).toBe(issued.length);
  const storedIds = new Set([...stored.items, ...stored2.items].map((c: { id: string }) => c.id));
  expect(issued.every((c) => storedIds.has(c.id))).toBe(true);
  await Promise.all(clients.map((c) => c.dispose()));
});
