import { expect, test } from "@playwright/test";
import { opensslOk } from "../lib/testing/openssl";
import { API_TOKEN } from "./helpers";

const auth = { Authorization: `Bearer ${API_TOKEN}` };

test("a certificate's text view equals openssl x509 -text, in the page and the API", async ({ page, request }) => {
  const ca = await (
    await request.post("/api/v1/cas", { headers: auth, data: { commonName: `Text View Root ${Date.now()}`, keyType: "rsa-2048" } })
  ).json();
  const issued = await (
    await request.post("/api/v1/certificates", {
      headers: auth,
      data: { caId: ca.id, commonName: "text.e2e.test", sans: { ip: ["2001:db8::7"] } },
    })
  ).json();
  const expected = opensslOk(["x509", "-text", "-noout"], issued.certificatePem);

  const api = await request.get(`/api/v1/certificates/${issued.id}/text`, { headers: auth });
  expect(api.headers()["content-type"]).toContain("text/plain");
  expect(await api.text()).toBe(expected);

  await page.goto(`/certificates/${issued.id}`);
  await page.getByRole("tab", { name: "Text view" }).click();
  const view = page.getByRole("figure").filter({ hasText: "Text (openssl x509 -text -noout)" });
  await expect(view.locator("pre")).toContainText("IP Address:2001:DB8:0:0:0:0:0:7");
  expect((await view.locator("pre").innerText()).trimEnd()).toBe(expected.trimEnd());
});
