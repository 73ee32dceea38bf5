import { expect, test } from "@playwright/test";
import { snap, snapWidths } from "./helpers";

test("a constrained intermediate: created in the form, refusing names outside it, with a policy set on its page", async ({ page }) => {
  await page.goto("/authorities/new");
  await page.getByLabel("Common Name").fill("E2E Policy Root");
  await page.getByLabel("Path length").fill("");
  await page.getByRole("button", { name: "Create root CA" }).click();
  await expect(page.getByRole("heading", { name: "E2E Policy Root" })).toBeVisible();

  await page.getByRole("link", { name: "New intermediate under it" }).click();
  await page.getByLabel("Common Name").fill("E2E Internal Issuing");
  await page.getByText("Name constraints (optional)").click();
  const permitted = page.getByRole("group", { name: /Permitted/ });
  const excluded = page.getByRole("group", { name: /Excluded/ });
  await permitted.getByLabel("DNS names").fill(".internal");
  await permitted.getByLabel("IP ranges (CIDR)").fill("10.0.0.0/8\nfd00::/8");
  await excluded.getByLabel("DNS names").fill("*.secret.internal");
  await snapWidths(page, "50-new-ca-constraints");
  await page.getByRole("button", { name: "Create intermediate CA" }).click();

  // The wrong entry is named beside its field; what was typed stays.
  await expect(page.getByText('DNS subtree "*.secret.internal" has a wildcard')).toBeVisible();
  await expect(permitted.getByLabel("DNS names")).toHaveValue(".internal");
  await expect(excluded.getByLabel("DNS names")).toHaveAttribute("aria-invalid", "true");
  await snap(page, "50-new-ca-constraint-error");
  await excluded.getByLabel("DNS names").fill("secret.internal");
  await page.getByRole("button", { name: "Create intermediate CA" }).click();

  await expect(page.getByRole("heading", { name: "E2E Internal Issuing" })).toBeVisible();
  const caUrl = page.url().replace(/\?.*$/, "");
  const names = page.getByRole("region", { name: "Names this CA may sign" });
  await expect(names.getByText("internal", { exact: true })).toBeVisible();
  await expect(names.getByText("10.0.0.0/8, fd00::/8")).toBeVisible();
  await expect(names.getByText("secret.internal", { exact: true })).toBeVisible();
  await expect(names.getByText("No policy: any name within the constraints")).toBeVisible();

  // Issuing outside the constraints is refused on the form, naming the name, the subtree and the CA.
  await page.getByRole("link", { name: "Issue from this CA" }).click();
  await page.getByLabel("Common Name").fill("www.example.com");
  await page.getByRole("button", { name: "Issue certificate" }).click();
  await expect(
    page.getByText('The DNS name "www.example.com" is not allowed: the CA "E2E Internal Issuing" permits only "internal" for DNS names'),
  ).toBeVisible();
  await expect(page.getByLabel("Common Name")).toHaveValue("www.example.com");
  await snapWidths(page, "50-issue-refused");

  // An admin sets a policy on the CA page.
  await page.goto(caUrl);
  await expect(page.getByRole("heading", { name: "E2E Internal Issuing" })).toBeVisible();
  await page.getByText("Edit the policy").click();
  await page.getByLabel("Allowed names").fill("*.apps.internal");
  await page.getByLabel("Allow wildcard names (*.example.com)").uncheck();
  await page.getByLabel("Maximum validity (days)").fill("90");
  await page.getByRole("button", { name: "Save policy" }).click();
  await expect(page.getByText("Policy saved.")).toBeVisible();
  const rules = page.getByRole("region", { name: "Names this CA may sign" });
  const rule = (text: RegExp) => rules.getByRole("definition").filter({ hasText: text });
  await expect(rule(/^\*\.apps\.internal$/)).toBeVisible();
  await expect(rule(/^not allowed$/)).toBeVisible();
  await expect(rule(/^90 days$/)).toBeVisible();
  await snapWidths(page, "50-ca-page-policy");

  // The policy refuses a name the constraints allow, naming the rule.
  await page.getByRole("link", { name: "Issue from this CA" }).click();
  await page.getByLabel("Common Name").fill("db.internal");
  await page.getByRole("button", { name: "Issue certificate" }).click();
  await expect(
    page.getByText(
      '"db.internal" is not among the allowed names "*.apps.internal" (the issuance policy of the CA "E2E Internal Issuing", rule allowedNames)',
    ),
  ).toBeVisible();
  await page.getByLabel("Common Name").fill("web.apps.internal");
  await page.getByRole("button", { name: "Issue certificate" }).click();
  await expect(page.getByText("Certificate issued and stored.")).toBeVisible();
});
