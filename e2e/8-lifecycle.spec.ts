import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { openssl, tempDir, writeFiles } from "../lib/testing/openssl";
import { API_TOKEN, downloadBy, snap } from "./helpers";

const auth = { Authorization: `Bearer ${API_TOKEN}` };

test("revoke from the page, check the CRL and OCSP with openssl, renew, and export the inventory", async ({ page, request }) => {
  const stamp = Date.now();
  const ca = await (await request.post("/api/v1/cas", { headers: auth, data: { commonName: `Lifecycle E2E ${stamp}` } })).json();
  const issue = async (cn: string) =>
    (await request.post("/api/v1/certificates", { headers: auth, data: { caId: ca.id, commonName: cn } })).json();
  const doomed = await issue(`doomed-${stamp}.e2e.test`);
  const kept = await issue(`kept-${stamp}.e2e.test`);

  await page.goto(`/certificates/${doomed.id}`);
  const panel = page.getByRole("region", { name: "Renew or revoke" });
  await panel.getByLabel("Reason").selectOption("keyCompromise");
  await panel.getByRole("button", { name: "Revoke" }).click();
  await expect(panel.getByRole("alert")).toContainText("Tick the box to confirm");
  await expect(panel.getByLabel("Reason")).toHaveValue("keyCompromise"); // the refusal kept the choice
  await panel.getByLabel("Clients that check revocation will refuse it").check();
  await panel.getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByText(/Revoked on .* \(keyCompromise\)/)).toBeVisible();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("revoked");
  await snap(page, "20-revoked");

  const crl = await (await request.get(`/crl/${ca.id}?format=pem`)).text();
  const der = await request.get(`/crl/${ca.id}`);
  expect(der.headers()["content-type"]).toBe("application/pkix-crl");
  const f = writeFiles(tempDir(), {
    "ca.pem": ca.certificatePem,
    "crl.pem": crl,
    "doomed.pem": doomed.certificatePem,
    "kept.pem": kept.certificatePem,
  });
  const revoked = openssl(["verify", "-crl_check", "-CAfile", f["ca.pem"]!, "-CRLfile", f["crl.pem"]!, f["doomed.pem"]!]);
  expect(revoked.stdout + revoked.stderr).toContain("certificate revoked");
  expect(openssl(["verify", "-crl_check", "-CAfile", f["ca.pem"]!, "-CRLfile", f["crl.pem"]!, f["kept.pem"]!]).status).toBe(0);

  // OCSP over HTTP: openssl POSTs with a nonce; the GET form carries the request in the path.
  const base = test.info().project.use.baseURL!;
  const ocsp = (file: string) =>
    openssl(["ocsp", "-issuer", f["ca.pem"]!, "-cert", file, "-url", `${base}/ocsp/${ca.id}`, "-CAfile", f["ca.pem"]!]);
  expect(ocsp(f["doomed.pem"]!).stdout).toContain("doomed.pem: revoked");
  expect(ocsp(f["kept.pem"]!).stdout).toContain("kept.pem: good");
  const dir = tempDir();
  openssl(["ocsp", "-issuer", f["ca.pem"]!, "-cert", f["kept.pem"]!, "-reqout", `${dir}/req.der`, "-no_nonce"]);
  const get = await request.get(`/ocsp/${ca.id}/${encodeURIComponent(readFileSync(`${dir}/req.der`).toString("base64"))}`);
  expect(get.headers()["content-type"]).toBe("application/ocsp-response");
  const resp = writeFiles(dir, { "resp.der": await get.body() });
  expect(openssl(["ocsp", "-respin", resp["resp.der"]!, "-CAfile", f["ca.pem"]!, "-resp_text"]).stdout).toContain("Cert Status: good");

  await page.goto(`/certificates/${kept.id}`);
  await page.getByLabel("Revoke this certificate as superseded once renewed").check();
  await page.getByRole("button", { name: "Renew" }).click();
  await expect(page.getByText("Certificate issued and stored.")).toBeVisible();
  await expect(page.getByText("Renews the previous certificate")).toBeVisible();
  await page.getByRole("link", { name: "the previous certificate" }).click();
  await expect(page.getByText(/Revoked on .* \(superseded\)/)).toBeVisible();

  await page.goto(`/certificates?caId=${ca.id}`);
  const csv = await downloadBy(page, () => page.getByRole("link", { name: "CSV" }).click(), tempDir());
  expect(csv.name).toMatch(/^cadesk-inventory-.*\.csv$/);
  const rows = readFileSync(csv.file, "utf8").trim().split("\r\n");
  expect(rows).toHaveLength(4); // header + doomed + kept + its renewal
  expect(rows.join("\n")).toContain(`"doomed-${stamp}.e2e.test"`);
});

test("revoking an intermediate CA says what stops working first", async ({ page, request }) => {
  const stamp = Date.now();
  const root = await (await request.post("/api/v1/cas", { headers: auth, data: { commonName: `CA Revoke Root ${stamp}` } })).json();
  const mid = await (
    await request.post("/api/v1/cas", { headers: auth, data: { commonName: `CA Revoke Mid ${stamp}`, parentId: root.id } })
  ).json();
  await request.post("/api/v1/certificates", { headers: auth, data: { caId: mid.id, commonName: `under-${stamp}.e2e.test` } });

  await page.goto(`/authorities/${root.id}`);
  await expect(page.getByRole("form", { name: "Revoke this CA" })).toHaveCount(0); // a root is not revocable here
  await page.goto(`/authorities/${mid.id}`);
  const form = page.getByRole("form", { name: "Revoke this CA" });
  await expect(form).toContainText("everything beneath it: 1 valid certificate.");
  await form.getByLabel("Reason").selectOption("keyCompromise");
  await form.getByLabel("I understand what stops working").check();
  await form.getByRole("button", { name: "Revoke CA" }).click();
  await expect(page.getByText(/Revoked on .* \(keyCompromise\)\. It cannot issue/)).toBeVisible();
  const crl = await (await request.get(`/crl/${root.id}?format=pem`)).text();
  const f = writeFiles(tempDir(), { "crl.pem": crl });
  expect(openssl(["crl", "-in", f["crl.pem"]!, "-noout", "-text"]).stdout).toContain(`Serial Number: ${mid.serialNumber.toUpperCase()}`);
  await snap(page, "21-ca-revoked");
});
