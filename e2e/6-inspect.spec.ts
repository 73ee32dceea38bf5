import { readFileSync, writeFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { opensslOk, tempDir, writeFiles } from "../lib/testing/openssl";
import { opensslSelfSigned } from "../lib/testing/openssl-pki";
import { API_TOKEN, snap } from "./helpers";

const auth = { Authorization: `Bearer ${API_TOKEN}` };

test("inspect a pasted chain for a host name, then a PKCS#12, then garbage", async ({ page, request }) => {
  const root = await (await request.post("/api/v1/cas", { headers: auth, data: { commonName: `Inspect E2E Root ${Date.now()}` } })).json();
  const issuing = await (
    await request.post("/api/v1/cas", { headers: auth, data: { commonName: `Inspect E2E Issuing ${Date.now()}`, parentId: root.id } })
  ).json();
  const leaf = await (
    await request.post("/api/v1/certificates", { headers: auth, data: { caId: issuing.id, commonName: "inspect.e2e.test" } })
  ).json();
  const fullchain = await (await request.get(`/api/v1/certificates/${leaf.id}/download?format=fullchain`, { headers: auth })).text();

  await page.goto("/inspect");
  await page.getByLabel("PEM text (one or many blocks)").fill(fullchain);
  await page.getByLabel("Host name to check").fill("inspect.e2e.test");
  await page.getByRole("button", { name: "Inspect" }).click();
  await expect(page.getByRole("region", { name: "Chain verification" })).toContainText("Chain verifies");
  await expect(page.getByRole("article")).toHaveCount(2);
  await expect(page.getByRole("article").first()).toContainText("No problems found.");
  await page.getByRole("article").first().getByText("Text and PEM").click();
  await expect(page.getByRole("article").first().locator("pre").first()).toContainText("X509v3 Subject Alternative Name");
  await snap(page, "16-inspect-chain");

  await page.getByLabel("Host name to check").fill("wrong.e2e.test");
  await page.getByRole("button", { name: "Inspect" }).click();
  await expect(page.getByRole("region", { name: "Chain verification" })).toContainText("HOSTNAME_MISMATCH");
  await expect(page.getByRole("region", { name: "Chain verification" })).toContainText(
    'valid for DNS:inspect.e2e.test, not for "wrong.e2e.test"',
  );
  await snap(page, "17-inspect-mismatch");

  const dir = tempDir();
  const key = await (await request.get(`/api/v1/certificates/${leaf.id}/download?format=key`, { headers: auth })).text();
  const f = writeFiles(dir, { "chain.pem": fullchain, "key.pem": key });
  opensslOk([
    "pkcs12",
    "-export",
    "-in",
    f["chain.pem"]!,
    "-inkey",
    f["key.pem"]!,
    "-out",
    `${dir}/bundle.p12`,
    "-passout",
    "pass:e2e-pass",
  ]);
  await page.getByLabel("PEM text (one or many blocks)").fill("");
  await page.getByLabel("Host name to check").fill("");
  await page.getByLabel("Upload a file (PEM, DER, .p7b, .p12)").setInputFiles(`${dir}/bundle.p12`);
  await page.getByRole("button", { name: "Inspect" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toContainText("enter its password");
  // The chosen file is still chosen: only the password is missing.
  const upload = page.getByLabel("Upload a file (PEM, DER, .p7b, .p12)");
  await expect.poll(() => upload.evaluate((input: HTMLInputElement) => input.files?.[0]?.name ?? "")).toBe("bundle.p12");
  await page.getByLabel("PKCS#12 password").fill("e2e-pass");
  await page.getByRole("button", { name: "Inspect" }).click();
  await expect(page.getByRole("article").filter({ hasText: "PKCS#12 certificate 1" })).toContainText("inspect.e2e.test");

  writeFileSync(`${dir}/garbage.bin`, Buffer.from([1, 2, 3, 250, 251, 0, 7]));
  await page.getByLabel("Upload a file (PEM, DER, .p7b, .p12)").setInputFiles(`${dir}/garbage.bin`);
  await page.getByRole("button", { name: "Inspect" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toContainText("not a certificate, CSR, CRL, PKCS#7 or PKCS#12");
});

test("a 10 MB paste gets a clear message, in the page and the API", async ({ page, request }) => {
  const huge = "A".repeat(10 * 1024 * 1024);
  const api = await request.post("/api/v1/inspect", { headers: auth, data: { pem: huge } });
  expect(api.status()).toBe(413);
  await page.goto("/inspect");
  await page.getByLabel("PEM text (one or many blocks)").evaluate((el, value) => ((el as HTMLTextAreaElement).value = value), huge);
  await page.getByRole("button", { name: "Inspect" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toContainText("The pasted text is 10.0 MiB; the limit is 1 MiB");
});

test("POST /api/v1/inspect takes JSON or the raw file and answers with text, summary and lints", async ({ request }) => {
  const dir = tempDir();
  opensslSelfSigned(dir, "c", {
    subject: "/CN=api-inspect.e2e.test",
    newkey: ["-newkey", "rsa:2048"],
    extra: ["-addext", "basicConstraints=critical,CA:FALSE"],
  });
  opensslOk(["x509", "-in", `${dir}/c.pem`, "-outform", "DER", "-out", `${dir}/c.der`]);
  const pem = readFileSync(`${dir}/c.pem`, "utf8");

  const res = await request.post("/api/v1/inspect", { headers: auth, data: { pem } });
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body.objects[0].kind).toBe("certificate");
  expect(body.objects[0].text).toBe(opensslOk(["x509", "-text", "-noout"], pem));
  expect(body.objects[0].summary).toContainEqual({ label: "Key", value: "RSA 2048" });
  expect(body.objects[0].lints.map((l: { code: string }) => l.code)).toContain("NO_SAN");

  const raw = await request.post("/api/v1/inspect?hostname=api-inspect.e2e.test", {
    headers: { ...auth, "Content-Type": "application/pkix-cert" },
    data: readFileSync(`${dir}/c.der`),
  });
  expect(raw.status()).toBe(200);
  const rawBody = await raw.json();
  expect(rawBody.objects[0].source).toBe("DER file");
  expect(rawBody.chain.code).toBe("UNKNOWN_AUTHORITY");

  const bad = await request.post("/api/v1/inspect", {
    headers: auth,
    data: { pem: "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----" },
  });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.message).toContain("not valid base64");
});

test("POST /api/v1/inspect: validationTime, purpose, mode and the verdicts for cadesk's own revoked and lone certificates", async ({
  page,
  request,
}) => {
  const stamp = Date.now();
  const root = await (await request.post("/api/v1/cas", { headers: auth, data: { commonName: `Verdict Root ${stamp}` } })).json();
  const issuing = await (
    await request.post("/api/v1/cas", { headers: auth, data: { commonName: `Verdict Issuing ${stamp}`, parentId: root.id } })
  ).json();
  const issue = async (commonName: string) =>
    (await request.post("/api/v1/certificates", { headers: auth, data: { caId: issuing.id, commonName } })).json();
  const lone = await issue("lone.verdict.test");
  const leafPem = await (await request.get(`/api/v1/certificates/${lone.id}/download?format=pem`, { headers: auth })).text();

  // A lone leaf: completed from cadesk's store, naming the intermediate that was not pasted.
  const alone = await (
    await request.post("/api/v1/inspect", { headers: auth, data: { pem: leafPem, hostname: "lone.verdict.test" } })
  ).json();
  expect(alone.chain).toMatchObject({
    ok: false,
    code: "MISSING_INTERMEDIATE",
    missingIssuer: `CN=Verdict Issuing ${stamp}`,
    mode: "private",
  });
  expect(alone.chain.path.map((p: { role: string }) => p.role)).toEqual(["leaf", "intermediate", "trust anchor"]);

  // The options are applied and reported.
  const options = await request.post("/api/v1/inspect", {
    headers: auth,
    data: { pem: leafPem, hostname: "lone.verdict.test", validationTime: "2020-01-01T00:00:00Z", purpose: "client", mode: "webpki" },
  });
  expect(options.status()).toBe(200);
  expect((await options.json()).chain).toMatchObject({
    ok: false,
    code: "NOT_YET_VALID",
    purpose: "client",
    mode: "webpki",
    validationTime: "2020-01-01T00:00:00.000Z",
  });
  const raw = await request.post("/api/v1/inspect?hostname=lone.verdict.test&validationTime=2020-01-01T00:00:00Z&mode=webpki", {
    headers: { ...auth, "Content-Type": "application/x-pem-file" },
    data: leafPem,
  });
  const rawBody = await raw.text();
  expect(raw.status(), rawBody).toBe(200);
  expect(JSON.parse(rawBody).chain).toMatchObject({ code: "NOT_YET_VALID", mode: "webpki" });
  const badTime = await request.post("/api/v1/inspect", { headers: auth, data: { pem: leafPem, validationTime: "yesterday" } });
  expect(badTime.status()).toBe(400);
  expect((await badTime.json()).error.message).toContain("not an ISO 8601 time");

  // Revoked by cadesk: Inspect says when and why.
  const revoke = await request.post(`/api/v1/certificates/${lone.id}/revoke`, { headers: auth, data: { reason: "keyCompromise" } });
  expect(revoke.status()).toBe(200);
  const revoked = await (
    await request.post("/api/v1/inspect", { headers: auth, data: { pem: leafPem, hostname: "lone.verdict.test" } })
  ).json();
  expect(revoked.chain).toMatchObject({ ok: false, code: "REVOKED", revoked: { reason: "keyCompromise" } });
  expect(revoked.chain.explanation).toMatch(/was revoked on \d{4}-\d{2}-\d{2} for keyCompromise/);

  // The page shows the verdict, the path with roles and the rules applied.
  await page.goto("/inspect");
  await page.getByLabel("PEM text (one or many blocks)").fill(leafPem);
  await page.getByLabel("Host name to check").fill("lone.verdict.test");
  await page.getByRole("button", { name: "Inspect" }).click();
  const verdict = page.getByRole("region", { name: "Chain verification" });
  await expect(verdict).toContainText("Chain does not verify: REVOKED");
  await expect(verdict).toContainText("revoked on");
  await expect(verdict).toContainText(`Verdict Issuing ${stamp} (intermediate, cadesk's store`);
  await expect(page.getByRole("article").first()).toContainText("Problem:Revoked on");
  await verdict.getByText("Rules applied").click();
  await expect(verdict).toContainText("name constraints on DNS names");
  await snap(page, "17b-inspect-revoked-verdict");
});
