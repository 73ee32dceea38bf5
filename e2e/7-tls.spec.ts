import { expect, test } from "@playwright/test";
import { API_TOKEN, snap } from "./helpers";

const auth = { Authorization: `Bearer ${API_TOKEN}` };

test("configure the echo server for mTLS and test connections from the browser", async ({ page, request }) => {
  const stamp = Date.now();
  const post = async (path: string, data: object) => (await request.post(`/api/v1${path}`, { headers: auth, data })).json();
  const root = await post("/cas", { commonName: `TLS E2E Root ${stamp}` });
  const issuing = await post("/cas", { commonName: `TLS E2E Issuing ${stamp}`, parentId: root.id });
  const other = await post("/cas", { commonName: `TLS E2E Other ${stamp}` });
  const server = await post("/certificates", { caId: issuing.id, profile: "server", commonName: "localhost", sans: { ip: ["127.0.0.1"] } });
  await post("/certificates", {
    caId: issuing.id,
    profile: "client",
    commonName: `billing-${stamp}`,
    sans: { uri: [`spiffe://e2e.test/billing`] },
  });
  await post("/certificates", {
    caId: other.id,
    profile: "client",
    commonName: `intruder-${stamp}`,
    sans: { uri: [`spiffe://e2e.test/intruder`] },
  });

  // The echo server, set up in the page: this server certificate, clients from the root, required.
  await page.goto("/tls");
  const echoForm = page.getByRole("form", { name: "Echo server" });
  await echoForm.getByLabel("Server certificate").selectOption({ value: server.id });
  await echoForm.getByLabel(`TLS E2E Root ${stamp}`).check();
  await echoForm.getByLabel(/Required/).check();
  await echoForm.getByRole("button", { name: "Apply to the echo server" }).click();
  // The form's own confirmation, not the badge: the listener was already running before this apply.
  await expect(echoForm.getByRole("status")).toContainText("Applied: new connections");
  await expect(echoForm.getByText(/listening on port \d+/)).toBeVisible();
  const status = await (await request.get("/api/v1/echo", { headers: auth })).json();
  expect(status).toMatchObject({ listening: true, certificateId: server.id, clientCaIds: [root.id], clientAuth: "require" });

  const doctor = page.getByRole("form", { name: "Connection doctor" });
  const result = page.getByRole("region", { name: "Connection result" });
  async function run(client: string, serverName = "") {
    await doctor.getByLabel("the built-in echo server").check();
    await doctor.getByLabel("Trust").selectOption({ label: `cadesk CA: TLS E2E Root ${stamp}` });
    await doctor.getByLabel("Client certificate (mTLS)").selectOption({ label: client });
    await doctor.getByLabel("Server name to check (SNI)").fill(serverName);
    await doctor.getByRole("button", { name: "Test connection" }).click();
  }

  await run(`billing-${stamp} (TLS client, from TLS E2E Issuing ${stamp})`);
  await expect(result).toContainText("Connection succeeded");
  await expect(result).toContainText(`Client certificate CN=billing-${stamp} accepted.`);
  await expect(result).toContainText("curl -v --cacert");
  await snap(page, "18-tls-success");

  await run("None");
  await expect(result).toContainText("Connection failed: CLIENT_CERT_REQUIRED");
  await expect(result).toContainText("requires a client certificate");

  await run(`intruder-${stamp} (TLS client, from TLS E2E Other ${stamp})`);
  await expect(result).toContainText("Connection failed: CLIENT_CERT_REJECTED");
  await expect(result).toContainText("bad certificate");

  await run(`billing-${stamp} (TLS client, from TLS E2E Issuing ${stamp})`, "wrong.example.com");
  await expect(result).toContainText("Connection failed: HOSTNAME_MISMATCH");
  await expect(result).toContainText('not for "wrong.example.com"');
  await snap(page, "19-tls-mismatch");
});

test("POST /api/v1/tls/test explains a refused connection as JSON", async ({ request }) => {
  const res = await request.post("/api/v1/tls/test", { headers: auth, data: { host: "127.0.0.1", port: 1, serverName: "localhost" } });
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body).toMatchObject({ ok: false, code: "CONNECTION_REFUSED" });
  expect(body.steps[0]).toMatchObject({ title: "TCP connect", ok: false });
  const bad = await request.post("/api/v1/tls/test", { headers: auth, data: { host: "https://x/", port: 443 } });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.message).toContain("without a scheme or path");
});
